"""Reading the tracker: who is talking, how they like answers, what the form state is."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker


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


def intent_of(tracker: Tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")


def confidence_of(tracker: Tracker) -> float:
    return float((tracker.latest_message.get("intent") or {}).get("confidence") or 0.0)


def text_of(tracker: Tracker) -> str:
    return str(tracker.latest_message.get("text") or "")


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
