"""Form validation: filling, checking against the records, interruptions, changes and submission."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from rasa_sdk import Tracker

from actions.answers import days
from actions.forms.expense import ActionAskExpenseConfirmed, ActionSubmitExpenseClaim, ValidateExpenseForm
from actions.forms.identity import FAILED, VERIFIED, ActionSubmitItRequest, ValidateIdentityForm
from actions.forms.meeting import ActionAskMeetingAttendee, ActionSubmitMeeting, ValidateMeetingForm, tell_apart
from actions.forms.pto import ActionAskLeaveConfirmed, ActionSubmitPtoRequest, ValidatePtoForm, check_range
from actions.runtime import Runtime
from tests.conftest import TODAY, run_action
from tests.trackers import BRIEF, DEMO, tracker


def slots(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def texts(messages: list[dict[str, Any]]) -> str:
    return " ".join(m.get("text") or "" for m in messages)


def pto(intent: str, text: str, requested: str | None, **filled: Any) -> Tracker:
    return tracker(intent, text, active_loop="pto_form", requested_slot=requested, slots=filled)


# --- leave ---------------------------------------------------------------------------------------


def test_opening_request_fills_type_and_dates(rt: Runtime, domain: dict[str, Any]) -> None:
    """'Vacation from April 6 to April 10' fills three slots at once and checks the range."""
    events, messages = run_action(
        ValidatePtoForm(), pto("pto_request", "vacation from april 6 to april 10", None), domain
    )
    assert slots(events) == {
        "leave_type": "vacation",
        "leave_start": "2026-04-06",
        "leave_end": "2026-04-10",
        "leave_confirmed": None,
    }
    assert messages == []


def test_a_request_with_a_question_in_it_keeps_its_kind_and_gets_the_answer(
    rt: Runtime, domain: dict[str, Any]
) -> None:
    """'... 22-24 april off as annual leave, and also how much sick leave do I have?' was filed as sick
    leave (the kind came from the question) and the question went unanswered."""
    text = "I'd like to take april 22-24 off as annual leave, and also how much sick leave do I have?"
    t = pto("pto_request", text, None)
    t.latest_message["also"] = {"intent": "pto_balance", "confidence": 0.9, "text": "how much sick leave do I have"}
    events, messages = run_action(ValidatePtoForm(), t, domain)
    assert slots(events)["leave_type"] == "vacation"
    sick = rt.store.balance(DEMO, "sick", 2026).remaining.normalize()
    assert texts(messages).startswith(f"You have {sick:f} day") and "sick leave left" in texts(messages)


def test_unreadable_date_gets_a_hint_and_the_question_again(rt: Runtime, domain: dict[str, Any]) -> None:
    events, messages = run_action(
        ValidatePtoForm(), pto("out_of_scope", "whenever suits", "leave_start", leave_type="vacation"), domain
    )
    assert slots(events) == {"leave_start": None}
    assert "couldn't read a date" in texts(messages)


def test_a_question_interrupts_instead_of_filling(rt: Runtime, domain: dict[str, Any]) -> None:
    """A confident other intent that is no answer fills nothing, so the form steps aside for the rules."""
    events, messages = run_action(
        ValidatePtoForm(), pto("pto_balance", "how many days do i have", "leave_start", leave_type="vacation"), domain
    )
    assert slots(events) == {} and messages == []
    events, _ = run_action(
        ValidatePtoForm(), pto("deny", "no stop", "leave_end", leave_type="vacation", leave_start="2026-04-06"), domain
    )
    assert slots(events) == {}


def test_a_length_fills_the_last_day(rt: Runtime, domain: dict[str, Any]) -> None:
    t = pto("pto_request", "i'd like 2 weeks of vacation starting april 6", None)
    assert slots(run_action(ValidatePtoForm(), t, domain)[0])["leave_end"] == "2026-04-17"
    t = pto("inform", "for a week", "leave_end", leave_type="vacation", leave_start="2026-04-06")
    assert slots(run_action(ValidatePtoForm(), t, domain)[0])["leave_end"] == "2026-04-10"


def test_sick_days_can_be_logged_afterwards_within_a_month(rt: Runtime, domain: dict[str, Any]) -> None:
    """The sick-leave question suggests 'yesterday', which was refused as a date already passed."""
    events, messages = run_action(
        ValidatePtoForm(), pto("inform", "yesterday", "leave_start", leave_type="sick"), domain
    )
    assert slots(events) == {"leave_start": "2026-03-09"} and messages == []
    _, messages = run_action(
        ValidatePtoForm(), pto("inform", "yesterday", "leave_start", leave_type="vacation"), domain
    )
    assert "already passed" in texts(messages) and "sick days can be logged afterwards" in texts(messages)
    events, messages = run_action(
        ValidatePtoForm(), pto("inform", "february 7", "leave_start", leave_type="sick"), domain
    )
    assert slots(events) == {"leave_start": None} and "more than 30 days ago" in texts(messages)
    ok = check_range(rt.store, DEMO, "sick", dt.date(2026, 3, 9), dt.date(2026, 3, 9), TODAY)
    assert ok.ok and ok.working_days == 1
    edge = TODAY - dt.timedelta(days=30)  # Sunday 8 February
    assert check_range(rt.store, DEMO, "sick", edge, edge + dt.timedelta(days=2), TODAY).ok
    too_old = check_range(rt.store, DEMO, "sick", edge - dt.timedelta(days=1), edge + dt.timedelta(days=2), TODAY)
    assert not too_old.ok and "more than 30 days ago" in too_old.message


def test_past_dates_and_reversed_ranges_are_refused(rt: Runtime, domain: dict[str, Any]) -> None:
    events, messages = run_action(
        ValidatePtoForm(), pto("inform", "march 2", "leave_start", leave_type="vacation"), domain
    )
    assert slots(events) == {"leave_start": None} and "already passed" in texts(messages)
    events, messages = run_action(
        ValidatePtoForm(),
        pto("inform", "april 1", "leave_end", leave_type="vacation", leave_start="2026-04-06"),
        domain,
    )
    assert slots(events)["leave_end"] is None and "before the first" in texts(messages)


@pytest.mark.parametrize(
    ("intent", "text"),
    [
        ("inform", "same day"),
        ("inform", "just that day"),
        ("out_of_scope", "only the one day"),
        ("affirm", "yes"),
        ("pto_request", "it's just one day off"),
        ("inform", "the same"),
    ],
)
def test_one_day_off_takes_the_first_day_as_the_last(
    rt: Runtime, domain: dict[str, Any], intent: str, text: str
) -> None:
    """'Same day' or 'yes' for the last day looped on 'I couldn't read a date there'."""
    t = pto(intent, text, "leave_end", leave_type="vacation", leave_start="2026-04-07")
    events, messages = run_action(ValidatePtoForm(), t, domain)
    assert slots(events)["leave_end"] == "2026-04-07" and "couldn't read" not in texts(messages)
    t = pto("inform", text, "leave_end", leave_type="vacation")  # no first day yet: nothing to copy
    events, _ = run_action(ValidatePtoForm(), t, domain)
    assert slots(events).get("leave_end") is None


