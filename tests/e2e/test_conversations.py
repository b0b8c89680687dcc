"""Conversations with the real Rasa model and action server over the REST channel."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import requests

from tests.e2e.conftest import Assistant, new_sender, text_of

pytestmark = pytest.mark.e2e


def next_weekday(weekday: int, weeks_ahead: int = 3) -> dt.date:
    day = dt.date.today() + dt.timedelta(weeks=weeks_ahead)
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def free_days(assistant: Assistant, employee: str, weekday: int, length: int = 1) -> tuple[dt.date, dt.date]:
    """The first ``length`` days from a ``weekday`` two or more weeks ahead with no company holiday and no leave
    of the employee's: whatever the date of the run (Christmas Eve is a holiday; earlier runs booked leave)."""
    taken = assistant.store.leave_requests(employee, 100)
    for weeks in range(2, 30):
        start = next_weekday(weekday, weeks_ahead=weeks)
        end = start + dt.timedelta(days=length - 1)
        clash = any(r.start_date <= end and start <= r.end_date for r in taken)
        if not clash and not assistant.store.holidays_between(start, end):
            return start, end
    raise AssertionError(f"no free days for {employee} in the next 30 weeks")


def test_greeting_knows_the_employee(assistant: Assistant) -> None:
    """The employee id in the message metadata personalises the very first reply."""
    replies = assistant.say(new_sender(), "hello there", employee="E1002")
    assert text_of(replies).startswith("Hi Priya!") and "onboarding" in text_of(replies)


def test_routine_questions_are_answered_from_the_records(assistant: Assistant) -> None:
    sender = new_sender()
    balance = assistant.store.balance("E1001", "vacation", dt.date.today().year)
    assert f"{balance.remaining.normalize():f} days of vacation left" in text_of(
        assistant.say(sender, "how many vacation days do i have left")
    )
    assert "next payday" in text_of(assistant.say(sender, "when do i get paid next"))
    assert "W-2" in text_of(assistant.say(sender, "where can i find my w2"))
    sick = assistant.store.balance("E1001", "sick", dt.date.today().year)
    reply = text_of(assistant.say(sender, "how many sick days have i got left"))
    assert reply.startswith(f"You have {sick.remaining.normalize():f} day") and "of sick leave left" in reply, reply


def test_leave_request_form_with_interruption_and_confirmation(assistant: Assistant) -> None:
    """Book leave: the dates come in the first message, a question interrupts, 'yes' sends it."""
    sender = new_sender()
    start, end = free_days(assistant, "E1001", 0, length=3)
    first = text_of(assistant.say(sender, f"i'd like to book vacation from {start:%B %-d} to {end:%B %-d}"))
    assert "3 working days" in first and "Shall I send it" in first
    interrupted = text_of(assistant.say(sender, "how many vacation days do i have left?"))
    assert "of vacation left" in interrupted and "Shall I send it" in interrupted
    done = text_of(assistant.say(sender, "yes"))
    assert "Done: request #" in done
    request = assistant.store.leave_requests("E1001", 1)[0]
    assert (request.start_date, request.end_date, request.status) == (start, end, "pending")


def test_a_sick_day_is_booked_not_handed_to_hr(assistant: Assistant) -> None:
    """ "I'm unwell, log a sick day" is leave to book; it used to get the health reply and a request for HR."""
    day, _ = free_days(assistant, "E1003", 2)
    sender = new_sender()
    first = text_of(assistant.say(sender, "i'm unwell, can you log a sick day", employee="E1003"))
    assert "request #" not in first and "Sorry you're not feeling well" in first, first
    assert "Shall I send it" in text_of(assistant.say(sender, f"{day:%B %-d} to {day:%B %-d}", employee="E1003"))
    assert "Done: request #" in text_of(assistant.say(sender, "yes", employee="E1003"))
    request = assistant.store.leave_requests("E1003", 1)[0]
    assert (request.leave_type, request.start_date, request.end_date) == ("sick", day, day)


