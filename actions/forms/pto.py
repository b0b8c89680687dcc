"""The leave request form: type, first and last day, then a confirmation with the numbers."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.answers import day, days
from actions.context import intent_of, own_text, text_of
from actions.forms.base import FormValidation, is_requested
from actions.parsing import duration_end, find_dates, leave_type_from_text
from actions.profiles import NO_PROFILE, load_profile
from actions.runtime import off_loop, runtime
from bot.db.store import HRStore, working_days

DATE_HINT = "I couldn't read a date there. Try something like 'next Monday', '14 December' or '2026-12-14'."
START_WORDS = ("start", "from", "first", "begin", "leave on")
END_WORDS = ("end", "until", "till", "last", "back on", "through", "finish")
# An answer to "And the last day you'll be off?" that means the first day is also the last.
SAME_DAY = re.compile(
    r"\b(same( day)?|(just|only) (that|the one|one|the first)( day)?|that day|one day|1 day|(a )?single day)\b",
    re.IGNORECASE,
)


SICK_DAYS_BACK = 30  # sick days can be logged afterwards, within a month; other leave is asked for ahead


def too_early(start: dt.date, leave_type: str | None, today: dt.date) -> str | None:
    """Why leave can't start on ``start``, if it can't: only sick days are logged after the fact."""
    if start >= (today - dt.timedelta(days=SICK_DAYS_BACK) if leave_type == "sick" else today):
        return None
    if leave_type == "sick":
        return f"{day(start)} is more than {SICK_DAYS_BACK} days ago; please ask HR to record sick leave that old."
    return f"{day(start)} has already passed; leave has to start today or later (sick days can be logged afterwards)."


def working_days_text(n: int) -> str:
    return f"{n} working day" if n == 1 else f"{n} working days"


@dataclass(frozen=True)
class RangeCheck:
    ok: bool
    message: str
    working_days: int = 0
    remaining_after: Decimal = Decimal(0)
    left_by_year: tuple[tuple[int, Decimal], ...] = ()  # what each calendar year of the range leaves


def year_parts(start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The range cut at New Year: each part is charged to its own year's leave."""
    parts, first = [], start
    while first.year < end.year:
        parts.append((first, dt.date(first.year, 12, 31)))
        first = dt.date(first.year + 1, 1, 1)
    return [*parts, (first, end)]


def leaving_text(result: RangeCheck, today: dt.date) -> str:
    """'12 days', or per year when that is not obvious: '2 days for 2026 and 20 days for 2027'."""
    if not result.left_by_year or [year for year, _ in result.left_by_year] == [today.year]:
        return days(result.remaining_after)
    return " and ".join(f"{days(left)} for {year}" for year, left in result.left_by_year)


def check_range(
    store: HRStore, employee_id: str, leave_type: str, start: dt.date, end: dt.date, today: dt.date
) -> RangeCheck:
    """Whether the employee can take ``leave_type`` from ``start`` to ``end``: dates, balance, overlaps."""
    if (early := too_early(start, leave_type, today)) is not None:
        return RangeCheck(False, early)
    if end < start:
        return RangeCheck(False, f"The last day ({day(end)}) is before the first ({day(start)}).")
    if (end - start).days > 120:
        return RangeCheck(False, "That's over four months; long leave is arranged with HR rather than here.")
    n = working_days(start, end, store.holidays_between(start, end))
    if n == 0:
        return RangeCheck(False, "Those days are all weekends or company holidays, so you don't need leave for them.")
    left: list[tuple[int, Decimal]] = []
    parts = year_parts(start, end)
    for first, last in parts:
        part = working_days(first, last, store.holidays_between(first, last))
        balance = store.balance(employee_id, leave_type, first.year)
        if Decimal(part) > balance.remaining:
            named = len(parts) > 1 or first.year != today.year
            return RangeCheck(
                False,
                f"That's {working_days_text(part)}{f' in {first.year}' if len(parts) > 1 else ''}, but you have "
                f"{days(balance.remaining)} of {leave_type} leave left{f' for {first.year}' if named else ''}. "
                "Pick a shorter range, or ask for a person to discuss unpaid leave.",
            )
        left.append((first.year, balance.remaining - part))
    clashes = store.overlapping_leave(employee_id, start, end)
    if clashes:
        c = clashes[0]
        return RangeCheck(
            False,
            f"That overlaps your {c.status} {c.leave_type} request for {c.start_date:%-d %b}-{c.end_date:%-d %b}.",
        )
    return RangeCheck(True, "", n, left[-1][1], tuple(left))