def test_one_working_day_is_singular(rt: Runtime, domain: dict[str, Any]) -> None:
    filled = {"leave_type": "vacation", "leave_start": "2026-04-07", "leave_end": "2026-04-07"}
    _, messages = run_action(ActionAskLeaveConfirmed(), pto("inform", "same day", "leave_confirmed", **filled), domain)
    assert "1 working day," in texts(messages) and "1 working days" not in texts(messages)


def test_balance_and_overlap_are_checked(rt: Runtime) -> None:
    """More days than are left, or days already requested, are refused with the numbers."""
    too_long = check_range(rt.store, DEMO, "vacation", dt.date(2026, 4, 1), dt.date(2026, 6, 30), TODAY)
    assert not too_long.ok and "working days, but you have" in too_long.message
    ok = check_range(rt.store, DEMO, "vacation", dt.date(2026, 4, 6), dt.date(2026, 4, 10), TODAY)
    assert ok.ok and ok.working_days == 5
    rt.store.request_leave(DEMO, "vacation", dt.date(2026, 4, 6), dt.date(2026, 4, 10), 5)
    clash = check_range(rt.store, DEMO, "vacation", dt.date(2026, 4, 9), dt.date(2026, 4, 14), TODAY)
    assert not clash.ok and "overlaps your pending vacation request" in clash.message
    weekend = check_range(rt.store, DEMO, "vacation", dt.date(2026, 4, 11), dt.date(2026, 4, 12), TODAY)
    assert not weekend.ok and "weekends" in weekend.message


