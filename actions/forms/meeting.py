"""The meeting form: who (looked up in the directory) and when (a future working-hours slot)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
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
MY_MANAGER = re.compile(r"\bmy (?:line |direct )?(?:manager|boss|supervisor|team lead)\b", re.IGNORECASE)


def find_person(store: HRStore, text: str, exclude: str | None) -> list[tuple[str, str]]:
    """Colleagues matching ``text``: an employee id (from a button), else the whole name, pairs, single words."""
    explicit = EMPLOYEE_ID.search(text)
    if explicit:
        try:
            return [(explicit.group(1), store.profile(explicit.group(1)).name)]
        except UnknownEmployee:
            return []
    if exclude and MY_MANAGER.search(text):  # "a meeting with my manager tomorrow at 3"
        try:
            manager = store.profile(exclude).manager_name
        except UnknownEmployee:
            manager = None
        same = [(i, n) for i, n in store.find_colleagues(manager or "", limit=6) if n == manager]
        if same:
            return same
    words = person_name(text).lower().split()
    candidates = [" ".join(words)] + [" ".join(words[i : i + 2]) for i in range(len(words) - 1)] + words
    for candidate in candidates:
        if len(candidate) < 2:
            continue
        found = [(i, n) for i, n in store.find_colleagues(candidate, limit=6) if i != exclude]
        if found:
            return found
    return []


def tell_apart(store: HRStore, found: list[tuple[str, str]]) -> list[str]:
    """Button titles for people found by name: the names, with role and department where names repeat
    (three buttons all reading "Tom Evans" left the employee guessing)."""
    names = [n for _, n in found]
    titles = []
    for i, n in found:
        if names.count(n) > 1:
            p = store.profile(i)
            n = f"{n} ({p.role}, {p.department})"
        titles.append(n)
    return titles


MEETING = dt.timedelta(minutes=30)
DAY_START, DAY_END = dt.time(8, 0), dt.time(18, 0)
SEARCH_DAYS = 7  # how far ahead a free slot is looked for


def check_time(moment: dt.datetime, now: dt.datetime) -> str | None:
    """Why ``moment`` can't be booked, or None when it can."""
    if moment <= now:
        return "That time has already passed."
    if moment.weekday() >= 5:
        return "That's a weekend; pick a working day."
    end = moment + MEETING
    if not (moment.time() >= DAY_START and end.date() == moment.date() and end.time() <= DAY_END):
        return "Meetings can be booked between 8:00 and 18:00 (the last one starts at 17:30)."
    return None


@dataclass(frozen=True)
class Calendars:
    """Who is busy when, over the days a meeting could be moved to: read once, checked many times."""

    busy: dict[str, list[tuple[dt.datetime, dt.datetime, str]]]  # employee -> (start, end, title)
    away: dict[str, set[dt.date]]  # employee -> days on leave (pending or approved)

    def clash(self, moment: dt.datetime, organizer: str, attendee: str | None, name: str) -> str | None:
        """Why the two can't meet at ``moment``; the colleague's meetings stay private."""
        end, first = moment + MEETING, name.split(" ")[0]
        if moment.date() in self.away.get(organizer, set()):
            return "You're on leave that day."
        if attendee and moment.date() in self.away.get(attendee, set()):
            return f"{first} is on leave that day."
        mine = [t for s, e, t in self.busy.get(organizer, []) if s < end and moment < e]
        if mine:
            return f"You already have {mine[0]} then."
        if attendee and any(s < end and moment < e for s, e, _ in self.busy.get(attendee, [])):
            return f"{first} is busy at that time."
        return None

    def next_free(
        self, after: dt.datetime, now: dt.datetime, organizer: str, attendee: str | None
    ) -> dt.datetime | None:
        """The first half-hour both are free, from ``after`` on, within ``SEARCH_DAYS``."""
        slot = after.replace(second=0, microsecond=0)
        if slot.minute % 30:
            slot += dt.timedelta(minutes=30 - slot.minute % 30)
        while slot < after + dt.timedelta(days=SEARCH_DAYS):
            if check_time(slot, now) is None and self.clash(slot, organizer, attendee, "") is None:
                return slot
            slot += MEETING
        return None


def read_calendars(store: HRStore, people: list[str], start: dt.datetime) -> Calendars:
    end = start + dt.timedelta(days=SEARCH_DAYS + 1)
    busy: dict[str, list[tuple[dt.datetime, dt.datetime, str]]] = {}
    away: dict[str, set[dt.date]] = {}
    for who in people:
        busy[who] = [
            (m.starts_at, m.starts_at + dt.timedelta(minutes=m.minutes), m.title)
            for m in store.meetings(who, start - dt.timedelta(hours=8), end)
        ]
        away[who] = {
            r.start_date + dt.timedelta(days=i)
            for r in store.overlapping_leave(who, start.date(), end.date())
            for i in range((r.end_date - r.start_date).days + 1)
        }
    return Calendars(busy, away)


def meeting_clash(
    store: HRStore, organizer: str, attendee: str | None, moment: dt.datetime, now: dt.datetime
) -> str | None:
    """Why they can't meet then, with the next time both are free; None when the slot is free."""
    calendars = read_calendars(store, [p for p in (organizer, attendee) if p], moment)
    name = store.profile(attendee).name if attendee else ""
    problem = calendars.clash(moment, organizer, attendee, name)
    if problem is None:
        return None
    free = calendars.next_free(moment, now, organizer, attendee)
    who = "you're both" if attendee else "you're"
    return f"{problem} The next time {who} free is {free:%A %-d %B at %H:%M}." if free else problem


class ActionAskMeetingAttendee(Action):
    """Who to meet; when the message named several colleagues ("with tom tomorrow at 10", or "tom" when
    asked), which of them, as buttons, instead of asking again for a name already given."""

    def name(self) -> str:
        return "action_ask_meeting_attendee"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        rt = runtime()
        found = (await off_loop(find_person, rt.store, text_of(tracker), employee_id(tracker)))[:5]
        if len(found) < 2:
            dispatcher.utter_message(response="utter_ask_meeting_attendee")
            return []
        titles = await off_loop(tell_apart, rt.store, found)
        dispatcher.utter_message(
            text="I found several people with that name. Which one?",
            buttons=[{"title": t, "payload": f"{n} ({i})"} for (i, n), t in zip(found, titles, strict=True)],
        )
        return []


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
        if len(found) > 1:  # action_ask_meeting_attendee shows them
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
        rt, moment = runtime(), dt.datetime.fromisoformat(str(value))
        problem = check_time(moment, rt.now())
        organizer, attendee = employee_id(tracker), tracker.get_slot("meeting_attendee")
        if problem is None and organizer:
            try:
                problem = await off_loop(meeting_clash, rt.store, organizer, attendee, moment, rt.now())
            except UnknownEmployee:
                problem = None  # the attendee question reports it
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
        clash = await off_loop(meeting_clash, rt.store, profile.id, str(other_id), moment, rt.now())
        if clash:  # booked by someone else since the time was chosen
            dispatcher.utter_message(text=f"I couldn't book it: {clash}")
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
