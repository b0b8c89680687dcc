"""What every form shares: when an answer fills the requested slot, and when it interrupts the form.

An answer that parses fills the slot. One that doesn't parse either interrupts the form (a clear
question, "no", a request for a person: the form steps aside and rules answer it) or is met with a
hint and the same question again.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.context import confidence_of, intent_of

# Intents that never interrupt a form: they are answers, or noise the form should ask again about.
ANSWER_LIKE = frozenset({"affirm", "out_of_scope", "nlu_fallback", None})
INTERRUPT_CONFIDENCE = 0.5


def is_requested(tracker: Tracker, slot: str) -> bool:
    return tracker.get_slot("requested_slot") == slot


def interrupts(tracker: Tracker) -> bool:
    """True when the latest message is something other than an answer to the form's question."""
    intent = intent_of(tracker)
    if intent == "deny":
        return True
    return intent not in ANSWER_LIKE and confidence_of(tracker) >= INTERRUPT_CONFIDENCE


def not_understood(dispatcher: CollectingDispatcher, tracker: Tracker, slot: str, hint: str) -> dict[str, Any]:
    """Step aside for an interruption, or say what went wrong so the form asks again."""
    if interrupts(tracker):
        return {}
    dispatcher.utter_message(text=hint)
    return {slot: None}