def test_next_years_leave_uses_the_entitlement_that_renews_in_january(rt: Runtime) -> None:
    """Booking January in December read a balance of 0: the new year had no balance row yet."""
    this_year = rt.store.balance(DEMO, "vacation", 2026)
    assert rt.store.balance(DEMO, "vacation", 2027).entitled == this_year.entitled > 0
    assert rt.store.balance(DEMO, "vacation", 2025).entitled == 0  # before any record: nothing assumed
    january = check_range(rt.store, DEMO, "vacation", dt.date(2027, 1, 11), dt.date(2027, 1, 15), TODAY)
    assert january.ok and january.left_by_year == ((2027, this_year.entitled - 5),)
    far = check_range(rt.store, DEMO, "personal", dt.date(2027, 2, 1), dt.date(2027, 2, 5), TODAY)
    assert not far.ok and far.message.startswith(
        "That's 5 working days, but you have 3 days of personal leave left for 2027"
    )


def test_leave_across_new_year_counts_each_part_in_its_own_year(rt: Runtime) -> None:
    """Mon 28 Dec 2026 - Fri 8 Jan 2027: Dec 28-31 (4 days) this year, Jan 1 is a holiday, Jan 4-8 (5) next."""
    before = {y: rt.store.balance(DEMO, "vacation", y).remaining for y in (2026, 2027)}
    result = check_range(rt.store, DEMO, "vacation", dt.date(2026, 12, 28), dt.date(2027, 1, 8), TODAY)
    assert result.ok and result.working_days == 9
    assert result.left_by_year == ((2026, before[2026] - 4), (2027, before[2027] - 5))
    rt.store.request_leave(DEMO, "vacation", dt.date(2026, 12, 28), dt.date(2027, 1, 8), result.working_days)
    after = {y: rt.store.balance(DEMO, "vacation", y) for y in (2026, 2027)}
    assert (after[2026].pending, after[2027].pending) == (4, 5)
    short = check_range(rt.store, "E1002", "personal", dt.date(2026, 12, 28), dt.date(2027, 1, 8), TODAY)
    assert not short.ok and short.message.startswith("That's 4 working days in 2026, but you have 3 days")


def test_the_confirmation_names_the_years_when_it_is_not_this_one(rt: Runtime, domain: dict[str, Any]) -> None:
    remaining = {y: rt.store.balance(DEMO, "vacation", y).remaining for y in (2026, 2027)}
    filled = {"leave_type": "vacation", "leave_start": "2026-12-28", "leave_end": "2027-01-08"}
    _, messages = run_action(ActionAskLeaveConfirmed(), pto("inform", "yes", "leave_confirmed", **filled), domain)
    expected = f"leaving you {days(remaining[2026] - 4)} for 2026 and {days(remaining[2027] - 5)} for 2027."
    assert expected in texts(messages), texts(messages)


def test_confirmation_shows_the_numbers(rt: Runtime, domain: dict[str, Any]) -> None:
    t = pto(
        "pto_request", "", "leave_confirmed", leave_type="vacation", leave_start="2026-04-06", leave_end="2026-04-10"
    )
    _, messages = run_action(ActionAskLeaveConfirmed(), t, domain)
    assert "5 working days" in texts(messages) and "Jordan Lee" in texts(messages)
    assert "not feeling well" not in texts(messages)


def test_a_sick_day_named_at_once_still_gets_the_kind_line_once(rt: Runtime, domain: dict[str, Any]) -> None:
    """The caring line came only with the first-day question, so "off sick on april 6" skipped it."""
    filled = {"leave_type": "sick", "leave_start": "2026-04-06", "leave_end": "2026-04-06"}
    t = tracker(
        "pto_request", "off sick april 6", active_loop="pto_form", requested_slot="leave_confirmed", slots=filled
    )
    _, messages = run_action(ActionAskLeaveConfirmed(), t, domain)
    assert texts(messages).startswith("Sorry you're not feeling well. Sick from Monday 6 April 2026")
    asked = [{"event": "bot", "text": "Sorry you're not feeling well. What's the first day you're off sick?"}]
    t = tracker(
        "inform", "april 6", active_loop="pto_form", requested_slot="leave_confirmed", slots=filled, events=asked
    )
    _, messages = run_action(ActionAskLeaveConfirmed(), t, domain)
    assert texts(messages).startswith("Sick from")  # said once, not twice


def test_a_question_at_confirmation_changes_nothing(rt: Runtime, domain: dict[str, Any]) -> None:
    """'How many vacation days do I have left?' names a leave type but is a question, not a change."""
    t = pto(
        "pto_balance",
        "how many vacation days do i have left?",
        "leave_confirmed",
        leave_type="sick",
        leave_start="2026-04-06",
        leave_end="2026-04-10",
    )
    events, messages = run_action(ValidatePtoForm(), t, domain)
    assert slots(events) == {} and messages == []


