"""What the tone encoder reads: a message with its emoji spelled out.

MiniLM's vocabulary has no emoji, so "so done 😭" and "so done 😂" both reach it as "so done [UNK]".
Each emoji becomes its Unicode name ("loudly crying face"), words the encoder already knows; a run of
the same emoji becomes one name (repetition is a cue of its own, and the 64 word pieces are kept
for words). Only the encoder reads this: the cues (VADER has its own emoji lexicon) see the original.
"""

from __future__ import annotations

import re
import unicodedata

# Pictographs, emoticons, transport, supplemental symbols; miscellaneous symbols and dingbats (☹ ❤ ✨); ⭐.
EMOJI = re.compile(r"([\U0001F000-\U0001FAFF\u2600-\u27BF\u2B50])\1*")
JOINERS = re.compile(r"[\U0001F3FB-\U0001F3FF\uFE0F\u200D]")  # skin tones, presentation selector, zero-width joiner


def spell_out_emoji(text: str) -> str:
    """``text`` with each emoji (or run of one emoji) replaced by its lower-case Unicode name."""

    def name(match: re.Match[str]) -> str:
        return f" {unicodedata.name(match.group(1), '').lower()} "

    if not EMOJI.search(text):
        return text
    return re.sub(r" {2,}", " ", EMOJI.sub(name, JOINERS.sub("", text))).strip()
