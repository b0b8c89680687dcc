"""Asking for a person in words, whatever the intent classifier made of the rest of the message."""

from __future__ import annotations

import pytest

from bot.person_request import asks_for_person


@pytest.mark.parametrize(
    "text",
    [
        "i need to speak to someone in payroll about my payslip, its wrong",
        "can i talk to a person from IT? my vpn is broken again",
        "my payslip is wrong and I want to speak to a real person",
        "Can I speak with someone in HR",
        "I'd like to talk to one of your advisors",
        "put me through to an agent please",
        "please connect me with someone",
        "can someone from payroll call me?",
        "I want a human",
        "no, I want to speak to a person",
        "I’d rather talk to a human",
        "my payslip is not right I need to talk to someone",
        "the app does not work so I want to talk to someone",
        "I do not understand can someone call me",
    ],
)
def test_asking_for_a_person(text: str) -> None:
    assert asks_for_person(text)


@pytest.mark.parametrize(
    "text",
    [
        "I talked to someone yesterday and they said it was fixed",
        "my manager spoke to someone in HR",
        "I don't need to speak to anyone",
        "I don't want to talk to a person, just tell me my balance",
        "no need to talk to someone, I found it",
        "the person on the phone was rude",
        "someone called me yesterday",
        "how do I add a new person to the team",
        "I want a refund",
        "",
        "talk " * 5000,
        "do I need to speak to someone in HR to change my address",
        "I'll speak to someone in HR tomorrow",
        "I want to talk to a colleague about swapping shifts",
        "did someone call me yesterday",
        "why did someone from HR email me",
        "we need a person to cover reception on friday",
        "do I need a person to sign off my expenses",
    ],
)
def test_not_asking_for_a_person(text: str) -> None:
    assert not asks_for_person(text)
