"""What the tone encoder reads: a message with its emoji spelled out.

MiniLM's vocabulary has no emoji, so "so done 😭" and "so done 😂" both reach it as "so done [UNK]".
Each emoji becomes its Unicode name ("loudly crying face"), words the encoder already knows; a run of
the same emoji becomes one name (repetition is a cue of its own, and the 64 word pieces are kept
for words). Only the encoder reads this: the cues (VADER has its own emoji lexicon) see the original.
"""

from __future__ import annotations

import re
import unicodedata

# Pictographs, emoticons, transport, supplemental symbols; miscellaneous technical (⌛ ⏰); miscellaneous
# symbols and dingbats (☹ ❤ ✨); arrows and stars (⬆ ⭐ ⭕).
EMOJI = re.compile(r"([\U0001F000-\U0001FAFF\u2300-\u23FF\u2600-\u27BF\u2B00-\u2BFF])\1*")
FLAG = re.compile(r"[\U0001F1E6-\U0001F1FF]{2}")  # two regional indicators: a country's flag
# Skin tones, the emoji presentation selector, the zero-width joiner, the keycap frame (1️⃣ reads as 1).
JOINERS = re.compile(r"[\U0001F3FB-\U0001F3FF\uFE0F\u200D\u20E3]")


def spell_out_emoji(text: str) -> str:
    """``text`` with each emoji (or run of one emoji) replaced by its lower-case Unicode name."""

    def name(match: re.Match[str]) -> str:
        # Emoji newer than this Python's Unicode tables have no name here; still an emoji, not nothing.
        return f" {unicodedata.name(match.group(1), 'emoji').lower()} "

    bare = JOINERS.sub("", text)
    if not EMOJI.search(bare):
        return bare
    return re.sub(r" {2,}", " ", EMOJI.sub(name, FLAG.sub(" flag ", bare))).strip()
