"""The meeting form: who (looked up in the directory) and when (a future working-hours slot)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.context import employee_id, text_of
from actions.forms.base import FormValidation, is_requested
from actions.parsing import parse_datetime, person_name
from actions.profiles import NO_PROFILE, load_profile
from actions.runtime import off_loop, runtime
from bot.db.store import HRStore, UnknownEmployee

TIME_HINT = "I need a day and a time, like 'tomorrow at 2pm' or 'Friday 10:30'."


EMPLOYEE_ID = re.compile(r"\b(E\d{4,})\b")


def find_person(store: HRStore, text: str, exclude: str | None) -> list[tuple[str, str]]:
    """Colleagues matching ``text``: an employee id (from a button), else the whole name, pairs, single words."""
    explicit = EMPLOYEE_ID.search(text)
    if explicit:
        try:
            return [(explicit.group(1), store.profile(explicit.group(1)).name)]
        except UnknownEmployee:
            return []
    words = person_name(text).lower().split()
    candidates = [" ".join(words)] + [" ".join(words[i : i + 2]) for i in range(len(words) - 1)] + words
    for candidate in candidates:
        if len(candidate) < 2:
            continue
        found = [(i, n) for i, n in store.find_colleagues(candidate, limit=6) if i != exclude]
        if found:
            return found
    return []


def check_time(moment: dt.datetime, now: dt.datetime) -> str | None:
    """Why ``moment`` can't be booked, or None when it can."""
    if moment <= now:
        return "That time has already passed."
    if moment.weekday() >= 5:
        return "That's a weekend; pick a working day."
    if not dt.time(8, 0) <= moment.time() <= dt.time(18, 0):
        return "Meetings can be booked between 8:00 and 18:00."
    return None


class ValidateMeetingForm(FormValidation):
    own_intents = frozenset({"schedule_meeting"})

    def name(self) -> str:
        return "validate_meeting_form"

    async def extract_meeting_attendee(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        requested = is_requested(tracker, "meeting_attendee")
        if not requested and (tracker.get_slot("requested_slot") is not None or tracker.get_slot("meeting_attendee")):
            return {}
        rt = runtime()
        found = await off_loop(find_person, rt.store, text_of(tracker), employee_id(tracker))
        if len(found) == 1:
            return {"meeting_attendee": found[0][0]}
        if not requested:
            return {}
        if len(found) > 1:
            dispatcher.utter_message(
                text="I found several people with that name. Which one?",
                buttons=[{"title": n, "payload": f"{n} ({i})"} for i, n in found[:5]],
            )
            return {"meeting_attendee": None}
        return self.unclear(
            dispatcher,
            tracker,
            "meeting_attendee",
            "I couldn't find anyone by that name in the directory. Try their full name.",
        )

    async def extract_meeting_time(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        requested = is_requested(tracker, "meeting_time")
        if not requested and tracker.get_slot("requested_slot") is not None:
            return {}
        moment = parse_datetime(text_of(tracker), runtime().now())
        if moment is not None:
            return {"meeting_time": moment.isoformat(timespec="minutes")}
        return self.unclear(dispatcher, tracker, "meeting_time", TIME_HINT) if requested else {}

    async def validate_meeting_attendee(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return {"meeting_attendee": value}

    async def validate_meeting_time(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if not value:
            return {"meeting_time": None}
        problem = check_time(dt.datetime.fromisoformat(str(value)), runtime().now())
        if problem:
            dispatcher.utter_message(text=problem)
            return {"meeting_time": None}
        return {"meeting_time": value}


class ActionSubmitMeeting(Action):
    def name(self) -> str:
        return "action_submit_meeting"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        rt = runtime()
        profile = await load_profile(rt, tracker)
        clear = [SlotSet(s, None) for s in ("meeting_attendee", "meeting_time")]
        other_id, when = tracker.get_slot("meeting_attendee"), tracker.get_slot("meeting_time")
        if profile is None or not other_id or not when:
            dispatcher.utter_message(
                text=NO_PROFILE if profile is None else "I didn't book anything: details were missing."
            )
            return clear
        moment = dt.datetime.fromisoformat(str(when))
        try:
            other = (await off_loop(rt.store.profile, str(other_id))).name
        except UnknownEmployee:
            dispatcher.utter_message(text="I couldn't find that colleague any more, so I booked nothing.")
            return clear
        meeting_id = await off_loop(
            rt.store.book_meeting,
            profile.id,
            str(other_id),
            moment,
            f"{profile.first_name} / {str(other).split(' ')[0]}",
        )
        dispatcher.utter_message(
            text=f"Booked: 30 minutes with {other} on {moment:%A %-d %B at %H:%M} "
            f"(meeting #{meeting_id}); they'll get an invitation."
        )
        return clear
