"""Money amounts in what employees type: dates and ordinals are never the amount, marked money wins."""

from __future__ import annotations

from decimal import Decimal

import pytest

from actions.money import corrected_amount, marked_amount, parse_amount


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$45.20", "45.20"),
        ("1,200 dollars", "1200"),
        ("it was 60", "60"),
        ("taxi on the 3rd, $54", "54"),  # the day was read as the amount
        ("lunch on march 3 was 54", "54"),
        ("54 for lunch on 3/12", "54"),
        ("meeting at 3pm cost 45", "45"),
        ("20% tip on 50", "50"),
        ("2 nights at the hotel, $240", "240"),
        ("5 km taxi 18", "18"),
        ("1.5k for the conference", "1500"),
        ("2k", "2000"),
        ("€12,50", "12.50"),
        ("12,50 eur", "12.50"),
        ("1.200,50 €", "1200.50"),
        ("about 30 quid", "30"),
        ("it was $54.", "54"),
        ("-45", None),  # a refund is not a claim
        ("$-45", None),
        ("1.2.3", None),
        ("zero", None),
        ("0", None),
        ("", None),
    ],
)
def test_parse_amount(text: str, expected: str | None) -> None:
    assert parse_amount(text) == (Decimal(expected) if expected else None)


def test_only_money_marked_as_money_opens_a_claim_with_an_amount() -> None:
    assert marked_amount("claim €54 for a taxi") == Decimal(54)
    assert marked_amount("claim my 2 taxis") is None and marked_amount("claim -$5") is None
    assert marked_amount("I need to claim 86.40 for a taxi") == Decimal("86.40")  # cents: money


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("actually it was $54", "54"),
        ("sorry, 54 not 45", "54"),
        ("$54", "54"),
        ("make it 45.50", "45.50"),
        ("taxi to the airport, $54", None),  # a description that mentions the amount
        ("3 nights in the hotel", None),
        ("lunch with a client", None),
    ],
)
def test_a_correction_names_a_new_amount(text: str, expected: str | None) -> None:
    assert corrected_amount(text) == (Decimal(expected) if expected else None)
