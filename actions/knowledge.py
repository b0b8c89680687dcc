"""Company policies the assistant can quote: the fictional handbook, keyed by topic words."""

from __future__ import annotations

import re

POLICIES: list[tuple[tuple[str, ...], str, str]] = [
    (
        ("remote", "home", "hybrid", "wfh", "office days"),
        "Remote work",
        "Hybrid is the default: three office days a week, agreed with your manager. Fully remote roles are "
        "listed as such in the contract. Home-office equipment up to $500 can be claimed once every two years.",
    ),
    (
        ("dress", "clothes", "wear", "jeans"),
        "Dress code",
        "Smart casual in the office; client-facing days follow the client's dress code. Safety footwear is "
        "required in the warehouse.",
    ),
    (
        (
            "resign",
            "notice period",
            "quit my job",
            "quitting",
            "hand in my notice",
            "handing in my notice",
            "leaving the company",
            "two weeks notice",
            "2 weeks notice",
        ),
        "Resigning",
        "Give your notice in writing to your manager: two weeks for most roles, four for managers (your contract "
        "says which). Unused vacation days are paid with your final pay, and HR sends a leaver's checklist "
        "(equipment, benefits, 401(k)).",
    ),
    (
        ("parental", "maternity", "paternity", "baby", "adoption"),
        "Parental leave",
        "Birthing parents get 16 weeks at full pay, other parents 8 weeks, usable within a year of the birth or "
        "adoption. Tell HR at least 8 weeks ahead when you can.",
    ),
    (
        ("travel", "trip", "flight", "hotel", "per diem"),
        "Travel",
        "Book through the travel portal; economy for flights under 6 hours; hotels up to $220 a night; $60 a day "
        "for meals. Claim everything within 30 days.",
    ),
    (
        ("conduct", "ethics", "gift", "conflict of interest", "harass"),
        "Code of conduct",
        "Treat everyone with respect; report gifts over $100 and any conflict of interest; harassment and "
        "discrimination are never tolerated and can be reported confidentially to HR or the ethics line.",
    ),
    (
        ("overtime", "extra hours", "weekend work", "comp time"),
        "Overtime",
        "Hourly staff are paid 1.5x over 40 hours a week; salaried staff can take time off in lieu, agreed with "
        "their manager within the following month.",
    ),
    (
        ("sick", "illness", "doctor note", "medical note"),
        "Sick leave",
        "10 paid sick days a year. Tell your manager before your shift starts; a doctor's note is needed after 3 "
        "consecutive days.",
    ),
    (
        ("injury", "injured", "hurt at work", "accident at work", "workplace accident"),
        "Injuries at work",
        "Report any injury at work the same day, to your manager or in the HR portal > Safety; first aid kits "
        "are at reception and on each floor. HR records it and handles any claim with you.",
    ),
    (
        ("bereavement", "funeral", "compassionate"),
        "Bereavement leave",
        "Up to 5 paid days for a close family member, 2 for others; more can be agreed with your manager.",
    ),
    (
        ("expense", "reimburse", "receipt"),
        "Expenses",
        "Claim within 30 days with receipts over $25; approved claims are paid with the next payroll.",
    ),
    (
        ("holiday", "public holiday", "bank holiday"),
        "Holidays",
        "Ten paid company holidays a year; if one falls on a weekend it moves to the nearest weekday.",
    ),
    (
        ("pto", "vacation", "carry over", "rollover days", "annual leave"),
        "Vacation",
        "20 days a year, plus one for every two years of service (up to 25). Up to 5 unused days carry over to "
        "the first quarter of the next year.",
    ),
]


def find_policy(text: str) -> tuple[str, str] | None:
    """(title, summary) of the policy the text asks about, or None."""
    lowered = text.lower()
    for words, title, summary in POLICIES:
        if any(re.search(rf"\b{re.escape(w)}", lowered) for w in words):
            return title, summary
    return None


def policy_titles() -> list[str]:
    return [title for _, title, _ in POLICIES]
