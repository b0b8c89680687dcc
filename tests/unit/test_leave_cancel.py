"""Withdrawing a time-off request: nothing is cancelled until one request is named, and only the employee's own."""

from __future__ import annotations

import datetime as dt
from typing import Any

from actions.leave_cancel import ActionCancelLeave
from actions.runtime import Runtime
from bot.db import models
from tests.conftest import TODAY, run_action
from tests.trackers import DEMO, NEW_HIRE, tracker


def texts(messages: list[dict[str, Any]]) -> str:
    return " ".join(m.get("text") or "" for m in messages)


def pressed(request_id: int, employee: str = DEMO) -> Any:
    """The tracker after the "Cancel #N" button: its payload carries the request as an entity."""
    t = tracker("pto_cancel", f'/pto_cancel{{"leave_request": "{request_id}"}}', employee=employee)
    t.latest_message["entities"] = [{"entity": "leave_request", "value": str(request_id)}]
    return t


def test_asking_shows_the_requests_and_cancels_nothing(rt: Runtime, domain: dict[str, Any]) -> None:
    first = rt.store.request_leave(DEMO, "vacation", dt.date(2026, 4, 6), dt.date(2026, 4, 10), 5)
    second = rt.store.request_leave(DEMO, "personal", dt.date(2026, 5, 4), dt.date(2026, 5, 4), 1)
    _, messages = run_action(ActionCancelLeave(), tracker("pto_cancel", "withdraw my leave request"), domain)
    assert texts(messages) == "Which request should I cancel?"
    titles = [b["title"] for b in messages[0]["buttons"]]
    assert f"Cancel #{first}: vacation 6 Apr-10 Apr (pending)" in titles
    assert f"Cancel #{second}: personal 4 May-4 May (pending)" in titles and titles[-1] == "Keep them all"
    assert messages[0]["buttons"][titles.index(f"Cancel #{first}: vacation 6 Apr-10 Apr (pending)")]["payload"] == (
        f'/pto_cancel{{"leave_request": "{first}"}}'
    )
    assert len(rt.store.cancellable_leave(DEMO, TODAY)) >= 2, "nothing cancelled by asking"


def test_the_button_cancels_that_request_and_gives_the_days_back(rt: Runtime, domain: dict[str, Any]) -> None:
    before = rt.store.balance(DEMO, "vacation", 2026).remaining
    request = rt.store.request_leave(DEMO, "vacation", dt.date(2026, 4, 6), dt.date(2026, 4, 10), 5)
    assert rt.store.balance(DEMO, "vacation", 2026).remaining == before - 5
    _, messages = run_action(ActionCancelLeave(), pressed(request), domain)
    assert texts(messages) == (
        f"Done: your vacation request #{request} for 6 Apr to 10 Apr is cancelled, and its 5 days are back in "
        "your balance."
    )
    assert rt.store.balance(DEMO, "vacation", 2026).remaining == before
    assert rt.store.leave_requests(DEMO, 1)[0].status == "cancelled"
    _, again = run_action(ActionCancelLeave(), pressed(request), domain)  # a second press cancels nothing more
    assert f"#{request} isn't one you can still cancel" in texts(again) or "can't find a request" in texts(again)


def test_typed_request_numbers_work_too(rt: Runtime, domain: dict[str, Any]) -> None:
    request = rt.store.request_leave(DEMO, "vacation", dt.date(2026, 6, 1), dt.date(2026, 6, 1), 1)
    _, messages = run_action(ActionCancelLeave(), tracker("pto_cancel", f"cancel request #{request}"), domain)
    assert "is cancelled, and its 1 day is back" in texts(messages)


def test_someone_elses_or_a_started_request_is_not_cancelled(rt: Runtime, domain: dict[str, Any]) -> None:
    theirs = rt.store.request_leave(NEW_HIRE, "vacation", dt.date(2026, 4, 6), dt.date(2026, 4, 7), 2)
    started = rt.store.request_leave(DEMO, "sick", dt.date(2026, 3, 9), dt.date(2026, 3, 11), 3)
    for request in (theirs, started, 999_999):
        _, messages = run_action(ActionCancelLeave(), pressed(request), domain)
        assert "is cancelled" not in texts(messages), request
    assert rt.store.leave_requests(NEW_HIRE, 1)[0].status == "pending"
    assert rt.store.cancel_leave(DEMO, started, TODAY) is None