def test_a_clear_question_interrupts_free_text(rt: Runtime, domain: dict[str, Any]) -> None:
    t = tracker(
        "payday",
        "when is payday",
        active_loop="expense_form",
        requested_slot="expense_description",
        slots={"expense_category": "travel", "expense_amount": 42.5},
    )
    assert slots(run_action(ValidateExpenseForm(), t, domain)[0]) == {}


def test_changing_a_value_at_confirmation(rt: Runtime, domain: dict[str, Any]) -> None:
    """'Make the last day April 8' changes the end date and asks to confirm again."""
    t = pto(
        "pto_request",
        "actually make the last day april 8",
        "leave_confirmed",
        leave_type="vacation",
        leave_start="2026-04-06",
        leave_end="2026-04-10",
    )
    events, _ = run_action(ValidatePtoForm(), t, domain)
    assert slots(events)["leave_end"] == "2026-04-08"
    assert slots(events)["leave_confirmed"] is None
    t = pto(
        "out_of_scope",
        "make it sick leave",
        "leave_confirmed",
        leave_type="vacation",
        leave_start="2026-04-06",
        leave_end="2026-04-10",
    )
    assert slots(run_action(ValidatePtoForm(), t, domain)[0])["leave_type"] == "sick"


def test_yes_submits_the_request(rt: Runtime, domain: dict[str, Any]) -> None:
    t = pto("affirm", "yes", "leave_confirmed", leave_type="vacation", leave_start="2026-04-06", leave_end="2026-04-10")
    assert slots(run_action(ValidatePtoForm(), t, domain)[0]) == {"leave_confirmed": True}
    t = tracker(
        "affirm",
        "yes",
        slots={
            "leave_type": "vacation",
            "leave_start": "2026-04-06",
            "leave_end": "2026-04-10",
            "leave_confirmed": True,
        },
    )
    events, messages = run_action(ActionSubmitPtoRequest(), t, domain)
    assert "is with Jordan Lee for approval" in texts(messages)
    assert slots(events) == dict.fromkeys(("leave_type", "leave_start", "leave_end", "leave_confirmed"))
    assert rt.store.leave_requests(DEMO, 1)[0].start_date == dt.date(2026, 4, 6)
    events, messages = run_action(ActionSubmitPtoRequest(), t, domain)  # same again: now it overlaps
    assert "couldn't send it" in texts(messages)


def test_unconfirmed_request_is_not_sent(rt: Runtime, domain: dict[str, Any]) -> None:
    t = tracker("affirm", "yes", slots={"leave_type": "vacation", "leave_start": "2026-04-06"})
    _, messages = run_action(ActionSubmitPtoRequest(), t, domain)
    assert "didn't send anything" in texts(messages)
    assert all(r.start_date != dt.date(2026, 4, 6) for r in rt.store.leave_requests(DEMO, 5))


# --- meetings ------------------------------------------------------------------------------------


def test_meeting_from_one_sentence(rt: Runtime, domain: dict[str, Any]) -> None:
    t = tracker("schedule_meeting", "set up a meeting with jordan lee tomorrow at 2pm", active_loop="meeting_form")
    events, _ = run_action(ValidateMeetingForm(), t, domain)
    assert slots(events) == {"meeting_attendee": "E1000", "meeting_time": "2026-03-11T14:00"}
    t = tracker("affirm", "", slots=slots(events))
    _, messages = run_action(ActionSubmitMeeting(), t, domain)
    assert "Booked: 30 minutes with Jordan Lee on Wednesday 11 March at 14:00" in texts(messages)


def test_several_matches_offer_buttons_with_ids(rt: Runtime, domain: dict[str, Any]) -> None:
    """An ambiguous name lists the people as buttons whose payload carries the id."""
    names = [n for _, n in rt.store.find_colleagues("a", limit=100)]
    first = next(n.split()[0] for n in names if sum(x.split()[0] == n.split()[0] for x in names) > 1)
    t = tracker("inform", first, active_loop="meeting_form", requested_slot="meeting_attendee")
    events, messages = run_action(ValidateMeetingForm(), t, domain)
    assert slots(events) == {"meeting_attendee": None} and not messages  # the form asks again, with buttons:
    _, messages = run_action(ActionAskMeetingAttendee(), t, domain)
    assert len(messages) == 1 and messages[0]["text"] == "I found several people with that name. Which one?"
    payload = messages[0]["buttons"][0]["payload"]
    t = tracker("inform", payload, active_loop="meeting_form", requested_slot="meeting_attendee")
    assert slots(run_action(ValidateMeetingForm(), t, domain)[0])["meeting_attendee"] == payload[-6:-1]


