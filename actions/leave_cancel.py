"""Withdrawing a time-off request: "cancel my vacation request" ("withdraw my leave" started a new booking).

Cancelling is not undone by a second message, so nothing is cancelled on the first: the employee is
shown the requests that can still be withdrawn (pending or approved, not started) as buttons, each
naming one request, and the button (or "cancel request 12") cancels that one. Days of a cancelled
request are back in the balance at once (``HRStore.balance`` counts pending and approved only); the
manager is told when the request had been approved.
"""

from __future__ import annotations

import json
import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import days
from actions.context import intent_of, text_of
from actions.profiles import NO_PROFILE, load_profile
from actions.runtime import off_loop, runtime
from bot.db.store import LeaveRecord

ENTITY = "leave_request"
_NUMBER = re.compile(r"(?:#|\b(?:request|no\.?|number)\s*#?\s*)(\d{1,9})\b", re.IGNORECASE)
MAX_CHOICES = 5


def requested_id(tracker: Tracker) -> int | None:
    """The request named by the button (an entity) or typed ("cancel request #12")."""
    for entity in tracker.latest_message.get("entities") or []:
        if entity.get("entity") == ENTITY and str(entity.get("value", "")).isdigit():
            return int(entity["value"])
    m = _NUMBER.search(text_of(tracker))
    return int(m.group(1)) if m else None


def described(r: LeaveRecord) -> str:
    return f"{r.leave_type} {r.start_date:%-d %b}-{r.end_date:%-d %b} ({r.status})"


def choice_button(r: LeaveRecord) -> dict[str, str]:
    payload = "/pto_cancel" + json.dumps({ENTITY: str(r.id)})
    return {"title": f"Cancel #{r.id}: {described(r)}", "payload": payload}


_ABOUT_LEAVE = re.compile(
    r"\b(?:leave|time off|vacation|vacay|pto|holidays?|days? off|requests?|booking|booked|sick|personal day|annual)\b",
    re.IGNORECASE,
)


SINGLE_CHOICE = "Shall I cancel your"
_YES = re.compile(r"^\W*(?:yes|yeah|yep|yup|ya|sure|ok|okay|please|do it|go ahead)\b", re.IGNORECASE)


def asked_about(tracker: Tracker) -> tuple[int | None, int]:
    """The request the last bot turn asked "Shall I cancel your ...?" about, and how many it offered."""
    last = next((e for e in reversed(tracker.events) if e.get("event") == "bot"), None)
    if last is None:
        return None, 0
    payloads = [str(b.get("payload", "")) for b in (last.get("data") or {}).get("buttons") or []]
    ids = [int(m.group(1)) for p in payloads if (m := re.search(rf'"{ENTITY}": "(\d+)"', p))]
    single = ids[0] if len(ids) == 1 and SINGLE_CHOICE in str(last.get("text") or "") else None
    return single, len(ids)


class ActionCancelLeave(Action):
    def name(self) -> str:
        return "action_cancel_leave"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        rt = runtime()
        profile = await load_profile(rt, tracker)
        if profile is None:
            dispatcher.utter_message(text=NO_PROFILE)
            return []
        wanted = requested_id(tracker)
        if wanted is None and intent_of(tracker) in ("affirm", "deny"):  # a typed answer to the question
            single, offered = asked_about(tracker)
            said_yes = intent_of(tracker) == "affirm" or bool(_YES.search(text_of(tracker)))  # "yes cancel it"
            if not said_yes:
                kept = {0: "No problem.", 1: "Okay, I've kept it; nothing is cancelled."}
                dispatcher.utter_message(text=kept.get(offered, "Okay, nothing is cancelled."))
                return []
            if single is None:
                dispatcher.utter_message(
                    text="Press the button of the request to cancel, so I cancel the right one."
                    if offered
                    else "Great. Anything else I can help with?"
                )
                return []
            wanted = single
        if wanted is None and not _ABOUT_LEAVE.search(text_of(tracker)):
            # "I can't do this anymore, I just want it all to stop" was read as this at 0.36: no leave in it
            dispatcher.utter_message(response="utter_default")
            return []
        if wanted is not None:
            cancelled = await off_loop(rt.store.cancel_leave, profile.id, wanted, rt.today())
            if cancelled is not None:
                told = (
                    f" I've let {profile.manager_name or 'your manager'} know, as it had been approved."
                    if cancelled.status == "approved"
                    else ""
                )
                dispatcher.utter_message(
                    text=f"Done: your {cancelled.leave_type} request #{cancelled.id} for "
                    f"{cancelled.start_date:%-d %b} to {cancelled.end_date:%-d %b} is cancelled, and its "
                    f"{days(cancelled.working_days)} {'is' if cancelled.working_days == 1 else 'are'} back in "
                    f"your balance.{told}"
                )
                return []
        choices = await off_loop(rt.store.cancellable_leave, profile.id, rt.today())
        if not choices:
            prefix = f"I can't find a request #{wanted} of yours that can still be cancelled. " if wanted else ""
            dispatcher.utter_message(
                text=f"{prefix}You have no upcoming time-off requests to cancel (leave that has started "
                "is changed with your manager)."
            )
            return []
        prefix = f"Request #{wanted} isn't one you can still cancel. " if wanted else ""
        dispatcher.utter_message(
            text=f"{prefix}Which request should I cancel?"
            if len(choices) > 1
            else f"{prefix}{SINGLE_CHOICE} {described(choices[0])} request?",
            buttons=[
                *(choice_button(r) for r in choices[:MAX_CHOICES]),
                {"title": "Keep it" if len(choices) == 1 else "Keep them all", "payload": "no thanks"},
            ],
        )
        return []
