"""Reading IT faults from free text: the kind of ticket, the broken thing, and requests to open one."""

from __future__ import annotations

import datetime as dt

import pytest

from actions.it_tickets import (
    asks_how_to_get,
    asks_to_close,
    asks_to_open_ticket,
    describes_problem,
    fault_category,
    open_ticket_for,
    things_named,
)
from bot.db.store import TicketRecord

NOW = dt.datetime(2026, 3, 9, 9, 0)


def ticket(id: int, category: str, summary: str) -> TicketRecord:
    return TicketRecord(id, category, summary, "open", NOW, NOW)


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ("my monitor keeps flickering, can u open a ticket", True),
        ("please raise an IT ticket for this", True),
        ("could you log a new ticket", True),
        ("open a support case for my laptop", True),
        ("what's the status of my ticket", False),
        ("is ticket 42 open yet", False),
        ("any news on the case I opened", False),
        ("", False),
    ],
)
def test_requests_to_open_a_ticket(text: str, wanted: bool) -> None:
    assert asks_to_open_ticket(text) is wanted


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ("can you open a ticket for me please", False),
        ("open a ticket", False),
        ("my monitor keeps flickering, can u open a ticket", True),
        ("open a ticket, the printer on floor 3 is jammed", True),
    ],
)
def test_whether_a_problem_is_described(text: str, wanted: bool) -> None:
    assert describes_problem(text) is wanted


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("the vpn keeps dropping", "vpn"),
        ("I need access to Salesforce", "access"),
        ("my screen flickers", "hardware"),
        ("the docking station doesn't charge my laptop", "hardware"),
        ("outlook keeps crashing", "it"),
        ("something is wrong", "it"),
    ],
)
def test_fault_categories(text: str, category: str) -> None:
    assert fault_category(text) == category


def test_names_of_the_same_thing_are_one_thing() -> None:
    assert things_named("the screen is black") == things_named("Monitor broken") == {"monitor"}
    assert things_named("in a word, my keys are lost") == frozenset()
    assert things_named("x" * 50_000) == frozenset()


def test_a_report_adds_to_the_open_ticket_only_when_it_is_about_the_same_thing() -> None:
    tickets = [ticket(3, "hardware", "monitor keeps flickering"), ticket(2, "access", "need Jira access")]
    assert open_ticket_for(tickets, "hardware", "the screen is flickering again") == tickets[0]
    assert open_ticket_for(tickets, "hardware", "it's still doing it") == tickets[0]
    assert open_ticket_for(tickets, "hardware", "my keyboard stopped working") is None
    assert open_ticket_for(tickets, "access", "I also need access to Salesforce") is None
    assert open_ticket_for(tickets, "access", "still no jira access") == tickets[1]
    assert open_ticket_for(tickets, "vpn", "vpn down") is None


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ("where do I get my laptop?", True),
        ("when will I receive my monitor", True),
        ("how do I request a second screen", True),
        ("who do I collect my badge from", True),
        ("how do i get my laptop fixed, it won't boot", False),
        ("my laptop is broken, where do I get a new one", False),
        ("my headset stopped working", False),
    ],
)
def test_asking_how_equipment_is_issued_is_no_fault(text: str, wanted: bool) -> None:
    assert asks_how_to_get(text) is wanted


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ("close it, it's working now", True),
        ("you can close my ticket, the printer works again", True),
        ("please close ticket INC-5512", True),
        ("cancel my it ticket please", True),
        ("mark it as resolved", True),
        ("i don't need the ticket anymore", True),
        ("no need for that request now", True),
        ("close ticket #208", True),
        ("excel freezes and I can't close it", False),  # a fault report that ends in "close it"
        ("the app won't close", False),
        ("close this window keeps popping up", False),
        ("my ticket was closed but the issue isn't fixed", False),
        ("when will my ticket be resolved", False),
        ("cancel my leave next friday", False),
        ("", False),
    ],
)
def test_asking_to_close_a_ticket(text: str, wanted: bool) -> None:
    assert asks_to_close(text) is wanted
