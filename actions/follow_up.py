"""Short follow-up questions ("and september?", "what about sick days?") and asking the same thing about
something else.

A follow-up names only what changes; the NLU, seeing one message, reads "what about sick days?" as a
leave booking and "and september?" as out of scope. When the bot's last reply answered a question
whose answer depends on such a detail (a month, a kind of leave, a ticket, a policy), a short message
that opens like a follow-up and names a detail of that kind is the same question about it.

Asking the same thing about something else ("payslip for october", then "... for september") is no
repeat of a request the bot failed to answer, which the escalation policy counts as failure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

from rasa_sdk import Tracker

from actions.complaints import about_a_claim
from actions.context import confidence_of, intent_of, text_of
from actions.knowledge import find_policy
from actions.parsing import leave_type_from_text, month_named, ticket_number

# What each answer depends on in the wording, for the intents whose answer changes with it.
DETAILS: dict[str, Callable[[str], Any]] = {
    "pto_balance": leave_type_from_text,
    "pto_used": leave_type_from_text,
    "payslip": month_named,
    "ticket_status": ticket_number,
    "policy_question": lambda text: (find_policy(text) or (None,))[0],
}
_OPENER = re.compile(
    r"^\W*(?:(?:ok(?:ay)?|thanks|great|cool)\W+)?(?:and|what about|how about|same for|also|what of)\b", re.IGNORECASE
)
MAX_WORDS = 8  # a follow-up is short; a longer message is a question of its own
SURE = 0.8  # an intent this sure of another routine question is that question ("what about my w2")
UNSURE_INTENTS = frozenset({"out_of_scope", "nlu_fallback"})


@dataclass(frozen=True)
class Reading:
    """The intent to act on for the latest message, and whether it asks about something new."""

    intent: str | None
    confidence: float
    follow_up: bool = False
    new_details: bool = False


def detail(intent: str | None, text: str) -> Any:
    """The detail the answer for ``intent`` depends on, as the text names it (None when it names none)."""
    reader = DETAILS.get(intent or "")
    return reader(text) if reader is not None else None


def follow_up_intent(text: str, intent: str | None, confidence: float, answered: str | None) -> str | None:
    """``answered`` again when ``text`` is a follow-up to that answer, else None."""
    if answered not in DETAILS or not _OPENER.match(text) or len(text.split()) > MAX_WORDS:
        return None
    if detail(answered, text) is None:
        return None  # "and the one before?": nothing to answer differently
    if intent != answered and intent not in UNSURE_INTENTS and confidence >= SURE:
        return None
    return answered


def read_message(text: str, intent: str | None, confidence: float, answered: str | None, before: str) -> Reading:
    """The message as the policy should see it: ``answered`` is the intent the bot's last reply answered
    (None when its last reply was something else) and ``before`` the previous message's text."""
    follow = follow_up_intent(text, intent, confidence, answered)
    if follow is not None:
        return Reading(follow, 1.0, follow_up=True, new_details=True)
    if about_a_claim(text, intent):  # answered with the claims made (action_answer), not a new claim form
        return Reading("expense_status", confidence, follow_up=True)
    now = detail(intent, text)
    return Reading(intent, confidence, new_details=now is not None and now != detail(intent, before))


def answered_last_turn(tracker: Tracker) -> tuple[str | None, str]:
    """The intent ``action_answer`` answered in the previous turn (None if it did not run then), and the
    text of the previous user message."""
    users_seen, actions, before = 0, [], ""
    for event in reversed(tracker.events):
        kind = event.get("event")
        if kind == "user":
            users_seen += 1
            if users_seen == 2:
                before = str(event.get("text") or "")
                break
        elif kind == "action" and users_seen == 1:
            actions.append(event.get("name"))
    answered = tracker.get_slot("answered_intent") if "action_answer" in actions else None
    return (answered if isinstance(answered, str) else None), before


def read_latest(tracker: Tracker) -> Reading:
    answered, before = answered_last_turn(tracker)
    return read_message(text_of(tracker), intent_of(tracker), confidence_of(tracker), answered, before)