def test_a_sick_day_is_logged_afterwards(assistant: Assistant) -> None:
    """'yesterday', which the sick-leave question itself suggests, was refused as a date already passed."""
    today, taken = dt.date.today(), assistant.store.leave_requests("E1011", 100)
    day = next(
        d
        for d in (today - dt.timedelta(days=n) for n in range(1, 8))
        if d.weekday() < 5
        and not assistant.store.holidays_between(d, d)
        and not any(r.start_date <= d <= r.end_date for r in taken)
    )
    sender = new_sender()
    first = text_of(assistant.say(sender, f"i was off sick last {day:%A}, can you log it", employee="E1011"))
    assert "last day" in first, first
    confirm = text_of(assistant.say(sender, "just that day", employee="E1011"))
    assert "1 working day," in confirm and "Shall I send it" in confirm, confirm
    assert "Done: request #" in text_of(assistant.say(sender, "yes", employee="E1011"))
    request = assistant.store.leave_requests("E1011", 1)[0]
    assert (request.leave_type, request.start_date, request.end_date) == ("sick", day, day)


def test_a_leave_request_is_withdrawn_with_its_button(assistant: Assistant) -> None:
    """'withdraw my vacation request' started a new booking; now it offers the request, and the button cancels it."""
    start, end = free_days(assistant, "E1012", 1, length=2)
    request = assistant.store.request_leave("E1012", "vacation", start, end, 2)
    sender = new_sender()
    replies = assistant.say(sender, "i want to withdraw my vacation request", employee="E1012")
    buttons = [b for r in replies for b in r.get("buttons") or []]
    mine = [b for b in buttons if b["title"].startswith(f"Cancel #{request}:")]
    assert mine, replies
    assert next(r for r in assistant.store.leave_requests("E1012", 10) if r.id == request).status == "pending"
    done = text_of(assistant.say(sender, mine[0]["payload"], employee="E1012"))
    assert f"request #{request}" in done and "is cancelled" in done, done
    assert next(r for r in assistant.store.leave_requests("E1012", 10) if r.id == request).status == "cancelled"


def test_a_typed_yes_withdraws_the_one_request_asked_about(assistant: Assistant) -> None:
    """'Shall I cancel your ... request?' then "yes" said "Great. Anything else?" and cancelled nothing."""
    start, end = free_days(assistant, "E1018", 1, length=2)
    for r in assistant.store.cancellable_leave("E1018", dt.date.today()):
        assistant.store.cancel_leave("E1018", r.id, dt.date.today())
    request = assistant.store.request_leave("E1018", "vacation", start, end, 2)
    sender = new_sender()
    asked = text_of(assistant.say(sender, "cancel my vacation request pls", employee="E1018"))
    assert asked.startswith("Shall I cancel your vacation"), asked
    done = text_of(assistant.say(sender, "yes", employee="E1018"))
    assert f"request #{request}" in done and "is cancelled" in done, done


def test_sour_thanks_is_not_welcomed(assistant: Assistant) -> None:
    """'thanks for nothing' got "You're welcome!"; a plain thanks still does."""
    sender = new_sender()
    assistant.say(sender, "when is payday")
    sour = assistant.say(sender, "thanks for nothing")
    assert "Sorry I wasn't more help" in text_of(sour) and "You're welcome" not in text_of(sour), sour
    assert [b["title"] for r in sour for b in r.get("buttons") or []] == ["Talk to a person"]
    sarcastic = text_of(assistant.say(new_sender(), "thanks so much for the amazing help 🙄"))
    assert "Sorry I wasn't more help" in sarcastic and "You're welcome" not in sarcastic, sarcastic
    sender = new_sender()
    assistant.say(sender, "when is payday")
    reply = text_of(assistant.say(sender, "thanks, that's great"))
    assert "Sorry" not in reply and ("welcome" in reply or "Happy to help" in reply), reply


def test_a_meeting_is_not_booked_over_another(assistant: Assistant) -> None:
    """Two colleagues asking for Jordan at the same time both got 'Booked'."""
    day, _ = free_days(assistant, "E1013", 3)
    ask = f"set up a meeting with jordan lee on {day:%B %-d} at 10:30"
    first = text_of(assistant.say(new_sender(), ask, employee="E1013"))
    assert f"Booked: 30 minutes with Jordan Lee on {day:%A %-d %B} at 10:30" in first, first
    second = text_of(assistant.say(new_sender(), ask, employee="E1014"))
    assert "Jordan is busy at that time" in second and "Booked" not in second, second
    assert f"The next time you're both free is {day:%A %-d %B} at 11:00" in second, second


