"""Parsing of form answers: dates, times, amounts and choices, against a fixed 'today'."""

import datetime as dt

import pytest

from actions.parsing import (
    duration_end,
    expense_category_from_text,
    find_dates,
    four_digits,
    leave_type_from_text,
    parse_date,
    parse_datetime,
    person_name,
    ticket_number,
)

TUESDAY = dt.date(2026, 3, 10)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-04-02", dt.date(2026, 4, 2)),
        ("from April 2nd", dt.date(2026, 4, 2)),
        ("2 april", dt.date(2026, 4, 2)),
        ("the 2nd of April", dt.date(2026, 4, 2)),
        ("4/2", dt.date(2026, 4, 2)),
        ("tomorrow", dt.date(2026, 3, 11)),
        ("today", TUESDAY),
        ("friday", dt.date(2026, 3, 13)),
        ("next tuesday", dt.date(2026, 3, 17)),
        ("in 3 days", dt.date(2026, 3, 13)),
        ("in two weeks", dt.date(2026, 3, 24)),
        ("next week", dt.date(2026, 3, 16)),
        ("january 5", dt.date(2027, 1, 5)),  # already past this year: the next one
        ("Jan 5, 2026", dt.date(2026, 1, 5)),
        ("yesterday", dt.date(2026, 3, 9)),  # sick days are logged afterwards
        ("the day before yesterday", dt.date(2026, 3, 8)),
        ("3 days ago", dt.date(2026, 3, 7)),
        ("a day ago", dt.date(2026, 3, 9)),
        ("last friday", dt.date(2026, 3, 6)),
        ("last tuesday", dt.date(2026, 3, 3)),  # a week ago, not today
    ],
)
def test_parse_date_understands_common_forms(text: str, expected: dt.date) -> None:
    """Dates are read the way people write them, relative to today."""
    assert parse_date(text, TUESDAY) == expected


@pytest.mark.parametrize("text", ["", "whenever", "😀😀", "31 february", "2026-13-40", "x" * 10_000])
def test_parse_date_returns_none_for_no_date(text: str) -> None:
    """Nonsense and impossible dates give None, never an exception."""
    assert parse_date(text, TUESDAY) is None


def test_find_dates_keeps_the_written_order() -> None:
    """A range written 'from A to B' gives A then B."""
    assert find_dates("from april 6 to april 10", TUESDAY) == [dt.date(2026, 4, 6), dt.date(2026, 4, 10)]


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("monday to wednesday", dt.date(2026, 3, 16), dt.date(2026, 3, 18)),  # was Wednesday the 11th
        ("off sick last thursday and friday", dt.date(2026, 3, 5), dt.date(2026, 3, 6)),  # was 5-13 March
        ("yesterday and today", dt.date(2026, 3, 9), TUESDAY),
        ("mon-wed", dt.date(2026, 3, 16), dt.date(2026, 3, 18)),
        ("friday to monday", dt.date(2026, 3, 13), dt.date(2026, 3, 16)),
        ("april 6-8", dt.date(2026, 4, 6), dt.date(2026, 4, 8)),
        ("6 to 8 april", dt.date(2026, 4, 6), dt.date(2026, 4, 8)),
        ("april 30-2", dt.date(2026, 4, 30), dt.date(2026, 5, 2)),
        ("april 6 to the 8th", dt.date(2026, 4, 6), dt.date(2026, 4, 8)),
        ("from the 20th to the 24th", dt.date(2026, 3, 20), dt.date(2026, 3, 24)),
        ("from the 3rd to the 5th", dt.date(2026, 4, 3), dt.date(2026, 4, 5)),  # the 3rd has passed this month
        # Found by QA: the first ordinal took this month, and one slash date was read each way (a month off).
        ("book the 18th and 19th of may off", dt.date(2026, 5, 18), dt.date(2026, 5, 19)),
        ("the 18th to the 22nd of may", dt.date(2026, 5, 18), dt.date(2026, 5, 22)),
        ("vacation from 24/12 to 02/01", dt.date(2026, 12, 24), dt.date(2027, 1, 2)),
        ("12/24 to 01/02", dt.date(2026, 12, 24), dt.date(2027, 1, 2)),
        ("off the 20th, and also the 3rd of may", dt.date(2026, 3, 20), dt.date(2026, 5, 3)),
    ],
)
def test_ranges_the_way_people_write_them(text: str, first: dt.date, last: dt.date) -> None:
    assert find_dates(text, TUESDAY) == [first, last]