def test_a_name_and_a_time_in_one_message_keep_the_time_and_ask_which_person(
    rt: Runtime, domain: dict[str, Any]
) -> None:
    """'set up a meeting with <a shared first name> tomorrow at 10' asked "Who would you like to meet?" as if
    no name had been given."""
    names = [n for _, n in rt.store.find_colleagues("a", limit=100)]
    first = next(n.split()[0] for n in names if sum(x.split()[0] == n.split()[0] for x in names) > 1)
    t = tracker("schedule_meeting", f"set up a meeting with {first} tomorrow at 10", active_loop="meeting_form")
    events, _ = run_action(ValidateMeetingForm(), t, domain)
    tomorrow_at_10 = (rt.now() + dt.timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0)
    assert slots(events) == {"meeting_time": tomorrow_at_10.isoformat(timespec="minutes")}
    _, messages = run_action(ActionAskMeetingAttendee(), t, domain)
    assert [b["title"].split()[0] for b in messages[0]["buttons"]] == [first] * len(messages[0]["buttons"]) != []
    _, plain = run_action(ActionAskMeetingAttendee(), tracker("schedule_meeting", "book a meeting"), domain)
    assert plain == [{**plain[0], "response": "utter_ask_meeting_attendee"}]


def test_my_manager_is_the_manager_on_record(rt: Runtime, domain: dict[str, Any]) -> None:
    """ "a meeting with my manager tmrw at 3pm" asked who, then "my manager" was no one in the directory."""
    t = tracker("schedule_meeting", "can u set up a meeting with my manager tmrw at 3pm", active_loop="meeting_form")
    events, _ = run_action(ValidateMeetingForm(), t, domain)
    assert slots(events)["meeting_attendee"] == "E1000"  # Jordan Lee, Alex Morgan's manager


def test_people_with_the_same_name_are_told_apart(rt: Runtime) -> None:
    """Three buttons all reading "Tom Evans" left the employee guessing: repeated names get role and team."""
    found = [("E1001", "Tom Evans"), ("E1002", "Tom Evans"), ("E1003", "Tom Evansson")]
    assert tell_apart(rt.store, found) == [
        "Tom Evans (Software Engineer, Engineering)",
        "Tom Evans (Marketing Associate, Marketing)",
        "Tom Evansson",
    ]


def test_meeting_time_rules(rt: Runtime, domain: dict[str, Any]) -> None:
    """Weekends, nights and unknown names are refused with a reason."""
    for text, reason in (("saturday at 10am", "weekend"), ("tomorrow at 9pm", "between 8:00 and 18:00")):
        t = tracker(
            "inform",
            text,
            active_loop="meeting_form",
            requested_slot="meeting_time",
            slots={"meeting_attendee": "E1000"},
        )
        events, messages = run_action(ValidateMeetingForm(), t, domain)
        assert slots(events)["meeting_time"] is None and reason in texts(messages)
    t = tracker("inform", "zzyzx qwerty", active_loop="meeting_form", requested_slot="meeting_attendee", confidence=0.2)
    events, messages = run_action(ValidateMeetingForm(), t, domain)
    assert slots(events) == {"meeting_attendee": None} and "couldn't find anyone" in texts(messages)


def meeting_time(domain: dict[str, Any], text: str, attendee: str, employee: str = DEMO) -> tuple[Any, str]:
    filled = {"meeting_attendee": attendee}
    t = tracker(
        "inform", text, active_loop="meeting_form", requested_slot="meeting_time", slots=filled, employee=employee
    )
    events, messages = run_action(ValidateMeetingForm(), t, domain)
    return slots(events).get("meeting_time"), texts(messages)


