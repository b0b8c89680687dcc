"""IT tickets from what the employee wrote: which kind of fault, which thing is broken, and whether it is
the problem an open ticket already tracks.

A follow-up ("the vpn is still down") belongs on the open ticket; a different device ("now my keyboard
died" while a monitor ticket is open) needs its own ticket, or IT never hears about it.
"""

from __future__ import annotations

import re

from bot.db.store import TicketRecord

# Things an IT ticket can be about, grouped by what IT would treat as the same thing.
_THINGS: dict[str, tuple[str, ...]] = {
    "laptop": ("laptop", "notebook", "macbook", "computer", "pc", "desktop", "thinkpad"),
    "monitor": ("monitor", "screen", "display"),
    "keyboard": ("keyboard",),
    "mouse": ("mouse", "trackpad", "touchpad"),
    "printer": ("printer", "scanner", "copier"),
    "headset": ("headset", "headphones", "earphones", "microphone", "mic", "speakers"),
    "webcam": ("webcam", "camera"),
    "phone": ("phone", "mobile", "iphone", "android", "desk phone"),
    "dock": ("dock", "docking station", "usb-c hub"),
    "charger": ("charger", "power adapter", "power cable", "battery"),
    "badge": ("badge", "access card", "key card", "keycard"),
    "wifi": ("wifi", "wi-fi", "wireless", "internet", "network"),
    "vpn": ("vpn",),
    "email": ("email", "outlook", "mailbox", "inbox"),
    "salesforce": ("salesforce",),
    "jira": ("jira",),
    "confluence": ("confluence",),
    "slack": ("slack",),
    "zoom": ("zoom",),
    "teams": ("ms teams", "microsoft teams"),
    "github": ("github", "gitlab"),
    "figma": ("figma",),
    "workday": ("workday",),
    "sharepoint": ("sharepoint", "shared drive", "onedrive", "google drive"),
    "tableau": ("tableau",),
    "adobe": ("adobe", "photoshop", "acrobat", "illustrator"),
    "office": ("excel", "ms word", "microsoft word", "powerpoint", "office 365", "microsoft office"),
}
_THING_PATTERNS = {
    thing: re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")s?\b", re.IGNORECASE)
    for thing, words in _THINGS.items()
}
_ACCESS_WORDS = re.compile(r"\b(?:access|permissions?|licen[cs]es?|log ?in to|install|account for)\b", re.IGNORECASE)
_ASK_TO_OPEN = re.compile(
    r"\b(?:open|create|raise|log|file|submit|make|start|put in|lodge)\s+(?:me\s+)?(?:up\s+)?"
    r"(?:an?\s+|new\s+|another\s+|a\s+new\s+|an\s+it\s+|a\s+support\s+)?(?:it\s+|support\s+|help\s?desk\s+)?"
    r"(?:ticket|case|incident)\b",
    re.IGNORECASE,
)
_REQUEST_WORDS = re.compile(
    r"\b(?:can|could|would|will|pls|please|plz|you|u|i|want|need|like|to|me|an?|new|it|support|"
    r"ticket|case|incident|open|create|raise|log|file|submit|make|start|put|in|lodge|for|hi|hey|"
    r"hello|thanks|thank|just|so|and|ok|okay)\b",
    re.IGNORECASE,
)
MIN_PROBLEM_WORDS = 2  # "open a ticket" alone says nothing IT could act on


_WHERE_TO_GET = re.compile(
    r"\b(?:where|how|when|who)\b[^.?!]{0,40}\b(?:get|pick up|collect|receive|request|order|obtain|issued?|given)\b",
    re.IGNORECASE,
)
_FAULT_WORDS = re.compile(
    r"\b(?:broken|broke|not working|isn'?t working|won'?t|doesn'?t|does not|can'?t|cannot|error|stopped|died|dead|"
    r"crash\w*|flicker\w*|slow|cracked|faulty|issue|problem|keeps|fails?|failing|replace\w*|lost|stolen|spilled)\b",
    re.IGNORECASE,
)


_TICKET_WORD = r"(?:(?:it|support|help\s?desk)\s+)?(?:ticket|request|case|incident|inc\b|#)"
_CLOSE_TICKET = re.compile(
    rf"\b(?:close|resolve|cancel|withdraw|drop)\s+(?:(?:the|my|that|this|your)\s+)?{_TICKET_WORD}|"
    rf"\bmark\s+(?:it|(?:the|my|that)\s+{_TICKET_WORD})\s+(?:as\s+)?(?:resolved|closed|done)\b|"
    rf"\b(?:don'?t|do\s+not|no\s+longer)\s+need\s+(?:the|my|that|this)\s+{_TICKET_WORD}|"
    rf"\bno\s+need\s+for\s+(?:the|my|that|this)\s+{_TICKET_WORD}",
    re.IGNORECASE,
)
_CLOSE_IT = re.compile(r"\b(?:close|resolve)\s+(?:it|that|this)\b(?!\s+(?:app|window|tab|program|file))", re.IGNORECASE)


def asks_to_close(text: str) -> bool:
    """'close it, it's working now', 'you can cancel my ticket': the employee's problem went away.

    "close it" alone also ends a fault report ("excel freezes and I can't close it"): it counts only
    when the message reports no fault."""
    text = text or ""
    return bool(_CLOSE_TICKET.search(text) or (_CLOSE_IT.search(text) and not _FAULT_WORDS.search(text)))


def asks_how_to_get(text: str) -> bool:
    """'where do I get my laptop?' asks how equipment is issued: no fault to open a ticket for."""
    return bool(_WHERE_TO_GET.search(text or "")) and not _FAULT_WORDS.search(text or "")


def things_named(text: str) -> frozenset[str]:
    """The devices and applications a message names, as group names ('screen' and 'monitor' are one)."""
    return frozenset(thing for thing, pattern in _THING_PATTERNS.items() if pattern.search(text or ""))


def asks_to_open_ticket(text: str) -> bool:
    """'can you open a ticket', 'please raise an IT ticket for this': a request to open, not to check."""
    return bool(_ASK_TO_OPEN.search(text or ""))


def describes_problem(text: str) -> bool:
    """Whether anything is left once the words of the request itself are removed."""
    rest = _REQUEST_WORDS.sub(" ", re.sub(r"[^\w\s'-]", " ", text or ""))
    return len(rest.split()) >= MIN_PROBLEM_WORDS


def fault_category(text: str) -> str:
    """The ticket category for a free-text fault: vpn, access, hardware, or general IT."""
    named = things_named(text)
    if "vpn" in named:
        return "vpn"
    if _ACCESS_WORDS.search(text or ""):
        return "access"
    if named & {"laptop", "monitor", "keyboard", "mouse", "printer", "headset", "webcam", "phone", "dock", "charger"}:
        return "hardware"
    return "it"


def same_problem(ticket: TicketRecord, text: str) -> bool:
    """Whether a new report is about what an open ticket of the same category tracks.

    A report that names nothing ("it's still broken") is a follow-up. One that names a thing the ticket
    does not mention is a new problem, even in the same category (a monitor ticket is no place for a
    keyboard fault, nor Jira access for Salesforce access)."""
    new = things_named(text)
    if not new:
        return True
    return bool(new & things_named(ticket.summary))


def open_ticket_for(tickets: list[TicketRecord], category: str, text: str) -> TicketRecord | None:
    """The open ticket this report adds to, if any: the newest of the category about the same thing."""
    return next((t for t in tickets if t.category == category and same_problem(t, text)), None)