def test_day_first_slashes_when_the_first_number_cannot_be_a_month() -> None:
    assert parse_date("20/3", TUESDAY) == dt.date(2026, 3, 20)
    assert parse_date("3/4", TUESDAY) == dt.date(2026, 3, 4)  # US order (month/day) when it could be either


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tomorrow at 2pm", dt.datetime(2026, 3, 11, 14, 0)),
        ("friday 10:30", dt.datetime(2026, 3, 13, 10, 30)),
        ("at 3", dt.datetime(2026, 3, 10, 15, 0)),
        ("april 2 at noon", dt.datetime(2026, 4, 2, 12, 0)),
        ("at 9am", dt.datetime(2026, 3, 11, 9, 0)),  # 9am has passed today: tomorrow
    ],
)
def test_parse_datetime(text: str, expected: dt.datetime) -> None:
    """Meeting times need a clock time; the day defaults to the next possible one."""
    assert parse_datetime(text, dt.datetime(2026, 3, 10, 10, 0)) == expected


def test_parse_datetime_needs_a_time() -> None:
    """A day alone is not a meeting time."""
    assert parse_datetime("next friday", dt.datetime(2026, 3, 10, 10, 0)) is None


def test_choices_from_words() -> None:
    """Leave types, expense categories, ticket numbers, codes and names come from plain words."""
    assert leave_type_from_text("I'm sick") == "sick"
    assert leave_type_from_text("some annual leave please") == "vacation"
    assert leave_type_from_text("some time off please") is None  # any kind: the form asks which
    assert leave_type_from_text("hello") is None
    assert expense_category_from_text("a taxi to the airport") == "travel"
    assert expense_category_from_text("client dinner") == "meals"
    assert ticket_number("any news on INC-2041?") == 2041
    assert ticket_number("ticket #17") == 17
    assert ticket_number("my ticket") is None
    assert four_digits("it's 48 21") == "4821"
    assert four_digits("12345") is None
    assert person_name("set up a meeting with Jordan Lee tomorrow at 3pm") == "Jordan Lee"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("4821", "4821"),
        ("it's 48 21", "4821"),
        ("ends in 4821", "4821"),
        ("555-123-4567", "4567"),
        ("since 2019, and the code is 4821", "4821"),
        ("i've had this password since 2019", None),  # a year, not a guess
        ("march 2025", None),
        ("12345", None),
        ("$1234", None),
        ("1234.50", None),
    ],
)
def test_four_digits_skips_years_money_and_longer_numbers(text: str, code: str | None) -> None:
    assert four_digits(text) == code


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("christmas eve", dt.date(2026, 12, 24)),
        ("xmas", dt.date(2026, 12, 25)),
        ("boxing day", dt.date(2026, 12, 26)),
        ("new year's eve", dt.date(2026, 12, 31)),
    ],
)
def test_named_days(text: str, expected: dt.date) -> None:
    """'christmas eve' was no date at all."""
    assert parse_date(f"can i take {text} off", TUESDAY) == expected


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2 weeks starting monday", dt.date(2026, 3, 16), dt.date(2026, 3, 27)),  # to the Friday
        ("a week from the 18th", dt.date(2026, 3, 18), dt.date(2026, 3, 24)),
        ("3 days from friday", dt.date(2026, 3, 13), dt.date(2026, 3, 17)),  # working days: Fri, Mon, Tue
        ("for 1 day on friday", dt.date(2026, 3, 13), dt.date(2026, 3, 13)),
        ("friday, in 3 days", dt.date(2026, 3, 13), None),  # "in 3 days" is a date, not a length
        ("20 weeks from monday", dt.date(2026, 3, 16), None),  # too long to be leave booked here
    ],
)
def test_a_length_gives_the_last_day(text: str, start: dt.date, end: dt.date | None) -> None:
    """ "2 weeks starting monday" took only the Monday and asked for the last day."""
    assert find_dates(text, TUESDAY)[0] == start
    assert duration_end(text, start) == end