def test_a_meeting_never_double_books_and_says_when_both_are_free(rt: Runtime, domain: dict[str, Any]) -> None:
    """Alex has a 1:1 with Jordan tomorrow 12:00-12:30 (seeded): it was booked over."""
    mine = meeting_time(domain, "tomorrow at 12:15", "E1003")
    assert mine == (
        None,
        "You already have 1:1 with Jordan then. The next time you're both free is Wednesday 11 March at 12:30.",
    )
    theirs = meeting_time(
        domain, "tomorrow at noon", "E1000", employee=BRIEF
    )  # Jordan is busy: the title stays private
    assert theirs == (
        None,
        "Jordan is busy at that time. The next time you're both free is Wednesday 11 March at 12:30.",
    )
    assert meeting_time(domain, "tomorrow at 12:30", "E1003")[0] == "2026-03-11T12:30"
    rt.store.request_leave("E1003", "vacation", dt.date(2026, 3, 16), dt.date(2026, 3, 16), 1)
    away = meeting_time(domain, "monday at 10am", "E1003")
    assert away == (None, "Sam is on leave that day. The next time you're both free is Tuesday 17 March at 08:00.")


def test_the_last_meeting_of_the_day_starts_at_half_past_five(rt: Runtime, domain: dict[str, Any]) -> None:
    """17:45 was booked although it ends after 18:00."""
    assert meeting_time(domain, "tomorrow at 17:30", "E1003")[0] == "2026-03-11T17:30"
    late, reason = meeting_time(domain, "tomorrow at 17:45", "E1003")
    assert late is None and "the last one starts at 17:30" in reason


# --- expenses ------------------------------------------------------------------------------------


def test_expense_claim_end_to_end(rt: Runtime, domain: dict[str, Any]) -> None:
    t = tracker("expense_claim", "claim $42.50 for a taxi", active_loop="expense_form")
    assert slots(run_action(ValidateExpenseForm(), t, domain)[0]) == {
        "expense_category": "travel",
        "expense_amount": 42.5,
    }
    t = tracker(
        "expense_claim",
        "taxi to the client office",
        active_loop="expense_form",
        requested_slot="expense_description",
        slots={"expense_category": "travel", "expense_amount": 42.5},
    )
    filled = slots(run_action(ValidateExpenseForm(), t, domain)[0])
    assert filled == {"expense_description": "taxi to the client office"}
    filled |= {"expense_category": "travel", "expense_amount": 42.5}
    _, messages = run_action(ActionAskExpenseConfirmed(), tracker("inform", "", slots=filled), domain)
    assert texts(messages) == 'Ready to file: $42.50 (travel), "taxi to the client office". Shall I file it?'
    assert [b["payload"] for b in messages[0]["buttons"]] == ["yes", "no"]
    t = tracker("affirm", "yes", active_loop="expense_form", requested_slot="expense_confirmed", slots=filled)
    assert slots(run_action(ValidateExpenseForm(), t, domain)[0]) == {"expense_confirmed": True}
    _, messages = run_action(ActionSubmitExpenseClaim(), tracker("affirm", "", slots=filled), domain)
    assert "didn't file anything" in texts(messages) and not rt.store.expense_claims(DEMO), "filed without a yes"
    t = tracker("affirm", "", slots={**filled, "expense_confirmed": True})
    _, messages = run_action(ActionSubmitExpenseClaim(), t, domain)
    assert "for $42.50 (travel) is filed" in texts(messages) and "13 March" in texts(messages)


@pytest.mark.parametrize(
    ("text", "changed"),
    [
        ("make it $54", {"expense_amount": 54.0, "expense_confirmed": None}),
        ("actually it was a meal", {"expense_category": "meals", "expense_confirmed": None}),
        ("hmm", {"expense_confirmed": None}),  # unclear: says what it can take, asks again
    ],
)
def test_the_claim_can_be_changed_at_the_confirmation(
    rt: Runtime, domain: dict[str, Any], text: str, changed: dict[str, Any]
) -> None:
    filled = {"expense_category": "travel", "expense_amount": 42.5, "expense_description": "taxi"}
    t = tracker("expense_claim", text, active_loop="expense_form", requested_slot="expense_confirmed", slots=filled)
    events, messages = run_action(ValidateExpenseForm(), t, domain)
    assert slots(events) == changed
    assert ("Say yes to file the claim" in texts(messages)) == (text == "hmm")


def test_expense_limits(rt: Runtime, domain: dict[str, Any]) -> None:
    t = tracker(
        "inform",
        "9000",
        active_loop="expense_form",
        requested_slot="expense_amount",
        slots={"expense_category": "equipment"},
    )
    events, messages = run_action(ValidateExpenseForm(), t, domain)
    assert slots(events) == {"expense_amount": None} and "go through Finance" in texts(messages)
    t = tracker("inform", "", active_loop="expense_form", requested_slot="expense_description", confidence=0.1)
    assert slots(run_action(ValidateExpenseForm(), t, domain)[0]) == {"expense_description": None}


