"""Complaints about pay, expenses and leave, told from questions about them."""

from __future__ import annotations

import pytest

from actions.complaints import about_a_claim, complaint_words


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("my payslip is wrong again", "payslip"),
        ("the overtime is missing from my pay", "income"),
        ("I think I was underpaid this month", "income"),
        ("my salary didn't arrive on payday", "payday"),
        ("why was my expense claim rejected", "expense_claim"),
        ("my expense claim got denied and nobody told me why", "expense_claim"),
        ("my leave balance doesn't add up", "pto_balance"),
        ("is my payslip wrong again??", "payslip"),
        ("the tax on my payslip is incorrect", "taxes"),
    ],
)
def test_complaints(text: str, intent: str) -> None:
    assert complaint_words(text, intent)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("can I see my payslip", "payslip"),
        ("was my leave request rejected?", "pto_request_status"),
        ("is my payslip correct?", "payslip"),
        ("I want to claim a taxi receipt", "expense_claim"),
        ("my vpn keeps giving me an error", "vpn_issue"),  # a fault report: IT opens a ticket, no offer
        ("I got the wrong laptop charger", "hardware_issue"),
        ("when is payday", "payday"),
    ],
)
def test_questions_and_other_topics_are_no_complaint(text: str, intent: str) -> None:
    assert complaint_words(text, intent) == ()


def test_only_a_complaint_about_a_claim_is_kept_from_the_claim_form() -> None:
    assert about_a_claim("my expense claim got rejected", "expense_claim")
    assert not about_a_claim("I need to file an expense claim for a hotel", "expense_claim")
    assert not about_a_claim("my payslip is wrong", "payslip")