def test_approved_leave_tells_the_manager_and_nothing_to_cancel_says_so(rt: Runtime, domain: dict[str, Any]) -> None:
    request = rt.store.request_leave(DEMO, "vacation", dt.date(2026, 7, 6), dt.date(2026, 7, 7), 2)
    with rt.store._sessions() as s:  # the manager approved it (approving is not the assistant's job)
        s.get(models.LeaveRequest, request).status = "approved"
        s.commit()
    _, messages = run_action(ActionCancelLeave(), pressed(request), domain)
    assert "is cancelled" in texts(messages) and "I've let Jordan Lee know, as it had been approved." in texts(messages)
    for r in rt.store.cancellable_leave(DEMO, TODAY):  # the seeded requests
        rt.store.cancel_leave(DEMO, r.id, TODAY)
    _, messages = run_action(ActionCancelLeave(), tracker("pto_cancel", "cancel my time off"), domain)
    assert texts(messages).startswith("You have no upcoming time-off requests to cancel")
    _, messages = run_action(ActionCancelLeave(), tracker("pto_cancel", "cancel it", employee=None), domain)
    assert "is cancelled" not in texts(messages)


def test_a_message_with_no_leave_in_it_is_not_about_cancelling_leave(rt: Runtime, domain: dict[str, Any]) -> None:
    """'I can't do this anymore, I just want it all to stop' was read as pto_cancel at 0.36."""
    text = "I can't do this anymore, I just want it all to stop"
    _, messages = run_action(ActionCancelLeave(), tracker("pto_cancel", text, confidence=0.36), domain)
    assert [m.get("response") for m in messages] == ["utter_default"]


def answered(question: dict[str, Any], intent: str, text: str, employee: str = NEW_HIRE) -> Any:
    """The tracker after a typed answer to the question the bot asked (its text and buttons)."""
    bot = {"event": "bot", "text": question.get("text"), "data": {"buttons": question.get("buttons")}}
    return tracker(intent, text, employee=employee, events=[bot])


def test_a_typed_yes_to_the_one_request_asked_about_cancels_it(rt: Runtime, domain: dict[str, Any]) -> None:
    """'Shall I cancel your vacation 7 Jan-11 Jan request?' then a typed "yes" said "Great. Anything else?"
    and cancelled nothing; "yes cancel it" (read as a no) said "Okay"."""
    for t in rt.store.cancellable_leave(NEW_HIRE, TODAY):
        rt.store.cancel_leave(NEW_HIRE, t.id, TODAY)
    for intent, text in (("affirm", "yes"), ("deny", "yes cancel it")):
        request = rt.store.request_leave(NEW_HIRE, "vacation", dt.date(2026, 6, 1), dt.date(2026, 6, 2), 2)
        _, asked = run_action(ActionCancelLeave(), tracker("pto_cancel", "cancel my leave", employee=NEW_HIRE), domain)
        assert texts(asked).startswith("Shall I cancel your vacation 1 Jun-2 Jun")
        _, done = run_action(ActionCancelLeave(), answered(asked[0], intent, text), domain)
        assert f"request #{request} for 1 Jun to 2 Jun is cancelled" in texts(done), texts(done)


def test_a_typed_no_keeps_it_and_a_yes_to_several_asks_for_the_button(rt: Runtime, domain: dict[str, Any]) -> None:
    for t in rt.store.cancellable_leave(NEW_HIRE, TODAY):
        rt.store.cancel_leave(NEW_HIRE, t.id, TODAY)
    request = rt.store.request_leave(NEW_HIRE, "vacation", dt.date(2026, 6, 1), dt.date(2026, 6, 2), 2)
    _, asked = run_action(ActionCancelLeave(), tracker("pto_cancel", "cancel my leave", employee=NEW_HIRE), domain)
    _, kept = run_action(ActionCancelLeave(), answered(asked[0], "deny", "no"), domain)
    assert texts(kept) == "Okay, I've kept it; nothing is cancelled."
    assert [r.id for r in rt.store.cancellable_leave(NEW_HIRE, TODAY)] == [request]
    rt.store.request_leave(NEW_HIRE, "personal", dt.date(2026, 7, 1), dt.date(2026, 7, 1), 1)
    _, several = run_action(ActionCancelLeave(), tracker("pto_cancel", "cancel my leave", employee=NEW_HIRE), domain)
    _, unsure = run_action(ActionCancelLeave(), answered(several[0], "affirm", "yes"), domain)
    assert "Press the button" in texts(unsure) and len(rt.store.cancellable_leave(NEW_HIRE, TODAY)) == 2
    _, plain = run_action(ActionCancelLeave(), tracker("affirm", "yes", employee=NEW_HIRE), domain)
    assert texts(plain) == "Great. Anything else I can help with?"
