"""Whether a message asks for a person, even when it is mostly about something else.

The intent classifier gives one intent per message, so "I need to speak to someone in payroll about
my payslip, it's wrong" comes out as ``payslip`` and the request for a person was lost (found by an
exploratory test of the running product). These patterns catch the common ways of asking; the team
still follows the topic (payroll here). A negation before the verb ("I don't need to talk to anyone")
or a past tense ("I talked to someone yesterday") is not a request.
"""

from __future__ import annotations

import re

_PERSON = (
    r"(?:a |an |some |the |one of the |one of your |your )?(?:real |actual |live |human )?"
    r"(?:person|people|humans?|someone|somebody|agents?|representatives?|rep|advisors?|advisers?|"
    r"member of (?:staff|the team)|colleague|team member|specialists?)\b"
)
_ASKS = [
    # "speak to someone", "can I talk with a real person", "chat to a human"
    rf"\b(?:speak|talk|chat)(?:ing)? (?:to|with) {_PERSON}",
    # "put me through to an agent", "connect me with a person", "transfer me to someone"
    rf"\b(?:put|get|connect|transfer|pass|send) me (?:through )?(?:to|with) {_PERSON}",
    # "I want a human", "I need a real person", "give me an agent"
    r"\b(?:want|need|give me|get me) (?:a |an )(?:real |actual |live )?(?:person|human|agent)\b",
    # "can someone from payroll call me", "have someone call me back"
    r"\b(?:someone|somebody|a person|an agent)(?: from [a-z]+)? (?:call|ring|phone|contact|email) me\b",
]
_ASK = re.compile("|".join(f"(?:{p})" for p in _ASKS))
# The clause before the match says no: "don't", "no need to", "not", "never", "without".
_NEGATION = re.compile(r"\b(?:don'?t|do not|doesn'?t|no need|not|never|without|no)\b")
_CLAUSE_BREAK = re.compile(r"[.!?;,]")
MAX_CHARS = 2000
LOOK_BACK = 60  # characters before the match that can negate it


def _negated(before: str) -> bool:
    return bool(_NEGATION.search(_CLAUSE_BREAK.split(before[-LOOK_BACK:])[-1]))


def asks_for_person(text: str) -> bool:
    """True when the message asks to speak to a person, in any part of it."""
    lowered = " ".join(text[:MAX_CHARS].lower().replace("’", "'").split())
    return any(not _negated(lowered[: match.start()]) for match in _ASK.finditer(lowered))
