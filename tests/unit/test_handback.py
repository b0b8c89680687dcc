"""action_handed_back: the welcome back for each reason, and escalation bookkeeping that starts afresh."""

from __future__ import annotations

from typing import Any

import pytest

from actions.handback import ActionHandedBack
from actions.runtime import Runtime
from actions.tone import ActionScoreTone
from bot.escalation import Thresholds
from tests.conftest import run_action
from tests.trackers import DEMO, tracker

ESCALATED = {
    "turns": 4,
    "trend": 0.7,
    "failures": 2,
    "repeats": 1,
    "last_intent": "payday",
    "offered": True,
    "declined": False,
    "offer_pending": False,
    "escalated": True,
    "timeline": [["angry", 0.8], ["angry", 0.9]],
    "scored": "1700000000.0:m4",
}


def handed_back(handback: Any, **slots: Any) -> Any:
    """The tracker as Rasa sends it after the handoff service's resume, slot event and trigger_intent."""
    t = tracker(
        "EXTERNAL_handed_back",
        "EXTERNAL: EXTERNAL_handed_back",
        slots={
            "handback": handback,
            "employee_first_name": "Alex",
            "escalation_state": ESCALATED,
            "escalation": {"decision": "escalate", "reason": "crisis", "evidence": {}, "crisis": True},
            "handoff_requested": True,
            "handoff_skill": "payroll",
            **slots,
        },
    )
    t.latest_message["intent"] = {"name": "EXTERNAL_handed_back"}  # no confidence: Rasa sends none
    return t


def slot_values(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def test_agent_hand_back_names_the_person_and_the_summary(rt: Runtime, domain: dict[str, Any]) -> None:
    value = {"agent_name": "Dana", "summary": "Corrected the tax code on your March payslip.", "reason": "agent"}
    _, messages = run_action(ActionHandedBack(), handed_back(value), domain)
    assert [m["text"] for m in messages] == [
        "Welcome back, Alex. Thanks for your patience: Dana from Payroll has handed you back to me. "
        "Summary: Corrected the tax code on your March payslip. What else can I help you with?"
    ]


def test_agent_hand_back_without_name_or_summary(rt: Runtime, domain: dict[str, Any]) -> None:
    value = {"agent_name": None, "summary": "", "reason": "agent"}
    _, messages = run_action(ActionHandedBack(), handed_back(value, handoff_skill=None), domain)
    text = messages[0]["text"]
    assert "Someone from our team has handed you back to me." in text and "Summary" not in text


@pytest.mark.parametrize(
    ("ticket", "expected"),
    [("7", "Your request #7 stays open with Payroll"), (None, "What you asked Payroll about stays on record")],
)
def test_cancelled_wait(ticket: str | None, expected: str, rt: Runtime, domain: dict[str, Any]) -> None:
    """The employee stopped waiting: back with the assistant, the request stays, a person any time."""
    value = {"agent_name": None, "summary": "", "reason": "cancelled"}
    _, messages = run_action(ActionHandedBack(), handed_back(value, handoff_ticket=ticket), domain)
    text = messages[0]["text"]
    assert text.startswith("Welcome back, Alex. You're back with me, the assistant.")
    assert expected in text and "ask for a person again any time" in text
    assert text.endswith("What else can I help you with?")


@pytest.mark.parametrize(
    ("ticket", "expected"),
    [
        ("7", "Your request #7 is with them, and a person will contact you within one working day."),
        (None, "You can ask for a person again any time."),
    ],
)
def test_nobody_available(ticket: str | None, expected: str, rt: Runtime, domain: dict[str, Any]) -> None:
    value = {"agent_name": None, "summary": "", "reason": "unavailable"}
    _, messages = run_action(ActionHandedBack(), handed_back(value, handoff_ticket=ticket), domain)
    text = messages[0]["text"]
    assert "nobody from Payroll could take this just now" in text and expected in text


@pytest.mark.parametrize("reason", ["agent", "cancelled", "unavailable"])
def test_bookkeeping_starts_afresh(reason: str, rt: Runtime, domain: dict[str, Any]) -> None:
    """Counters reset, no longer escalated, no second offer, the note that a person helped, the slot cleared."""
    value = {"agent_name": "Dana", "summary": "", "reason": reason}
    events, _ = run_action(ActionHandedBack(), handed_back(value), domain)
    values = slot_values(events)
    assert values["handoff_requested"] is False and values["handback"] is None and values["escalation"] is None
    assert values["handoff_skill"] is None
    state = values["escalation_state"]
    assert (state["turns"], state["trend"], state["failures"], state["repeats"]) == (0, 0.0, 0, 0)
    assert state["escalated"] is False and state["offered"] is True and state["human_helped"] is True
    assert state["timeline"] == ESCALATED["timeline"] and state["scored"] == ESCALATED["scored"]


def test_first_name_from_the_records_and_unknown_employees(rt: Runtime, domain: dict[str, Any]) -> None:
    value = {"agent_name": "Dana", "summary": "", "reason": "agent"}
    _, messages = run_action(ActionHandedBack(), handed_back(value, employee_first_name=None), domain)
    assert messages[0]["text"].startswith(f"Welcome back, {rt.store.profile(DEMO).first_name}.")
    anonymous = handed_back(value, employee_first_name=None, employee_id=None)
    anonymous.events[-1]["metadata"] = {}
    _, messages = run_action(ActionHandedBack(), anonymous, domain)
    assert messages[0]["text"].startswith("Welcome back. Thanks for your patience")


def test_malformed_handback_reads_as_a_plain_hand_back(rt: Runtime, domain: dict[str, Any]) -> None:
    _, messages = run_action(ActionHandedBack(), handed_back("garbage"), domain)
    assert "Someone from Payroll has handed you back to me." in messages[0]["text"]


def test_next_turn_after_hand_back_is_not_escalated_again(rt: Runtime, domain: dict[str, Any]) -> None:
    """Still a little upset after the person helped: no instant re-escalation and no second offer."""
    events, _ = run_action(
        ActionHandedBack(), handed_back({"agent_name": "Dana", "summary": "", "reason": "agent"}), domain
    )
    state = slot_values(events)["escalation_state"]
    tone = {"label": "frustrated", "distress": Thresholds().moderate + 0.05, "acute": False, "cues": []}
    t = tracker("payday", "still annoyed tbh, when is payday", slots={"escalation_state": state})
    t.latest_message["tone"] = tone
    scored, _ = run_action(ActionScoreTone(), t, domain)
    escalation = slot_values(scored)["escalation"]
    assert (escalation["decision"], escalation["reason"]) == ("continue", "already_offered")
    assert escalation["evidence"]["human_helped"] is True
    t = tracker("request_human", "actually can i have the person back", slots={"escalation_state": state})
    asked, _ = run_action(ActionScoreTone(), t, domain)
    assert slot_values(asked)["escalation"]["reason"] == "explicit_request"  # asking again still works
