"""Pure parsing of what employees type into form answers: dates, times, amounts, choices.

Everything takes ``today`` (or ``now``) as an argument, so the functions are deterministic.
"""

from __future__ import annotations

import datetime as dt
import re

MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
WEEKDAYS = {
    name: i
    for i, names in enumerate(
        [
            ("mon", "monday"),
            ("tue", "tues", "tuesday"),
            ("wed", "wednesday"),
            ("thu", "thur", "thurs", "thursday"),
            ("fri", "friday"),
            ("sat", "saturday"),
            ("sun", "sunday"),
        ]
    )
    for name in names
}

_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_WEEKDAY = "|".join(sorted(WEEKDAYS, key=len, reverse=True))
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_DATE_PATTERNS = [
    ("iso", re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")),
    ("slash", re.compile(r"\b(\d{1,2})/(\d{1,2})(?:/(\d{2,4}))?\b")),
    ("month_day", re.compile(rf"\b({_MONTH})\.?\s+{_DAY}\b(?:,?\s*(\d{{4}}))?")),
    ("day_month", re.compile(rf"\b{_DAY}\s+(?:of\s+)?({_MONTH})\b\.?(?:,?\s*(\d{{4}}))?")),
    ("relative_day", re.compile(r"\b(today|tomorrow|tmrw|day after tomorrow)\b")),
    (
        "named_day",
        re.compile(r"\b(christmas eve|xmas eve|christmas day|christmas|xmas|boxing day|new year'?s eve|nye)\b"),
    ),
    (
        "past_day",
        re.compile(rf"\b(day before yesterday|yesterday|(\d{{1,2}}|a|one|two|three) days? ago|last ({_WEEKDAY}))\b"),
    ),
    ("in_days", re.compile(r"\bin\s+(\d{1,3}|a|one|two|three)\s+(day|days|week|weeks)\b")),
    ("weekday", re.compile(rf"\b(next\s+|this\s+|on\s+)?({_WEEKDAY})\b")),
    ("next_week", re.compile(r"\bnext\s+week\b")),
]
_WORD_NUMBERS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
# The December days people book by name; "new year's eve" is matched without the apostrophe too.
NAMED_DAYS = {
    "christmas eve": (12, 24),
    "xmas eve": (12, 24),
    "christmas day": (12, 25),
    "christmas": (12, 25),
    "xmas": (12, 25),
    "boxing day": (12, 26),
    "new years eve": (12, 31),
    "nye": (12, 31),
}


def _future_year(month: int, day: int, today: dt.date, year: str | None) -> dt.date | None:
    try:
        if year:
            y = int(year)
            return dt.date(y + 2000 if y < 100 else y, month, day)
        candidate = dt.date(today.year, month, day)
        return candidate if candidate >= today - dt.timedelta(days=31) else dt.date(today.year + 1, month, day)
    except ValueError:
        return None


def _match_date(kind: str, m: re.Match[str], today: dt.date, day_first: bool = False) -> dt.date | None:
    if kind == "iso":
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    if kind == "slash":  # US order, month/day; day/month when the first number can't be a month (20/3),
        first, second = int(m.group(1)), int(m.group(2))  # or another date of the message is (24/12 to 02/01)
        if (first > 12 or day_first) and second <= 12:
            first, second = second, first
        return _future_year(first, second, today, m.group(3))
    if kind == "month_day":
        return _future_year(MONTHS[m.group(1)], int(m.group(2)), today, m.group(3))
    if kind == "day_month":
        return _future_year(MONTHS[m.group(2)], int(m.group(1)), today, m.group(3))
    if kind == "relative_day":
        word = m.group(1)
        return today + dt.timedelta(days={"today": 0, "tomorrow": 1, "tmrw": 1}.get(word, 2))
    if kind == "named_day":
        return _future_year(*NAMED_DAYS[m.group(1).replace("'", "")], today, None)
    if kind == "past_day":  # for sick days logged afterwards
        if m.group(2):
            return today - dt.timedelta(days=_WORD_NUMBERS.get(m.group(2)) or int(m.group(2)))
        if m.group(3):
            return today - dt.timedelta(days=(today.weekday() - WEEKDAYS[m.group(3)]) % 7 or 7)
        return today - dt.timedelta(days=2 if m.group(1).startswith("day before") else 1)
    if kind == "in_days":
        n = _WORD_NUMBERS.get(m.group(1)) or int(m.group(1))
        return today + dt.timedelta(days=n * (7 if m.group(2).startswith("week") else 1))
    if kind == "weekday":
        target = WEEKDAYS[m.group(2)]
        ahead = (target - today.weekday()) % 7
        if (m.group(1) or "").strip() == "next" and ahead == 0:
            ahead = 7
        return today + dt.timedelta(days=ahead)
    if kind == "next_week":
        return today + dt.timedelta(days=7 - today.weekday())
    return None


_TO = r"\s*(?:-|–|to|through|thru|till|until|and|&)\s*(?:the\s+)?"
_RANGES = [  # "april 6-8", "6 to 8 april", "the 18th and 19th of january": two dates sharing one month
    ("month_range", re.compile(rf"\b({_MONTH})\.?\s+{_DAY}{_TO}{_DAY}\b(?:,?\s*(\d{{4}}))?")),
    ("range_month", re.compile(rf"\b{_DAY}{_TO}{_DAY}\s+(?:of\s+)?({_MONTH})\b\.?(?:,?\s*(\d{{4}}))?")),
]
_ORDINAL = re.compile(r"\b(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)\b")  # "the 20th": the month comes from context


def _range(kind: str, m: re.Match[str], today: dt.date) -> list[dt.date]:
    if kind == "month_range":
        month, first, last, year = MONTHS[m.group(1)], int(m.group(2)), int(m.group(3)), m.group(4)
    else:
        first, last, month, year = int(m.group(1)), int(m.group(2)), MONTHS[m.group(3)], m.group(4)
    start = _future_year(month, first, today, year)
    if start is None:
        return []
    end = _ordinal_day(last, start, today)  # "april 30-2" ends on 2 May
    return [start, end] if end is not None else [start]


def _ordinal_day(
    day: int, previous: dt.date | None, today: dt.date, following: dt.date | None = None
) -> dt.date | None:
    """ "the 8th" after "april 6" is 8 April; before "the 12th of january" (and no date before it), that
    month's; alone, the next such day from today."""
    if previous is None and following is not None:
        try:
            candidate = following.replace(day=day)
        except ValueError:
            candidate = None
        if candidate is not None and today <= candidate <= following:
            return candidate
    anchor = previous or today
    for months_ahead in range(3):
        month_index = anchor.month - 1 + months_ahead
        year, month = anchor.year + month_index // 12, month_index % 12 + 1
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            continue
        if candidate >= anchor:
            return candidate
    return None


def find_dates(text: str, today: dt.date) -> list[dt.date]:
    """Every date mentioned in ``text``, in the order written.

    A weekday written after another date is the next such day after it ("monday to wednesday" is
    Monday to the Wednesday after it, not the Wednesday before)."""
    lowered = text.lower()
    found: list[tuple[int, int, dt.date, str]] = []

    def taken(m: re.Match[str]) -> bool:
        return any(s <= m.start() < e or s < m.end() <= e for s, e, _, _ in found)

    for kind, pattern in _RANGES:
        for m in pattern.finditer(lowered):
            if not taken(m):
                found += [(m.start(), m.end(), d, kind) for d in _range(kind, m, today)]
    slashes = [m for kind, pattern in _DATE_PATTERNS if kind == "slash" for m in pattern.finditer(lowered)]
    day_first = any(int(m.group(1)) > 12 for m in slashes)  # "24/12 to 02/01": the second is 2 January too
    for kind, pattern in _DATE_PATTERNS:
        for m in pattern.finditer(lowered):
            if taken(m):
                continue  # already covered by a more specific pattern
            day = _match_date(kind, m, today, day_first)
            if day is not None:
                found.append((m.start(), m.end(), day, kind))
    for m in _ORDINAL.finditer(lowered):
        if not taken(m):
            before = [d for s, _, d, _ in sorted(found) if s < m.start()]
            after = [d for s, _, d, _ in sorted(found) if s >= m.end()]
            day = _ordinal_day(int(m.group(1)), before[-1] if before else None, today, after[0] if after else None)
            if day is not None:
                found.append((m.start(), m.end(), day, "ordinal"))
    dates: list[dt.date] = []
    for _, _, day, kind in sorted(found, key=lambda f: f[0]):  # stable: a range keeps its order
        if kind == "weekday" and dates:  # the first such day after the date before it, in the past too:
            day = dates[-1] + dt.timedelta(days=(day.weekday() - dates[-1].weekday()) % 7 or 7)
        dates.append(day)  # "off sick last thursday and friday" is 3-4 Dec, not 3-11 Dec
    return dates


_DURATION = re.compile(
    r"(?<!\bin )\b(?:for\s+)?(\d{1,2}|a|one|two|three|four|five)\s+(?:full\s+)?(working\s+days?|days?|weeks?)\b(?!\s+ago)"
)


def duration_end(text: str, start: dt.date) -> dt.date | None:
    """The last day of "2 weeks starting monday" or "3 days from the 14th": weeks end the day before the same
    weekday (the Friday, when that is a weekend day), days count working days (weekends skipped). None
    without a length, or for one longer than leave booked here (8 weeks, 40 days)."""
    m = _DURATION.search(text.lower())
    if not m:
        return None
    n = _WORD_NUMBERS.get(m.group(1)) or int(m.group(1))
    if m.group(2).startswith("week"):
        if n > 8:
            return None
        end = start + dt.timedelta(days=7 * n - 1)
        while end.weekday() >= 5 and end > start:
            end -= dt.timedelta(days=1)
        return end
    if n > 40:
        return None
    end, left = start, n - 1
    while left > 0:
        end += dt.timedelta(days=1)
        left -= end.weekday() < 5
    return end


def parse_date(text: str, today: dt.date) -> dt.date | None:
    """The first date in ``text``, or None."""
    dates = find_dates(text, today)
    return dates[0] if dates else None


_TIME = re.compile(r"\b(?:at\s+)?(\d{1,2})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?(?=\s|$|[,.!?])")
_NAMED_TIMES = {
    "noon": (12, 0),
    "midday": (12, 0),
    "lunchtime": (12, 30),
    "morning": (9, 30),
    "afternoon": (14, 0),
    "end of day": (16, 30),
}


def parse_time(text: str) -> tuple[int, int] | None:
    """An hour and minute from '2pm', '14:30', 'at 10', 'noon'; None if there is no clock time."""
    lowered = text.lower()
    best: tuple[int, int] | None = None
    for m in _TIME.finditer(lowered):
        hour, minute, meridiem = int(m.group(1)), int(m.group(2) or 0), (m.group(3) or "").replace(".", "")
        if not meridiem and m.group(2) is None and not m.group(0).startswith("at"):
            continue  # a bare number is more likely a day or a count than a time
        if hour > 23 or minute > 59:
            continue
        if meridiem == "pm" and hour < 12:
            hour += 12
        elif meridiem == "am" and hour == 12:
            hour = 0
        elif not meridiem and 1 <= hour <= 6:
            hour += 12  # "at 3" in an office means the afternoon
        best = (hour, minute)
        break
    if best is None:
        for phrase, value in _NAMED_TIMES.items():
            if phrase in lowered:
                return value
    return best


def parse_datetime(text: str, now: dt.datetime) -> dt.datetime | None:
    """A meeting time: a date (default today) and a clock time, which is required."""
    clock = parse_time(without_dates(text))
    if clock is None:
        return None
    day = parse_date(text, now.date()) or now.date()
    moment = dt.datetime.combine(day, dt.time(*clock))
    if moment < now and parse_date(text, now.date()) is None:
        moment += dt.timedelta(days=1)  # "at 9am" said in the afternoon means tomorrow
    return moment


def without_dates(text: str) -> str:
    """The text, lowercased, with calendar dates ('3 march', '12/5', '2026-03-03') blanked out."""
    lowered = text.lower()
    for _, pattern in _DATE_PATTERNS[:4]:
        lowered = pattern.sub(" ", lowered)
    return lowered


_LEAVE_WORDS = [
    ("sick", ("sick", "ill", "unwell", "doctor", "medical", "flu", "covid")),
    ("personal", ("personal", "family matter", "errand", "moving day")),
    # Not "time off" or "days off": those could be any kind, and the form asks rather than presume vacation.
    ("vacation", ("vacation", "vacay", "holiday", "pto", "annual leave", "trip")),
]


def leave_type_from_text(text: str) -> str | None:
    """vacation / sick / personal from the words used, or None."""
    lowered = text.lower()
    for kind, words in _LEAVE_WORDS:
        if any(re.search(rf"\b{re.escape(w)}\b", lowered) for w in words):
            return kind
    return None


_EXPENSE_WORDS = [
    ("travel", ("travel", "flight", "train", "taxi", "uber", "lyft", "hotel", "mileage", "parking", "airfare", "car")),
    ("meals", ("meal", "meals", "lunch", "dinner", "breakfast", "food", "coffee", "restaurant", "client dinner")),
    ("equipment", ("equipment", "monitor", "keyboard", "mouse", "laptop", "headset", "chair", "desk", "cable")),
    ("training", ("training", "course", "conference", "certification", "book", "books", "workshop", "ticket")),
    ("other", ("other", "something else", "misc", "miscellaneous")),
]


def expense_category_from_text(text: str) -> str | None:
    lowered = text.lower()
    for kind, words in _EXPENSE_WORDS:
        if any(re.search(rf"\b{re.escape(w)}\b", lowered) for w in words):
            return kind
    return None


_TICKET = re.compile(r"(?:#|\b(?:inc|ticket|req|request|case)[\s#-]*)(\d{1,7})\b", re.IGNORECASE)


def ticket_number(text: str) -> int | None:
    m = _TICKET.search(text)
    return int(m.group(1)) if m else None


_MONTH_WORD = "|".join(sorted((m for m in MONTHS if m != "may"), key=len, reverse=True))
# "May" is also a verb ("may I see my payslip"): a month only after "for/in/from/..." or before "payslip".
_MONTH_MENTION = re.compile(
    rf"\b(?:(?P<month>{_MONTH_WORD})\b\.?|(?:for|in|from|of|last|this|during)\s+(?P<may1>may)\b|"
    r"(?P<may2>may)(?='s|\s+(?:pay|payslip|payslips|pay\s?stub|salary|paycheck|\d{4})\b))",
    re.IGNORECASE,
)


def month_named(text: str) -> int | None:
    """The month a message asks about ("payslip for october"), or None."""
    m = _MONTH_MENTION.search(text or "")
    if m is None:
        return None
    return MONTHS[(m.group("month") or "may").lower()]


_FOUR_DIGITS = re.compile(r"(?<![\d.,$€£])(\d{4})(?!\d|[.,]\d|\s*(?:%|dollars?|am|pm)\b)")
# "since 2019", "back in 2024", "march 2025": a year, not the code asked for
_YEAR_BEFORE = re.compile(rf"\b(?:in|since|from|year|of|until|till|before|after|({_MONTH}))\.?\s*$", re.IGNORECASE)


def four_digits(text: str) -> str | None:
    """The four digits answered ("4821", "it's 48 21"), skipping years ("I've had it since 2019") and money."""
    joined = re.sub(r"(?<=\d) (?=\d)", "", text)
    for m in _FOUR_DIGITS.finditer(joined):
        if not (m.group(1)[:2] in ("19", "20") and _YEAR_BEFORE.search(joined[: m.start()])):
            return m.group(1)
    return None


_NAME_STOPWORDS = frozenset(
    [
        "1:1",
        "a",
        "about",
        "afternoon",
        "am",
        "an",
        "and",
        "arrange",
        "at",
        "book",
        "call",
        "can",
        "catch",
        "chat",
        "could",
        "do",
        "for",
        "hour",
        "how",
        "i",
        "in",
        "invite",
        "is",
        "it",
        "let's",
        "like",
        "me",
        "meet",
        "meeting",
        "minutes",
        "morning",
        "my",
        "need",
        "next",
        "noon",
        "of",
        "on",
        "one",
        "one-on-one",
        "please",
        "pm",
        "quick",
        "schedule",
        "set",
        "slot",
        "sync",
        "talk",
        "the",
        "this",
        "time",
        "to",
        "today",
        "tomorrow",
        "up",
        "want",
        "week",
        "with",
        "would",
        "you",
    ]
)


def person_name(text: str) -> str:
    """The words of ``text`` that can be a colleague's name ('meet with Jordan Lee' -> 'jordan lee')."""
    words = re.findall(r"[A-Za-z][A-Za-z'\-]+", text)
    return " ".join(
        w for w in words if w.lower() not in _NAME_STOPWORDS and w.lower() not in WEEKDAYS and w.lower() not in MONTHS
    ).strip()
