"""Complaints about pay, expenses and leave: "my payslip is wrong again", "why was my claim rejected".

The NLU reads them as the routine question they name (payslip, expense claim), so the assistant
showed the figures or started a new claim and left it there. A complaint gets the answer and, once,
the offer of a person from the team that can fix it (``bot.escalation``, reason ``complaint``); a
complaint about a claim gets the employee's claims, not a new claim form.

A yes/no question ("was my leave rejected?", "is my payslip wrong?") is a question, not a complaint,
unless it says it happened before ("again") or asks why.
"""

from __future__ import annotations

import re

# The routine intents whose answers can be wrong in a way a person has to fix.
COMPLAINT_INTENTS = frozenset(
    {
        *("payslip", "income", "payday", "taxes", "w2", "direct_deposit", "expense_claim", "expense_status"),
        *("pto_balance", "pto_used", "pto_request_status"),
    }
)
_COMPLAINT = re.compile(
    r"\b(?:wrong|incorrect|inaccurate|not (?:right|correct)|isn'?t (?:right|correct)|missing|mistakes?|errors?|"
    r"underpaid|under ?paid|overcharged|shortchanged|(?:came|come|comes|is|was) (?:up )?short|"
    r"rejected|denied|declined|refused|bounced|not paid|"
    r"(?:didn'?t|did not|haven'?t|have not|hasn'?t|has not|never) (?:get|got|been|receive[d]?|arrive[d]?|came|come|paid)|"
    r"doesn'?t (?:add up|match)|don'?t (?:add up|match)|messed up|screwed up|off by)\b",
    re.IGNORECASE,
)
_YES_NO_QUESTION = re.compile(r"^\W*(?:was|is|did|has|have|were|will|can|could|does|do|are)\b", re.IGNORECASE)
_STILL_A_COMPLAINT = re.compile(r"\b(?:again|why|still)\b", re.IGNORECASE)


def about_a_claim(text: str, intent: str | None) -> bool:
    """ "my expense claim got rejected": a complaint about a claim made, not a new claim to start."""
    return intent == "expense_claim" and bool(complaint_words(text, intent))


def complaint_words(text: str, intent: str | None) -> tuple[str, ...]:
    """The words that make ``text`` a complaint about ``intent``'s subject (empty when it is none)."""
    if intent not in COMPLAINT_INTENTS:
        return ()
    found = tuple(m.group(0).lower() for m in _COMPLAINT.finditer(text or ""))
    if found and _YES_NO_QUESTION.match(text) and not _STILL_A_COMPLAINT.search(text):
        return ()
    return found
