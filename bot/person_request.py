"""Whether a message asks for a person, even when it is mostly about something else.

The intent classifier gives one intent per message, so "I need to speak to someone in payroll about
my payslip, it's wrong" comes out as ``payslip`` and the request for a person was lost (found by an
exploratory test of the running product). These patterns catch the common ways of asking; the team
still follows the topic (payroll here). A negation just before the verb ("I don't want to talk to a
person"), a past or future tense ("I talked to someone", "I'll speak to someone tomorrow") or a question about
the process ("do I need to speak to someone in HR to ...") is not a request.
"""

from __future__ import annotations

import re

from bot.tone.cues import normalise

_PERSON = (
    r"(?:a |an |some |the |one of the |one of your |your )?(?:real |actual |live |human )?"
    r"(?:person|people|humans?|someone|somebody|agents?|representatives?|rep|advisors?|advisers?|"
    r"member of staff|specialists?)\b"
)
_ASKS = [
    # "speak to someone", "can I talk with a real person", "chat to a human"
    rf"\b(?:speak|talk|chat)(?:ing)? (?:to|with) {_PERSON}",
    # "put me through to an agent", "connect me with a person", "transfer me to someone"
    rf"\b(?:put|get|connect|transfer|pass|send) me (?:through )?(?:to|with) {_PERSON}",
    # "I want a human", "I need a real person", "give me an agent" (not "we need a person to cover reception")
    r"\b(?:want|need|give me|get me) (?:a |an )(?:(?:real|actual|live) person|human|agent)\b",
    # "can someone from payroll call me", "please have someone call me back"
    r"\b(?:can|could|would|will|please|have|get) (?:someone|somebody|a person|an agent)(?: from [a-z]+)? "
    r"(?:call|ring|phone|contact|email) me\b",
    # "can you escalate this", "please escalate my case"
    r"\bescalate (?:this|it|me|my (?:issue|case|ticket|request|problem|complaint))\b",
    # "get me someone who knows what they're doing"
    r"\b(?:get|find|give) me (?:someone|somebody|a person|a human)\b",
    # "can someone from IT look at it" (a team named: "can someone help me reset it" is for the bot)
    r"\b(?:can|could|would|will|please|have) (?:someone|somebody) (?:from|in) [a-z.]+ "
    r"(?:look at|look into|check|help|fix|sort|take a look)\b",
]
# A team asked for by name is a request for its people: "I want to talk to payroll", "connect me with the
# payroll team", "get me IT support", "I need a payroll person" (lower-case "it" alone is no team).
_TEAM_WORDS = (
    r"(?:payroll|finance|accounts|hr|human resources|people team|people ops|it support|tech support|"
    r"helpdesk|help desk|service desk|i\.t\.?)"
)
_NOT_PEOPLE = r"(?! (?:portal|policy|policies|system|website|site|page|handbook|form|forms|app|tool|email))\b"
_ASKS += [
    rf"\b(?:speak|talk|chat)(?:ing)? (?:to|with) (?:the |your |someone (?:from|in) )?{_TEAM_WORDS}{_NOT_PEOPLE}",
    rf"\b(?:put|get|connect|transfer|pass|send) me (?:through )?(?:to|with) (?:the |your )?{_TEAM_WORDS}{_NOT_PEOPLE}",
    rf"\b(?:get|give) me (?:the |your )?{_TEAM_WORDS}(?: team| department| people| person)?{_NOT_PEOPLE}",
    rf"\b(?:want|need) (?:a |an )?{_TEAM_WORDS} (?:person|agent|rep|specialist|advisor|adviser)\b",
    # "no bot. person.", "not a bot, a human please"
    r"\bno(?:t a| more)? bots?\b[.,!]*\s*(?:a |an )?(?:real )?(?:person|human|people|agent)\b",
    # "is there anybody I can call about this?"
    r"\b(?:is there|are there) (?:anybody|anyone|someone|somebody|a person) (?:i|we) (?:can|could) "
    r"(?:call|ring|phone|talk to|speak to|speak with|talk with|contact)\b",
]
_ASK = re.compile("|".join(f"(?:{p})" for p in _ASKS))
# Right before the match, these words make it something else than a request now:
NOT_A_REQUEST = re.compile(
    r"(?:"
    r"\b(?:don'?t|do not|doesn'?t|does not|not|never|without)\s+"  # "I don't want to talk to"
    r"(?:(?:want|need|wish|have|like|mean|plan|really|even|ever|to)\s+){0,3}"
    r"|\bno need to\s+"
    r"|\bhow (?:do|can|should|would) (?:i|we) (?:\w+ )?|\bhow to\s+"  # "how do I escalate this"
    r"|\b(?:do|does|will|would) (?:i|we|you) (?:\w+ )?(?:need|have) to\s+"  # "do I need to speak to someone"
    r"|\b(?:i'll|i will|i'm going to|i am going to|we'll|we will)\s+(?:\w+\s+)?"  # "I'll speak to someone tomorrow"
    r")$"
)
MAX_CHARS = 2000
LOOK_BACK = 40  # characters before the match that can make it something else


def asks_for_person(text: str) -> bool:
    """True when the message asks to speak to a person, in any part of it."""
    lowered = normalise(text[:MAX_CHARS]).lower()  # the crisis lexicon's apostrophes and spacing
    return any(
        not NOT_A_REQUEST.search(lowered[max(0, match.start() - LOOK_BACK) : match.start()])
        for match in _ASK.finditer(lowered)
    )


# The team a request names ("can someone from payroll call me"), checked before the topic decides.
_TEAMS = [
    ("payroll", r"payroll|finance|accounts"),
    ("it", r"it support|tech support|helpdesk|help desk|service desk|i\.t\.?"),
    ("hr", r"hr|human resources|people team|people ops"),
]
_FROM_TEAM = [
    (
        skill,
        re.compile(
            rf"\b(?:from|in|at|to|with|me) (?:the |your )?(?:{words})(?: team| department| dept)?\b"
            rf"|\b(?:{words}) (?:person|people|team|agent|rep|someone|department)\b"
        ),
    )
    for skill, words in _TEAMS
]
# "it" is a team only when written IT, or "from it" ("someone in it" is something else).
_IT = re.compile(r"\b(?:from|in|at) (?:the )?IT\b|\bIT (?:person|people|team|agent|rep|department)\b")


def team_named(text: str) -> str | None:
    """The team (payroll, it, hr) a request for a person names, if it names one."""
    lowered = normalise(text[:MAX_CHARS]).lower()
    if not asks_for_person(text) and not re.search(rf"\b{_PERSON}", lowered):
        return None
    if _IT.search(text[:MAX_CHARS]) or re.search(r"\bfrom it\b", lowered):
        return "it"
    for skill, pattern in _FROM_TEAM:
        if pattern.search(lowered):
            return skill
    return None
