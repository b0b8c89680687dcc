"""Follow-ups ("and september?") and the same question about something else, from text and trackers."""

from __future__ import annotations

from typing import Any

import pytest

from actions.follow_up import answered_last_turn, follow_up_intent, read_message
from tests.trackers import tracker


@pytest.mark.parametrize(
    ("text", "intent", "confidence", "answered", "expected"),
    [
        ("and september?", "out_of_scope", 0.33, "payslip", "payslip"),
        ("what about sick days?", "pto_request", 0.57, "pto_balance", "pto_balance"),
        ("how about personal days", "pto_request", 0.30, "pto_used", "pto_used"),
        ("ok and ticket 12?", "ticket_status", 0.9, "ticket_status", "ticket_status"),
        ("what about my w2", "w2", 0.99, "payslip", None),  # a question of its own
        ("and the one before?", "out_of_scope", 0.44, "payslip", None),  # names nothing to answer differently
        ("and september?", "out_of_scope", 0.33, "payday", None),  # payday does not depend on a month
        ("and september?", "out_of_scope", 0.33, None, None),  # the last reply was no answer
        ("september", "out_of_scope", 0.33, "payslip", None),  # no follow-up opener
        ("and what about my payslip for september and october and the rest", "payslip", 0.9, "pto_balance", None),
        ("", None, 0.0, "payslip", None),
    ],
)
def test_follow_ups(text: str, intent: str | None, confidence: float, answered: str | None, expected: Any) -> None:
    assert follow_up_intent(text, intent, confidence, answered) == expected


def test_the_same_question_about_something_else_is_no_repeat() -> None:
    assert read_message("payslip for september", "payslip", 0.9, "payslip", "payslip for october").new_details
    assert not read_message("payslip for october", "payslip", 0.9, "payslip", "payslip for october").new_details
    assert not read_message("payslip??", "payslip", 0.9, "payslip", "where is my payslip").new_details
    sick = read_message("what about sick days?", "pto_request", 0.57, "pto_balance", "vacation days left?")
    assert (sick.intent, sick.confidence, sick.follow_up, sick.new_details) == ("pto_balance", 1.0, True, True)


def test_only_an_answer_in_the_previous_turn_counts() -> None:
    answered_then: list[dict[str, Any]] = [
        {"event": "user", "text": "payslip for october", "parse_data": {"intent": {"name": "payslip"}}},
        {"event": "action", "name": "action_answer"},
        {"event": "slot", "name": "answered_intent", "value": "payslip"},
        {"event": "action", "name": "action_listen"},
    ]
    t = tracker("out_of_scope", "and september?", events=answered_then, slots={"answered_intent": "payslip"})
    assert answered_last_turn(t) == ("payslip", "payslip for october")
    later = [*answered_then, {"event": "user", "text": "hi"}, {"event": "action", "name": "utter_greet"}]
    t = tracker("out_of_scope", "and september?", events=later, slots={"answered_intent": "payslip"})
    assert answered_last_turn(t) == (None, "hi")


def test_a_complaint_about_a_claim_is_answered_with_the_claims() -> None:
    """'my expense claim got rejected' started a new claim form."""
    reading = read_message("my expense claim got rejected, why?", "expense_claim", 0.9, None, "")
    assert (reading.intent, reading.follow_up) == ("expense_status", True)
    new_claim = read_message("I want to claim a hotel bill", "expense_claim", 0.9, None, "")
    assert (new_claim.intent, new_claim.follow_up) == ("expense_claim", False)
