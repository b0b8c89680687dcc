"""Asking for a person in words, whatever the intent classifier made of the rest of the message."""

from __future__ import annotations

import pytest

from bot.person_request import asks_for_person, team_named


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
        "you're useless, get me someone who knows what they're doing",
        "can you escalate this",
        "the build is dead again, can someone from IT look at it",
        # A team by name, and curt ways (found by QA)
        "I want to talk to payroll",
        "connect me with the payroll team",
        "pls get me IT support, my laptop wont boot",
        "i need a payroll person, my tax withholding is wrong",
        "no bot. person.",
        "Is there anybody I can call about this?",
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
        "can someone help me reset my password",  # the bot can: no team named
        "how do I escalate this to my manager",
        "I don't want to escalate this",
        "can you send me to the HR portal",
        "how do I talk to HR about a raise",
        "I talked to payroll yesterday",
    ],
)
def test_not_asking_for_a_person(text: str) -> None:
    assert not asks_for_person(text)


@pytest.mark.parametrize(
    ("text", "team"),
    [
        ("can someone from payroll call me", "payroll"),
        ("speak to someone in the finance team please", "payroll"),
        ("i want to talk to someone in IT", "it"),
        ("i want to talk to someone from it", "it"),
        ("put me through to a tech support agent", "it"),
        ("put me through to an HR person", "hr"),
        ("i need a real person", None),  # the topic decides
        ("can someone help, i've been stuck on it for hours", None),
        ("can i talk to a human in it please", None),  # "in it": not the team
        ("my payslip from payroll is wrong", None),  # no person asked for
        ("I want to talk to payroll", "payroll"),
        ("connect me with the payroll team", "payroll"),
        ("pls get me IT support, my laptop wont boot", "it"),
        ("i need a payroll person, my tax withholding is wrong", "payroll"),
    ],
)
def test_the_team_a_request_names(text: str, team: str | None) -> None:
    """'can someone from payroll call me' went to the HR queue: the topic (a request for a person) said HR."""
    assert team_named(text) == team
