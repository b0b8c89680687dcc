"""Two questions in one message ("how many vacation days do I have and when is payday?").

The intent classifier reads a message as one request; when the message splits into exactly two
questions, each is classified on its own as well (``EmbeddingIntentClassifier``), so the assistant
can answer both. Only clear seams count: a question mark followed by more text, a semicolon, or
"and"/"also" followed by a question word or "I"/"my"; anything else stays one request.
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
