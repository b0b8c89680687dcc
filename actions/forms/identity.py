"""The identity check before a password reset or an account unlock, then the IT request itself."""

from __future__ import annotations

import datetime as dt
import hmac
import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.context import intent_of, text_of
from actions.forms.base import FormValidation, is_requested
from actions.parsing import four_digits
from actions.profiles import NO_PROFILE, load_profile
from actions.runtime import off_loop, runtime

MAX_ATTEMPTS = 3  # wrong codes per employee within LOCKOUT, across all their chats
LOCKOUT = dt.timedelta(hours=24)
VERIFIED, FAILED = "verified", "failed"
IT_INTENTS = ("password_reset", "account_locked")
LOCKED_OUT = (
    "For your security I can't check your identity in chat again today. Please call the IT service "
    "desk on ext. 4357 or visit it with your badge."
)

# "I don't have my phone", "no idea", "I changed my number": the chat can't check them, the desk can.
CANNOT_ANSWER = re.compile(
    r"\b(?:don'?t|do not|can'?t|cannot|no longer) (?:have|know|remember|recall|find)\b|\bno idea\b|\bnot sure\b"
    r"|\b(?:lost|forgot|forgotten|changed|new|broke|broken) (?:my )?(?:phone|number|mobile)\b|\bno phone\b",
    re.IGNORECASE,
)
OTHER_WAY = (
    "No problem. The IT service desk can check it's you another way: call ext. 4357 from a colleague's "
    "phone, or visit it with your badge."
)


class ValidateIdentityForm(FormValidation):
    own_intents = frozenset({"password_reset", "account_locked"})

    def name(self) -> str:
        return "validate_identity_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        intent = intent_of(tracker)
        if intent in IT_INTENTS and tracker.get_slot("identity_code") is None and await self._locked_out(tracker):
            dispatcher.utter_message(text=LOCKED_OUT)  # say so before asking for a code it would refuse
            return [SlotSet("identity_code", FAILED), SlotSet("it_request", intent)]
        events = await super().run(dispatcher, tracker, domain)
        if intent in IT_INTENTS and tracker.get_slot("it_request") != intent:
            events.append(SlotSet("it_request", intent))
        return events

    @staticmethod
    async def _locked_out(tracker: Tracker) -> bool:
        rt = runtime()
        profile = await load_profile(rt, tracker)
        if profile is None:
            return False  # the code question reports the missing profile
        return await off_loop(rt.store.failed_identity_checks, profile.id, rt.now() - LOCKOUT) >= MAX_ATTEMPTS

    async def extract_identity_code(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if not is_requested(tracker, "identity_code"):
            return {}
        code = four_digits(text_of(tracker))
        if code:
            return {"identity_code": code}
        if CANNOT_ANSWER.search(text_of(tracker)):
            dispatcher.utter_message(text=OTHER_WAY)  # no guess is counted: they said they can't answer
            return {"identity_code": FAILED}
        return self.unclear(dispatcher, tracker, "identity_code", "Just the four digits, please (like 4821).")

    async def validate_identity_code(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None or value in (VERIFIED, FAILED):
            return {"identity_code": value}
        rt = runtime()
        profile = await load_profile(rt, tracker)
        if profile is None:
            dispatcher.utter_message(text=NO_PROFILE)
            return {"identity_code": FAILED}
        # Counted per employee in the store, not per chat: a new chat must not bring three fresh guesses.
        failed = await off_loop(rt.store.failed_identity_checks, profile.id, rt.now() - LOCKOUT)
        if failed >= MAX_ATTEMPTS:
            dispatcher.utter_message(text=LOCKED_OUT)
            return {"identity_code": FAILED}
        passed = hmac.compare_digest(str(value), profile.phone_last4)
        await off_loop(rt.store.record_identity_check, profile.id, passed, rt.now())
        if passed:
            return {"identity_code": VERIFIED}
        if failed + 1 >= MAX_ATTEMPTS:  # this wrong code is the last allowed
            dispatcher.utter_message(
                text="That doesn't match either, so for your security I'll stop here. Please "
                "call the IT service desk on ext. 4357 or visit it with your badge."
            )
            return {"identity_code": FAILED}
        dispatcher.utter_message(text="That doesn't match our records. Please try again.")
        return {"identity_code": None}


class ActionSubmitItRequest(Action):
    """Resets the password or unlocks the account once the identity check passed, and logs a ticket."""

    def name(self) -> str:
        return "action_submit_it_request"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        clear = [SlotSet("identity_code", None), SlotSet("it_request", None)]
        if tracker.get_slot("identity_code") != VERIFIED:
            return clear
        rt = runtime()
        profile = await load_profile(rt, tracker)
        if profile is None:
            dispatcher.utter_message(text=NO_PROFILE)
            return clear
        kind = tracker.get_slot("it_request") or "password_reset"
        if kind == "account_locked":
            ticket_id = await off_loop(
                rt.store.open_ticket, profile.id, "account_locked", "Account unlocked after identity check"
            )
            dispatcher.utter_message(
                text=f"Thanks, {profile.first_name}: your account is unlocked (ticket "
                f"#{ticket_id}). If it locks again, an old password saved on your phone "
                "is the usual cause."
            )
        else:
            ticket_id = await off_loop(
                rt.store.open_ticket, profile.id, "password_reset", "Password reset after identity check"
            )
            dispatcher.utter_message(
                text=f"Thanks, {profile.first_name}: I've sent a reset link to your recovery "
                f"email; it works for 30 minutes (ticket #{ticket_id})."
            )
        return clear