def test_a_shared_name_with_a_time_asks_which_person_and_keeps_the_time(assistant: Assistant) -> None:
    """'set up a meeting with <a first name several people have> on <day> at 10:30' asked "Who would you
    like to meet?" as if no name had been given; its buttons then all read the same."""
    day, _ = free_days(assistant, "E1017", 3)
    names = [n for _, n in assistant.store.find_colleagues("a", limit=300)]
    first = next(n.split()[0] for n in names if sum(x.split()[0] == n.split()[0] for x in names) > 1)
    sender = new_sender()
    replies = assistant.say(sender, f"set up a meeting with {first} on {day:%B %-d} at 10:30", employee="E1017")
    buttons = [b for r in replies for b in r.get("buttons") or []]
    assert "Which one?" in text_of(replies) and len(buttons) > 1, replies
    assert len({b["title"] for b in buttons}) == len(buttons)
    done = text_of(assistant.say(sender, buttons[0]["payload"], employee="E1017"))
    assert "When should" not in done and f"{day:%A %-d %B}" in done, done  # booked, or why not and when instead


def test_time_off_asks_which_kind(assistant: Assistant) -> None:
    """Time off could be any kind: asked, not presumed vacation; the "Sick leave" answer is no health matter."""
    sender = new_sender()
    assert "What kind of leave" in text_of(assistant.say(sender, "I want to book time off"))
    reply = text_of(assistant.say(sender, "sick leave"))
    assert "Sorry you're not feeling well" in reply and "request #" not in reply, reply
    assert assistant.tracker(sender)["slots"]["escalation"]["decision"] == "continue"


def test_asking_for_a_ticket_opens_one_and_a_new_device_gets_its_own(assistant: Assistant) -> None:
    """'..., can u open a ticket' was answered 'You have no tickets'; a second device went into the first ticket."""
    sender = new_sender()
    first = text_of(assistant.say(sender, "my monitor keeps flickering, can u open a ticket", employee="E1007"))
    assert "opened IT ticket #" in first, first
    second = text_of(assistant.say(sender, "and now my keyboard has stopped working", employee="E1007"))
    assert "opened IT ticket #" in second and "already have" not in second, second
    summaries = {t.summary for t in assistant.store.tickets("E1007", open_only=True)}
    assert {"my monitor keeps flickering, can u open a ticket", "and now my keyboard has stopped working"} <= summaries


def test_a_ticket_is_closed_when_the_problem_went_away(assistant: Assistant) -> None:
    """'close it, it's working now' was a fallback, and the ticket stayed open for IT to chase."""
    sender = new_sender()
    first = text_of(assistant.say(sender, "my headset microphone stopped working", employee="E1015"))
    opened = re.search(r"opened IT ticket #(\d+)", first)
    assert opened, first
    done = text_of(assistant.say(sender, "close it, it's working now", employee="E1015"))
    assert f"closed ticket #{opened.group(1)}" in done, done
    ticket = assistant.store.ticket("E1015", int(opened.group(1)))
    assert ticket is not None and ticket.status == "resolved"


def test_identity_check_lockout_holds_across_chats(assistant: Assistant) -> None:
    """Three wrong codes lock the chat check for the employee, not just for one chat: no fresh guesses."""
    code = assistant.store.profile("E1008").phone_last4
    wrong = f"{(int(code) + 1) % 10000:04d}"
    sender = new_sender()
    assert "last four digits" in text_of(assistant.say(sender, "please reset my password", employee="E1008"))
    for _ in range(3):
        reply = text_of(assistant.say(sender, wrong, employee="E1008"))
    assert "for your security" in reply.lower(), reply
    again = text_of(assistant.say(new_sender(), "reset my password", employee="E1008"))
    assert "can't check your identity in chat again today" in again and "last four digits" not in again, again