@pytest.mark.parametrize(
    ("requested", "text", "amount", "description"),
    [
        ("expense_description", "actually it was $54", 54.0, None),  # was stored as the description
        ("expense_description", "sorry, 54 not 45", 54.0, None),
        ("expense_category", "oops, it was $54", 54.0, None),
        ("expense_description", "taxi to the airport, $45", None, "taxi to the airport, $45"),  # the same amount
        ("expense_description", "3 nights at the Hilton", None, "3 nights at the Hilton"),
    ],
)
def test_a_new_amount_while_asked_something_else_corrects_it(
    rt: Runtime, domain: dict[str, Any], requested: str, text: str, amount: float | None, description: str | None
) -> None:
    filled = {"expense_amount": 45.0, **({"expense_category": "travel"} if requested != "expense_category" else {})}
    t = tracker("inform", text, active_loop="expense_form", requested_slot=requested, slots=filled, confidence=0.4)
    events, messages = run_action(ValidateExpenseForm(), t, domain)
    got = slots(events)
    assert got.get("expense_amount") == amount and got.get("expense_description") == description, got
    assert ("Got it: $54.00." in texts(messages)) == (amount is not None)


def test_yes_is_no_description(rt: Runtime, domain: dict[str, Any]) -> None:
    """'Ready to file: $96.40 (meals), "yes"' was shown."""
    filled = {"expense_category": "meals", "expense_amount": 96.4}
    t = tracker("affirm", "yes", active_loop="expense_form", requested_slot="expense_description", slots=filled)
    events, messages = run_action(ValidateExpenseForm(), t, domain)
    assert slots(events) == {"expense_description": None} and "A few words, please" in texts(messages)


def test_an_opening_message_takes_only_an_amount_marked_as_money(rt: Runtime, domain: dict[str, Any]) -> None:
    t = tracker("expense_claim", "claim my taxi from the 3rd, 54 euros", active_loop="expense_form")
    assert slots(run_action(ValidateExpenseForm(), t, domain)[0])["expense_amount"] == 54.0
    t = tracker("expense_claim", "claim 2 taxis", active_loop="expense_form")
    assert "expense_amount" not in slots(run_action(ValidateExpenseForm(), t, domain)[0])


# --- identity check ------------------------------------------------------------------------------


def test_identity_check_then_reset(rt: Runtime, domain: dict[str, Any]) -> None:
    """The right four digits verify the employee; the reset is logged as a ticket."""
    code = rt.store.profile(DEMO).phone_last4
    t = tracker("password_reset", f"it's {code}", active_loop="identity_form", requested_slot="identity_code")
    events, _ = run_action(ValidateIdentityForm(), t, domain)
    assert slots(events) == {"identity_code": VERIFIED, "it_request": "password_reset"}
    t = tracker("inform", "", slots={"identity_code": VERIFIED, "it_request": "password_reset"})
    _, messages = run_action(ActionSubmitItRequest(), t, domain)
    assert "reset link" in texts(messages)
    assert rt.store.tickets(DEMO, open_only=True)[0].category == "password_reset"


@pytest.mark.parametrize("text", ["i don't have my phone with me", "no idea, I changed my number", "can't remember"])
def test_no_code_to_give_gets_another_way_and_counts_no_guess(rt: Runtime, domain: dict[str, Any], text: str) -> None:
    t = tracker("inform", text, active_loop="identity_form", requested_slot="identity_code", confidence=0.3)
    events, messages = run_action(ValidateIdentityForm(), t, domain)
    assert slots(events)["identity_code"] == FAILED and "call ext. 4357" in texts(messages)
    assert rt.store.failed_identity_checks(DEMO, rt.now() - dt.timedelta(hours=24)) == 0


def test_a_year_is_not_a_guess_at_the_code(rt: Runtime, domain: dict[str, Any]) -> None:
    """'I've had this password since 2019' counted as a wrong code."""
    text = "i've had the same password since 2019"
    t = tracker("inform", text, active_loop="identity_form", requested_slot="identity_code", confidence=0.3)
    events, messages = run_action(ValidateIdentityForm(), t, domain)
    assert slots(events)["identity_code"] is None and "Just the four digits" in texts(messages)
    assert rt.store.failed_identity_checks(DEMO, rt.now() - dt.timedelta(hours=24)) == 0


