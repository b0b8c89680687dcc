"""Reading a money amount out of what an employee typed, for expense claims.

"Taxi on the 3rd, $54" is $54, not 3: a number marked as money (a currency sign or word, or cents) wins over a
bare one, and dates, ordinals, times and percentages are never amounts. Thousands separators and a
decimal comma are both read ("1,200", "12,50", "1.200,50"), as is "1.5k". A negative amount is no
amount: refunds are not claims.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from actions.parsing import without_dates

_SIGN = r"\$|€|£|usd|eur|gbp"
_WORD = r"dollars?|bucks|usd|euros?|eur|pounds?|gbp|quid|\$|€|£"
_UNITS = r"(?:km|kms|miles?|mi|nights?|days?|hours?|hrs?|people|persons?|items?|times|x)"
_CANDIDATE = re.compile(
    rf"(?P<minus>-\s*)?(?P<pre>{_SIGN})?\s*(?P<minus2>-\s*)?(?<![\w.,])(?P<num>\d[\d,.]*\d|\d)"
    rf"(?P<k>\s*k\b)?(?:\s*(?P<post>{_WORD})(?![a-z]))?(?P<tail>st\b|nd\b|rd\b|th\b|\s*%|\s*(?:am|pm)\b|:\d|\s*{_UNITS}\b)?",
    re.IGNORECASE,
)
_CORRECTION = re.compile(r"\b(actually|sorry|oops|i meant|meant|it was|it's|make it|should be|not)\b", re.IGNORECASE)


def _number(raw: str) -> Decimal | None:
    """'1,200' 1200, '12,50' 12.50, '1.200,50' 1200.50, '45.2' 45.20; anything else None."""
    if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d{1,2})?|\d+(\.\d{1,2})?", raw):
        text = raw.replace(",", "")
    elif re.fullmatch(r"\d{1,3}(\.\d{3})+(,\d{1,2})?|\d+,\d{1,2}", raw):
        text = raw.replace(".", "").replace(",", ".")
    else:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _candidates(text: str) -> list[tuple[bool, Decimal | None]]:
    """(marked as money, value or None when unreadable or negative) for each number that is not a date."""
    found = []
    for m in _CANDIDATE.finditer(without_dates(text)):
        if m.group("tail"):
            continue  # the 3rd, 3pm, 10:30, 20%
        value = _number(m.group("num"))
        if value is not None and m.group("k"):
            value *= 1000
        if m.group("minus") or m.group("minus2"):
            value = None
        cents = re.search(r"[.,]\d{2}$", m.group("num")) is not None  # "86.40": written as money
        found.append((bool(m.group("pre") or m.group("post") or m.group("k")) or cents, value))
    return found


def _positive(value: Decimal | None) -> Decimal | None:
    return value if value is not None and value > 0 else None


def parse_amount(text: str) -> Decimal | None:
    """A money amount such as '$45.20', '1,200 dollars', '€12,50' or '60'; None if there is none, or if
    the amount meant is negative, zero or unreadable. A number marked as money wins over a bare one."""
    found = _candidates(text)
    marked = [value for is_money, value in found if is_money]
    return _positive(marked[0] if marked else (found[0][1] if found else None))


def marked_amount(text: str) -> Decimal | None:
    """Only an amount marked as money ("claim $54 for a taxi"): a bare number in an opening message may
    be anything."""
    marked = [value for is_money, value in _candidates(text) if is_money]
    return _positive(marked[0] if marked else None)


def corrected_amount(text: str) -> Decimal | None:
    """The new amount in a correction made while asked something else: "actually it was $54", "sorry, 54
    not 45", or just "$54". A description that mentions money ("taxi to the airport, $54") is not one."""
    found = _candidates(text)
    if not found:
        return None
    rest = _CANDIDATE.sub(" ", without_dates(text))
    only_an_amount = not re.search(r"[a-z]{2,}", re.sub(rf"\b(?:{_WORD})\b", " ", rest))
    return parse_amount(text) if only_an_amount or _CORRECTION.search(text) else None