def test_follow_ups_ask_the_same_question_about_something_else(assistant: Assistant) -> None:
    """ "what about sick days?" started a leave booking and "and <month>?" was out of scope."""
    sender = new_sender()
    assert "of vacation left" in text_of(assistant.say(sender, "how many vacation days do i have left"))
    reply = text_of(assistant.say(sender, "what about sick days?"))
    assert "of sick leave left" in reply and "What kind of leave" not in reply, reply
    assert not (assistant.tracker(sender).get("active_loop") or {}).get("name"), "no leave form was started"
    slips = assistant.store.payslips("E1001", limit=6)
    first, second = slips[0].pay_date, next(s.pay_date for s in slips if s.pay_date.month != slips[0].pay_date.month)
    assert f"Your {first:%B %Y} payslip" in text_of(assistant.say(sender, f"show me my payslip for {first:%B}"))
    reply = text_of(assistant.say(sender, f"and {second:%B}?"))
    assert f"Your {second:%B %Y} payslip" in reply, reply
    assert assistant.tracker(sender)["slots"]["escalation"]["decision"] == "continue"


def test_two_questions_in_one_message_get_two_answers(assistant: Assistant) -> None:
    reply = text_of(assistant.say(new_sender(), "how many vacation days do i have left and when is payday?"))
    assert "of vacation left" in reply and "next payday" in reply, reply


def test_a_leave_request_with_a_balance_question_keeps_its_kind_and_gets_the_answer(assistant: Assistant) -> None:
    """'... off as annual leave, and also how much sick leave do I have?' was booked as sick leave, unanswered."""
    start, end = free_days(assistant, "E1019", 1, length=2)
    text = f"I'd like to take {start:%B %-d}-{end:%-d} off as annual leave, and also how much sick leave do I have?"
    reply = text_of(assistant.say(new_sender(), text, employee="E1019"))
    assert "of sick leave left" in reply and f"Vacation from {start:%A %-d %B}" in reply, reply


def test_form_can_be_cancelled(assistant: Assistant) -> None:
    sender = new_sender()
    assert "What kind of expense" in text_of(assistant.say(sender, "i need to submit an expense claim"))
    assert "stopped that and saved nothing" in text_of(assistant.say(sender, "no, cancel that"))
    tracker = assistant.tracker(sender)
    assert tracker["active_loop"] in ({}, None) or tracker["active_loop"].get("name") is None


def test_an_expense_claim_is_corrected_and_confirmed_before_it_is_filed(assistant: Assistant) -> None:
    """The date's "3" was read as the amount, "actually it was $54" became the description, and claims were
    filed without a look at them."""
    sender = new_sender()
    before = len(assistant.store.expense_claims("E1010", limit=50))
    first = text_of(assistant.say(sender, "I need to claim a taxi from the 3rd, it was $45", employee="E1010"))
    assert "short description" in first, first
    assert "Got it: $54.00." in text_of(assistant.say(sender, "actually it was $54", employee="E1010"))
    confirm = text_of(assistant.say(sender, "taxi from the airport to the client office", employee="E1010"))
    assert 'Ready to file: $54.00 (travel), "taxi from the airport to the client office"' in confirm, confirm
    assert len(assistant.store.expense_claims("E1010", limit=50)) == before, "nothing filed before the yes"
    filed = text_of(assistant.say(sender, "yes", employee="E1010"))
    assert "for $54.00 (travel) is filed" in filed, filed
    latest = assistant.store.expense_claims("E1010", limit=1)[0]
    assert latest.amount == 54 and latest.category == "travel"


def test_sensitive_topic_goes_to_a_person(assistant: Assistant) -> None:
    """Harassment is answered with care, marked, and handed on with the transcript (no agents yet: a ticket)."""
    sender = new_sender()
    first = text_of(assistant.say(sender, "my manager keeps making comments about my appearance and i feel unsafe"))
    assert "confidential" in first and "request #" in first
    slots = assistant.tracker(sender)["slots"]
    assert slots["sensitive_topic"] == "report_harassment"
    assert slots["escalation"]["reason"] == "sensitive_topic"