def test_identity_check_gives_up_after_three_wrong_codes(rt: Runtime, domain: dict[str, Any]) -> None:
    code = rt.store.profile(DEMO).phone_last4
    wrong = f"{(int(code) + 1) % 10000:04d}"
    history: list[dict[str, Any]] = [{"event": "active_loop", "name": "identity_form"}]
    for _ in range(3):
        t = tracker("inform", wrong, active_loop="identity_form", requested_slot="identity_code", events=history)
        events, messages = run_action(ValidateIdentityForm(), t, domain)
        history += [{"event": "bot", "text": m["text"]} for m in messages]
    assert slots(events)["identity_code"] == FAILED and "for your security" in texts(messages)
    t = tracker("inform", "", slots={"identity_code": FAILED, "it_request": "account_locked"})
    _, messages = run_action(ActionSubmitItRequest(), t, domain)
    assert messages == []


def test_a_weak_no_that_answers_the_question_fills_the_slot(rt: Runtime, domain: dict[str, Any]) -> None:
    """The 'Other' button can parse as a low-confidence deny; it is an answer, not a cancellation."""
    t = tracker("deny", "other", active_loop="expense_form", requested_slot="expense_category", confidence=0.35)
    assert slots(run_action(ValidateExpenseForm(), t, domain)[0]) == {"expense_category": "other"}
    t = tracker("deny", "no, stop", active_loop="expense_form", requested_slot="expense_category", confidence=0.95)
    assert run_action(ValidateExpenseForm(), t, domain)[0] == []


def test_change_words_match_whole_words(rt: Runtime, domain: dict[str, Any]) -> None:
    """'still' is not 'till' and 'weekend' is not 'end': this changes the first day."""
    t = pto(
        "pto_request",
        "i still want to start on april 7",
        "leave_confirmed",
        leave_type="vacation",
        leave_start="2026-04-06",
        leave_end="2026-04-10",
    )
    assert slots(run_action(ValidatePtoForm(), t, domain)[0])["leave_start"] == "2026-04-07"


def test_changing_the_type_rechecks_the_balance(rt: Runtime, domain: dict[str, Any]) -> None:
    """Five days as personal leave (3 a year) is refused when the type changes at the confirmation."""
    t = pto(
        "out_of_scope",
        "make it a personal day",
        "leave_confirmed",
        leave_type="vacation",
        leave_start="2026-04-06",
        leave_end="2026-04-10",
    )
    events, messages = run_action(ValidatePtoForm(), t, domain)
    assert slots(events)["leave_type"] == "personal" and slots(events)["leave_start"] is None
    assert "of personal leave left" in texts(messages)


def test_no_fresh_guesses_in_a_new_chat(rt: Runtime, domain: dict[str, Any]) -> None:
    """Wrong codes count per employee, not per chat: three in other chats today lock this one out too."""
    for _ in range(3):
        rt.store.record_identity_check(DEMO, False, rt.now() - dt.timedelta(hours=2))
    t = tracker("inform", "1234", active_loop="identity_form", requested_slot="identity_code")
    events, messages = run_action(ValidateIdentityForm(), t, domain)
    assert slots(events)["identity_code"] == FAILED and "can't check your identity in chat again" in texts(messages)
    # Asking again in yet another chat says so at once, instead of asking for a code it would refuse.
    events, messages = run_action(ValidateIdentityForm(), tracker("password_reset", "reset my password"), domain)
    assert slots(events)["identity_code"] == FAILED and "can't check your identity" in texts(messages)


def test_the_lockout_ends_and_a_right_code_clears_earlier_mistakes(rt: Runtime, domain: dict[str, Any]) -> None:
    code = rt.store.profile(DEMO).phone_last4
    for _ in range(3):
        rt.store.record_identity_check(DEMO, False, rt.now() - dt.timedelta(hours=25))
    assert rt.store.failed_identity_checks(DEMO, rt.now() - dt.timedelta(hours=24)) == 0
    rt.store.record_identity_check(DEMO, False, rt.now() - dt.timedelta(hours=3))
    rt.store.record_identity_check(DEMO, False, rt.now() - dt.timedelta(hours=2))
    rt.store.record_identity_check(DEMO, True, rt.now() - dt.timedelta(hours=1))
    assert rt.store.failed_identity_checks(DEMO, rt.now() - dt.timedelta(hours=24)) == 0
    t = tracker("inform", code, active_loop="identity_form", requested_slot="identity_code")
    assert slots(run_action(ValidateIdentityForm(), t, domain)[0])["identity_code"] == VERIFIED
    assert rt.store.failed_identity_checks(BRIEF, rt.now() - dt.timedelta(hours=24)) == 0  # others unaffected
