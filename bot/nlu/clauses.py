"""Two questions in one message ("how many vacation days do I have and when is payday?").

The intent classifier reads a message as one request; when the message splits into exactly two
questions, each is classified on its own as well (``EmbeddingIntentClassifier``), so the assistant
can answer both. Only clear seams count: a question mark followed by more text, a semicolon, or
"and"/"also" followed by a question word or "I"/"my"; anything else stays one request.

A longer message is a story ("my dad died on monday and I can't think straight... how many days of
bereavement leave do I get?"): its questions are the sentences that end in a question mark
(``questions_in_story``), each classified on its own, so a routine question is not lost when the
story is what the assistant acts on.
"""

from __future__ import annotations

import re

_QUESTION_START = (
    r"(?:when|what|whats|what's|where|how|who|which|why|is|are|do|does|did|can|could|will|would|am|i|my)\b"
)
_SEAM = re.compile(
    rf"\?+\s+(?=\w)|\s*;\s*|,?\s+(?:and\s+(?:also\s+)?|also\s+)(?={_QUESTION_START})",
    re.IGNORECASE,
)
MIN_WORDS = 2
MAX_CHARS = 300  # longer messages are stories, not two quick questions


def split_questions(text: str) -> tuple[str, str] | None:
    """The two questions of ``text``, or None when it is not clearly two."""
    if not text or len(text) > MAX_CHARS:
        return None
    parts = [p.strip(" ?.!,") for p in _SEAM.split(text.strip())]
    parts = [p for p in parts if p]
    if len(parts) != 2 or any(len(p.split()) < MIN_WORDS for p in parts):
        return None
    return parts[0], parts[1]


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)|\n+")
MAX_STORY_QUESTIONS = 3


def questions_in_story(text: str) -> list[str]:
    """The questions (sentences ending in "?") of a message of several sentences; at most three."""
    if not text:
        return []
    sentences = [s.strip() for s in _SENTENCE_END.split(text.strip()) if s.strip()]
    if len(sentences) < 2:
        return []
    found = [s.rstrip(" ?") for s in sentences if s.endswith("?") and len(s.split()) >= MIN_WORDS]
    return found[:MAX_STORY_QUESTIONS]
