"""What the handoff service receives with an escalation, built from the tracker and the HR records.

Pure functions of plain values (no I/O): ``action_escalate`` loads the records off the event loop
and passes them in. Everything returned is JSON-safe (dates as ISO strings).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from rasa_sdk import Tracker

from actions.profiles import NEW_HIRE_DAYS
from bot.db.store import ConversationRecord, Profile, TicketRecord

HISTORY_LIMIT = 5
SENSITIVE_TICKETS = frozenset({"people"})  # opened by action_escalate for a sensitive topic
# Bookkeeping, values sent under their own keys, and secrets: never in the payload's "slots".
NOT_SHARED_SLOTS = frozenset(
    {
        "tone",
        "distress",
        "distress_trend",
        "tone_timeline",
        "escalation",
        "escalation_state",
        "handoff_requested",
        "handoff_skill",
        "handback",
        "requested_slot",
        "session_started_metadata",
        "employee_id",
        "employee_first_name",
        "identity_code",  # the answer to the identity check
    }
)


def tenure_months(start: dt.date, today: dt.date) -> int:
    """Whole months from ``start`` to ``today`` (0 before the first full month)."""
    months = (today.year - start.year) * 12 + today.month - start.month - (today.day < start.day)
    return max(0, months)


def profile_facts(profile: Profile, today: dt.date) -> dict[str, Any]:
    return {
        "id": profile.id,
        "name": profile.name,
        "first_name": profile.first_name,
        "job_title": profile.role,
        "department": profile.department,
        "manager_name": profile.manager_name,
        "start_date": profile.start_date.isoformat(),
        "tenure_months": tenure_months(profile.start_date, today),
        "location": profile.location or None,
        "is_new_hire": profile.tenure_days(today) <= NEW_HIRE_DAYS,
    }


def conversation_slots(slots: dict[str, Any]) -> dict[str, Any]:
    """The filled slots that say something about the employee's request (leave, meeting, expense, IT...)."""
    return {name: value for name, value in slots.items() if value is not None and name not in NOT_SHARED_SLOTS}


def latest_cues(tracker: Tracker) -> list[str]:
    """The tone cues of the latest scored turn: from the escalation decision, else from the message."""
    escalation = tracker.get_slot("escalation")
    evidence = escalation.get("evidence") if isinstance(escalation, dict) else None
    cues = evidence.get("cues") if isinstance(evidence, dict) else None
    if cues is None:
        cues = (tracker.latest_message.get("tone") or {}).get("cues")
    return [str(c) for c in cues or []]


def history(
    conversations: list[ConversationRecord], tickets: list[TicketRecord], skill: str, limit: int = HISTORY_LIMIT
) -> list[dict[str, Any]]:
    """Recent past conversations and tickets, newest first. Outside HR, sensitive ones are shown as
    such without their topic or summary (an IT agent need not learn of a harassment report)."""
    items: list[tuple[dt.datetime, dict[str, Any]]] = []
    for c in conversations:
        hidden = c.sensitive and skill != "hr"
        items.append(
            (
                c.started_at,
                {
                    "kind": "conversation",
                    "id": c.id,
                    "date": c.started_at.isoformat(),
                    "topic": None if hidden else c.last_intent,
                    "status": None,
                    "summary": None if hidden else c.summary,
                    "sensitive": c.sensitive,
                },
            )
        )
    for t in tickets:
        sensitive = t.category in SENSITIVE_TICKETS
        hidden = sensitive and skill != "hr"
        items.append(
            (
                t.created_at,
                {
                    "kind": "ticket",
                    "id": t.id,
                    "date": t.created_at.isoformat(),
                    "topic": None if hidden else t.category,
                    "status": t.status,
                    "summary": None if hidden else t.summary,
                    "sensitive": sensitive,
                },
            )
        )
    items.sort(key=lambda item: item[0], reverse=True)
    return [item for _, item in items[:limit]]
