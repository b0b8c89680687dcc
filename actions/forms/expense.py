"""The expense claim form: category, amount, a short description, and a yes before anything is filed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.answers import money
from actions.context import confidence_of, intent_of, text_of
from actions.forms.base import FormValidation, is_requested
from actions.money import corrected_amount, marked_amount, parse_amount
from actions.parsing import expense_category_from_text
from actions.profiles import NO_PROFILE, load_profile
from actions.runtime import off_loop, runtime

RECEIPT_LIMIT = Decimal(5000)
CLEAR_QUESTION = 0.8


class ValidateExpenseForm(FormValidation):
    own_intents = frozenset({"expense_claim"})

    def name(self) -> str:
        return "validate_expense_form"

    async def extract_expense_category(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        requested = is_requested(tracker, "expense_category")
        changing = is_requested(tracker, "expense_confirmed") and not self.interrupted(tracker)
        if not (requested or changing) and tracker.get_slot("requested_slot") is not None:
            return {}
        category = expense_category_from_text(text_of(tracker))
        if category and (requested or category != tracker.get_slot("expense_category")):
            return {"expense_category": category, **({"expense_confirmed": None} if changing else {})}
        if changing:
            return {}
        return (
            self.unclear(
                dispatcher, tracker, "expense_category", "Pick one of travel, meals, equipment, training or other."
            )
            if requested
            else {}
        )

    async def extract_expense_amount(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = text_of(tracker)
        requested = is_requested(tracker, "expense_amount")
        opening = tracker.get_slot("requested_slot") is None and marked_amount(text) is not None
        if (correction := self._correction(tracker)) is not None:
            dispatcher.utter_message(text=f"Got it: {money(correction)}.")
            return {"expense_amount": float(correction), "expense_confirmed": None}
        if not (requested or opening):
            return {}
        amount = parse_amount(text)
        if amount is not None:
            return {"expense_amount": float(amount)}
        return (
            self.unclear(dispatcher, tracker, "expense_amount", "I need the amount as a number, like 45.20.")
            if requested
            else {}
        )

    @staticmethod
    def _correction(tracker: Tracker) -> Decimal | None:
        """A new amount given while asked something else ("actually it was $54"), if it differs."""
        current = tracker.get_slot("expense_amount")
        asked = ("expense_category", "expense_description", "expense_confirmed")
        if current is None or tracker.get_slot("requested_slot") not in asked:
            return None
        value = corrected_amount(text_of(tracker))
        return value if value is not None and value != Decimal(str(current)) else None

    async def extract_expense_description(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if not is_requested(tracker, "expense_description"):
            return {}
        text = text_of(tracker).strip()
        if confidence_of(tracker) >= CLEAR_QUESTION and self.interrupted(tracker):
            return {}  # free text accepts anything, so only a clear question interrupts
        if corrected_amount(text) is not None:
            return {}  # "actually it was $54" is about the amount (extracted just before); asked again
        just_yes = intent_of(tracker) == "affirm" and len(text.split()) <= 3  # 'yes' is no description
        if len(text) >= 3 and not just_yes:
            return {"expense_description": text[:300]}
        dispatcher.utter_message(text="A few words, please, so approvers know what it was for.")
        return {"expense_description": None}

    async def extract_expense_confirmed(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if not is_requested(tracker, "expense_confirmed"):
            return {}
        if intent_of(tracker) == "affirm":
            return {"expense_confirmed": True}
        text = text_of(tracker)
        if not self.interrupted(tracker) and (corrected_amount(text) or expense_category_from_text(text)):
            return {}  # a change, picked up by the other extractors (which ran first); asked again
        return self.unclear(
            dispatcher,
            tracker,
            "expense_confirmed",
            "Say yes to file the claim, no to cancel it, or tell me what to change (a new amount or kind of expense).",
        )

    async def validate_expense_confirmed(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return {"expense_confirmed": value}

    async def validate_expense_category(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return {"expense_category": value}

    async def validate_expense_amount(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None:
            return {"expense_amount": None}
        if Decimal(str(value)) > RECEIPT_LIMIT:
            dispatcher.utter_message(
                text=f"Claims over {money(RECEIPT_LIMIT)} go through Finance directly; "
                "please email finance@kindred.example with the receipts."
            )
            return {"expense_amount": None}
        return {"expense_amount": value}

    async def validate_expense_description(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return {"expense_description": value}


class ActionAskExpenseConfirmed(Action):
    """Shows the claim as it will be filed, and asks before filing money."""

    def name(self) -> str:
        return "action_ask_expense_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        amount, category = tracker.get_slot("expense_amount"), tracker.get_slot("expense_category")
        description = str(tracker.get_slot("expense_description") or "")
        value = money(Decimal(str(amount or 0)).quantize(Decimal("0.01")))
        dispatcher.utter_message(
            text=f'Ready to file: {value} ({category}), "{description}". Shall I file it?',
            buttons=[{"title": "Yes, file it", "payload": "yes"}, {"title": "Cancel", "payload": "no"}],
        )
        return []


class ActionSubmitExpenseClaim(Action):
    def name(self) -> str:
        return "action_submit_expense_claim"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        rt = runtime()
        profile = await load_profile(rt, tracker)
        slots = ("expense_category", "expense_amount", "expense_description", "expense_confirmed")
        clear = [SlotSet(s, None) for s in slots]
        category, amount = tracker.get_slot("expense_category"), tracker.get_slot("expense_amount")
        description = tracker.get_slot("expense_description")
        confirmed = tracker.get_slot("expense_confirmed") is True
        if profile is None or not category or amount is None or not description or not confirmed:
            dispatcher.utter_message(
                text=NO_PROFILE if profile is None else "I didn't file anything: details were missing."
            )
            return clear
        value = Decimal(str(amount)).quantize(Decimal("0.01"))
        claim_id = await off_loop(rt.store.claim_expense, profile.id, str(category), value, str(description))
        payday = await off_loop(rt.store.next_payday, rt.today())
        when = f" with the pay on {payday:%-d %B}" if payday else " with the next payroll"
        dispatcher.utter_message(
            text=f"Claim #{claim_id} for {money(value)} ({category}) is filed. Upload the "
            f"receipt in the HR portal > Expenses; once approved it's paid{when}."
        )
        return clear