def test_a_story_that_goes_to_a_person_still_gets_its_question_answered(assistant: Assistant) -> None:
    """A long message about a death in the family that also asked about leave got care and a request; the
    question itself was dropped."""
    text = (
        "My dad passed away on Sunday and I'm all over the place. I'll need time off for the funeral next "
        "week. How many vacation days do I have left?"
    )
    reply = text_of(assistant.say(new_sender(), text, employee="E1016"))
    assert "sorry for your loss" in reply and "request #" in reply, reply
    assert "As for your other question: You have" in reply and "of vacation left" in reply, reply


def test_out_of_scope_says_what_it_can_do(assistant: Assistant) -> None:
    reply = text_of(assistant.say(new_sender(), "what's the best recipe for lasagna"))
    assert "outside what I can help with" in reply or "didn't quite get that" in reply


@pytest.mark.parametrize(
    "text", ["", "a" * 10_000, "¿Cuándo es el próximo día de pago?", "😀🎉🔥", "<script>alert(1)</script>"]
)
def test_odd_messages_get_a_sensible_answer(assistant: Assistant, text: str) -> None:
    """Empty, huge, non-English, emoji-only and markup messages get a reply, never an error."""
    replies = assistant.say(new_sender(), text)
    assert replies and all(r.get("text") for r in replies)


def test_http_api_requires_the_token(assistant: Assistant) -> None:
    """Rasa's HTTP API refuses requests without the token; it listens on loopback only."""
    response = requests.get(f"{assistant.url}/conversations/someone/tracker", timeout=10)
    assert response.status_code in (401, 403)
    response = requests.get(f"{assistant.url}/conversations/someone/tracker", params={"token": "wrong"}, timeout=10)
    assert response.status_code in (401, 403)
    assert assistant.url.startswith("http://127.0.0.1:")


def test_one_day_off_needs_no_second_date(assistant: Assistant) -> None:
    """'just that day' for the last day looped on 'I couldn't read a date there'; '1 working days'."""
    day, _ = free_days(assistant, "E1005", 3)
    sender = new_sender()
    assert "last day" in text_of(assistant.say(sender, f"I'd like a vacation day on {day:%B %-d}", employee="E1005"))
    confirm = text_of(assistant.say(sender, "just that day", employee="E1005"))
    assert "1 working day," in confirm and "Shall I send it" in confirm, confirm
    assert "Done: request #" in text_of(assistant.say(sender, "yes", employee="E1005"))
    request = assistant.store.leave_requests("E1005", 1)[0]
    assert (request.start_date, request.end_date) == (day, day)


def test_a_complaint_gets_the_figures_and_someone_who_can_fix_it(assistant: Assistant) -> None:
    """'my payslip is wrong again' got the figures and nothing else; a rejected claim started a new claim."""
    sender = new_sender()
    reply = text_of(assistant.say(sender, "my payslip is wrong again", employee="E1006"))
    assert "payslip" in reply.lower() and "someone from Payroll can look into it" in reply, reply
    assert "request #" in text_of(assistant.say(sender, "yes please", employee="E1006"))
    sender = new_sender()
    reply = text_of(assistant.say(sender, "my expense claim got rejected, why?", employee="E1006"))
    assert "expense claim" in reply and "someone from Payroll" in reply, reply
    assert assistant.tracker(sender)["active_loop"] in ({}, None)  # no new claim form


def test_another_language_is_told_the_assistant_reads_english(assistant: Assistant) -> None:
    sender = new_sender()
    reply = assistant.say(sender, "¿Dónde puedo ver mis días de vacaciones que me quedan?")
    assert "only read English" in text_of(reply), text_of(reply)
    assert any(b["title"] == "Talk to a person" for r in reply for b in r.get("buttons", []))


def test_a_thumbs_up_and_a_bare_kind_of_leave_are_understood(assistant: Assistant) -> None:
    sender = new_sender()
    assert "outside what I can help with" not in text_of(assistant.say(sender, "👍"))
    assert "of personal leave left" in text_of(assistant.say(new_sender(), "personal days?"))
