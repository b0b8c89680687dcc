"""The escalation payload's pieces: tenure, the slots that are shared, and history with sensitive items hidden."""

from __future__ import annotations

import datetime as dt

from actions.handoff_payload import conversation_slots, history, tenure_months
from bot.db.store import ConversationRecord, TicketRecord


def test_tenure_in_whole_months() -> None:
    assert tenure_months(dt.date(2026, 1, 31), dt.date(2026, 3, 10)) == 1
    assert tenure_months(dt.date(2023, 3, 10), dt.date(2026, 3, 10)) == 36
    assert tenure_months(dt.date(2026, 3, 1), dt.date(2026, 3, 10)) == 0
    assert tenure_months(dt.date(2026, 4, 1), dt.date(2026, 3, 10)) == 0  # a future start date


def test_only_meaningful_slots_are_shared() -> None:
    slots = {
        "leave_type": "vacation",
        "meeting_attendee": "E1007",
        "expense_amount": 84.5,
        "sensitive_topic": "bereavement",
        "handoff_ticket": "7",
        "answer_style": "brief",
        "leave_end": None,
        "identity_code": "4321",
        "tone_timeline": [["sad", 0.8]],
        "escalation_state": {},
        "session_started_metadata": {"employee_id": "E1001"},
        "requested_slot": "leave_end",
    }
    assert conversation_slots(slots) == {
        "leave_type": "vacation",
        "meeting_attendee": "E1007",
        "expense_amount": 84.5,
        "sensitive_topic": "bereavement",
        "handoff_ticket": "7",
        "answer_style": "brief",
    }


def records() -> tuple[list[ConversationRecord], list[TicketRecord]]:
    day = dt.datetime(2026, 3, 1, 9, 0)
    conversations = [
        ConversationRecord("c1", day, "report_harassment", True, "Reported a colleague"),
        ConversationRecord("c2", day - dt.timedelta(days=3), "payday", False, None),
    ]
    tickets = [
        TicketRecord(4, "people", "Escalated (sensitive_topic, report_harassment)", "open", day, day),
        TicketRecord(3, "vpn", "VPN drops", "resolved", day - dt.timedelta(days=1), day),
    ]
    return conversations, tickets


def test_history_newest_first_and_limited() -> None:
    items = history(*records(), skill="hr", limit=3)
    assert [(i["kind"], i["id"]) for i in items] == [("conversation", "c1"), ("ticket", 4), ("ticket", 3)]
    assert items[0] == {
        "kind": "conversation",
        "id": "c1",
        "date": "2026-03-01T09:00:00",
        "topic": "report_harassment",
        "status": None,
        "summary": "Reported a colleague",
        "sensitive": True,
    }


def test_sensitive_history_is_hidden_outside_hr() -> None:
    """An IT or payroll agent sees that there was something sensitive, not what it was."""
    items = {(i["kind"], i["id"]): i for i in history(*records(), skill="it")}
    for key in (("conversation", "c1"), ("ticket", 4)):
        assert items[key]["sensitive"] is True and items[key]["topic"] is None and items[key]["summary"] is None
    assert items[("ticket", 3)]["topic"] == "vpn" and items[("conversation", "c2")]["topic"] == "payday"