def _iso(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


class ValidatePtoForm(FormValidation):
    own_intents = frozenset({"pto_request"})

    def name(self) -> str:
        return "validate_pto_form"

    async def extract_leave_type(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        kind = leave_type_from_text(own_text(tracker))
        changing = is_requested(tracker, "leave_confirmed") and not self.interrupted(tracker)
        if kind and (is_requested(tracker, "leave_type") or not tracker.get_slot("leave_type") or changing):
            return {"leave_type": kind}
        if is_requested(tracker, "leave_type"):
            return self.unclear(dispatcher, tracker, "leave_type", "Is it vacation, sick leave or a personal day?")
        return {}

    async def extract_leave_start(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text, today = text_of(tracker), runtime().today()
        dates = find_dates(text, today)
        opening = tracker.get_slot("requested_slot") is None  # the request itself may name the dates
        if dates and (opening or is_requested(tracker, "leave_start")):
            end = dates[1] if len(dates) > 1 else duration_end(text, dates[0])  # "2 weeks starting monday"
            return {"leave_start": dates[0].isoformat(), **({"leave_end": end.isoformat()} if end else {})}
        if is_requested(tracker, "leave_start"):
            return self.unclear(dispatcher, tracker, "leave_start", DATE_HINT)
        if is_requested(tracker, "leave_confirmed") and dates and not self.interrupted(tracker):
            return _changes(text, dates)
        return {}

    async def extract_leave_end(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if not is_requested(tracker, "leave_end"):
            return {}
        text = text_of(tracker)
        dates = find_dates(text, runtime().today())
        if dates:
            return {"leave_end": dates[-1].isoformat()}
        start = tracker.get_slot("leave_start")
        if start and (end := duration_end(text, dt.date.fromisoformat(start))):  # "for a week"
            return {"leave_end": end.isoformat()}
        if start and (SAME_DAY.search(text) or intent_of(tracker) == "affirm"):
            return {"leave_end": start}
        return self.unclear(dispatcher, tracker, "leave_end", DATE_HINT)

    async def extract_leave_confirmed(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if not is_requested(tracker, "leave_confirmed"):
            return {}
        if intent_of(tracker) == "affirm":
            return {"leave_confirmed": True}
        text = text_of(tracker)
        if not self.interrupted(tracker) and (find_dates(text, runtime().today()) or leave_type_from_text(text)):
            return {"leave_confirmed": None}  # a change, picked up by the other extractors; ask again
        return self.unclear(
            dispatcher,
            tracker,
            "leave_confirmed",
            "Say yes to send the request, no to cancel it, or tell me what to change "
            "(for example 'make the last day Friday').",
        )

    async def validate_leave_type(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        start, end = _iso(tracker.get_slot("leave_start")), _iso(tracker.get_slot("leave_end"))
        if value is None or start is None or end is None or "leave_end" in tracker.slots_to_validate():
            return {"leave_type": value}
        # A new type with dates already chosen (changed at the confirmation): check that balance too.
        return {"leave_type": value, **await self._check(dispatcher, tracker, start, end)}

    async def validate_leave_confirmed(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return {"leave_confirmed": value}

    async def validate_leave_start(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        start = _iso(value)
        if start is None:
            return {"leave_start": None}
        if (early := too_early(start, tracker.get_slot("leave_type"), runtime().today())) is not None:
            dispatcher.utter_message(text=early)
            return {"leave_start": None}
        end = _iso(tracker.get_slot("leave_end"))
        if end is None or "leave_end" in tracker.slots_to_validate():
            return {"leave_start": start.isoformat()}  # the range is checked once, with the last day
        return await self._check(dispatcher, tracker, start, end)

    async def validate_leave_end(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        # Read the slots as they are now: validate_leave_start may just have changed or cleared them.
        end, start = _iso(tracker.get_slot("leave_end")), _iso(tracker.get_slot("leave_start"))
        if end is None or start is None:
            return {"leave_end": end.isoformat() if end else None}
        return await self._check(dispatcher, tracker, start, end)

    async def _check(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, start: dt.date, end: dt.date
    ) -> dict[str, Any]:
        rt = runtime()
        profile = await load_profile(rt, tracker)
        if profile is None:
            dispatcher.utter_message(text=NO_PROFILE)
            return {"leave_start": None, "leave_end": None}
        kind = tracker.get_slot("leave_type") or "vacation"
        result = await off_loop(check_range, rt.store, profile.id, kind, start, end, rt.today())
        if not result.ok:
            dispatcher.utter_message(text=result.message)
            if end < start:
                return {"leave_start": start.isoformat(), "leave_end": None}
            return {"leave_start": None, "leave_end": None, "leave_confirmed": None}
        return {"leave_start": start.isoformat(), "leave_end": end.isoformat(), "leave_confirmed": None}


def _changes(text: str, dates: list[dt.date]) -> dict[str, Any]:
    """'make the last day Friday' -> {'leave_end': ...}; two dates replace both."""
    lowered = text.lower()
    if len(dates) >= 2:
        return {"leave_start": dates[0].isoformat(), "leave_end": dates[1].isoformat()}
    if any(re.search(rf"\b{w}\b", lowered) for w in END_WORDS):
        return {"leave_end": dates[0].isoformat()}
    if any(re.search(rf"\b{w}\b", lowered) for w in START_WORDS):
        return {"leave_start": dates[0].isoformat()}
    return {"leave_start": dates[0].isoformat()}


SICK_CARE = "Sorry you're not feeling well. "


def _said(tracker: Tracker, text: str) -> bool:
    """Whether the assistant already said this, to keep a kind line from sounding scripted."""
    stem = text.strip()
    return any(e.get("event") == "bot" and stem in (e.get("text") or "") for e in tracker.events)


class ActionAskLeaveConfirmed(Action):
    """Shows the request with its working days and what will be left, and asks to send it."""

    def name(self) -> str:
        return "action_ask_leave_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        rt = runtime()
        profile = await load_profile(rt, tracker)
        start, end = _iso(tracker.get_slot("leave_start")), _iso(tracker.get_slot("leave_end"))
        kind = tracker.get_slot("leave_type") or "vacation"
        if profile is None or start is None or end is None:
            dispatcher.utter_message(text=NO_PROFILE)
            return []
        result = await off_loop(check_range, rt.store, profile.id, kind, start, end, rt.today())
        manager = profile.manager_name or "your manager"
        # The caring line comes with the first-day question; a message that already names the days skips that.
        care = SICK_CARE if kind == "sick" and not _said(tracker, SICK_CARE) else ""
        dispatcher.utter_message(
            text=f"{care}{kind.capitalize()} from {day(start)} to {day(end)}: {working_days_text(result.working_days)}, "
            f"leaving you {leaving_text(result, rt.today())}. Shall I send it to {manager} for approval?",
            buttons=[{"title": "Yes, send it", "payload": "yes"}, {"title": "Cancel", "payload": "no"}],
        )
        return []


class ActionSubmitPtoRequest(Action):
    def name(self) -> str:
        return "action_submit_pto_request"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        rt = runtime()
        profile = await load_profile(rt, tracker)
        start, end = _iso(tracker.get_slot("leave_start")), _iso(tracker.get_slot("leave_end"))
        kind = tracker.get_slot("leave_type") or "vacation"
        clear = [SlotSet(s, None) for s in ("leave_type", "leave_start", "leave_end", "leave_confirmed")]
        if profile is None or start is None or end is None or tracker.get_slot("leave_confirmed") is not True:
            dispatcher.utter_message(text="I didn't send anything: the request wasn't complete.")
            return clear
        result = await off_loop(check_range, rt.store, profile.id, kind, start, end, rt.today())
        if not result.ok:  # someone else changed the records meanwhile
            dispatcher.utter_message(text=f"I couldn't send it: {result.message}")
            return clear
        request_id = await off_loop(rt.store.request_leave, profile.id, kind, start, end, result.working_days)
        await off_loop(rt.store.record_conversation, tracker.sender_id, profile.id, "pto_request", False)
        dispatcher.utter_message(
            text=f"Done: request #{request_id} ({kind}, {start:%-d %b} to {end:%-d %b}, "
            f"{working_days_text(result.working_days)}) is with "
            f"{profile.manager_name or 'your manager'} for approval. I'll show its "
            "status whenever you ask."
        )
        return clear
