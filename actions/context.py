"""Reading the tracker: who is talking, how they like answers, what the form state is."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker

from bot.escalation import NON_REQUEST_INTENTS


def employee_id(tracker: Tracker) -> str | None:
    """The employee bound to this conversation by the channel (message metadata)."""
    slot = tracker.get_slot("employee_id")
    if slot:
        return str(slot)
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            found = (event.get("metadata") or {}).get("employee_id")
            if found:
                return str(found)
    started = tracker.get_slot("session_started_metadata") or {}
    value = started.get("employee_id") if isinstance(started, dict) else None
    return str(value) if value else None


def topic_intent(tracker: Tracker) -> str | None:
    """The latest intent that was a request ("yes please" to an offer is about the payslip before it)."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            name = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
            if name and name not in NON_REQUEST_INTENTS and not name.startswith("EXTERNAL_"):
                return str(name)
    return intent_of(tracker)


def intent_of(tracker: Tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")


def confidence_of(tracker: Tracker) -> float:
    return float((tracker.latest_message.get("intent") or {}).get("confidence") or 0.0)


def text_of(tracker: Tracker) -> str:
    return str(tracker.latest_message.get("text") or "")


def own_text(tracker: Tracker) -> str:
    """The latest message without its second question ("... as annual leave, and also how much sick
    leave do I have?" is a vacation request), which is answered on its own (bot.nlu.clauses)."""
    text = text_of(tracker)
    also = str((tracker.latest_message.get("also") or {}).get("text") or "")
    return text.replace(also, " ") if also and also in text else text


def transcript(tracker: Tracker, limit: int = 40) -> str:
    """The last turns as plain text, for tickets that carry the conversation."""
    lines: list[str] = []
    for event in tracker.events:
        kind: Any = event.get("event")
        if kind == "user" and event.get("text"):
            lines.append(f"Employee: {event['text']}")
        elif kind == "bot" and event.get("text"):
            lines.append(f"Assistant: {event['text']}")
    return "\n".join(lines[-limit:])
