"""What every form shares: when a message answers the form's question, and when it interrupts the form.

A message that parses as an answer to the requested slot is an answer, whatever its intent ("march
3" may well look like ``pto_request``). One that doesn't parse interrupts when it is confidently
something else (a question, a request for a person): the validation action then sets nothing,
Rasa rejects the form for this turn, and the rules answer the message and bring the form back.
A clear "no" interrupts and the rules cancel the form. Anything else gets a hint and the question again.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import Any, ClassVar

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.context import confidence_of, intent_of
from actions.conversation import answer_other_question
from actions.profiles import load_profile
from actions.runtime import runtime

# Intents that never interrupt a form: they are answers, or noise the form should ask again about.
ANSWER_LIKE = frozenset({"affirm", "out_of_scope", "nlu_fallback", None})
INTERRUPT_CONFIDENCE = 0.5


def is_requested(tracker: Tracker, slot: str) -> bool:
    return tracker.get_slot("requested_slot") == slot


def interrupts(tracker: Tracker, own_intents: frozenset[str] = frozenset()) -> bool:
    """True when the latest message is something other than an answer to the form's question."""
    intent = intent_of(tracker)
    if intent in ANSWER_LIKE or intent in own_intents:
        return False
    return confidence_of(tracker) >= INTERRUPT_CONFIDENCE


class FormValidation(FormValidationAction):
    """Steps aside (sets nothing) when the employee says no or interrupts; otherwise extracts and validates."""

    own_intents: ClassVar[frozenset[str]] = frozenset()

    @abstractmethod
    def name(self) -> str:
        """validate_<form name>; abstract so the action server doesn't register this base class."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        if (
            tracker.get_slot("requested_slot") is not None
            and intent_of(tracker) == "deny"
            and confidence_of(tracker) >= INTERRUPT_CONFIDENCE
        ):
            return []  # a clear "no": the rules cancel the form (a button like "Other" may look like a weak deny)
        if tracker.get_slot("requested_slot") is None and tracker.latest_message.get("also"):
            # The message that starts the form also asked something ("... and how much sick leave do I have?")
            profile = await load_profile(runtime(), tracker)
            if profile is not None:
                await answer_other_question(dispatcher, tracker, profile, intent_of(tracker))
        return await super().run(dispatcher, tracker, domain)

    def interrupted(self, tracker: Tracker) -> bool:
        return interrupts(tracker, self.own_intents)

    def unclear(self, dispatcher: CollectingDispatcher, tracker: Tracker, slot: str, hint: str) -> dict[str, Any]:
        """Step aside for an interruption; otherwise say what went wrong so the form asks again."""
        if self.interrupted(tracker):
            return {}
        dispatcher.utter_message(text=hint)
        return {slot: None}
