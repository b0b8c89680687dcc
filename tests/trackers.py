"""Tracker fixtures: the state the action server receives, built the way Rasa sends it."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker

DEMO = "E1001"  # Alex Morgan, three years in, detailed answers
NEW_HIRE = "E1002"  # Priya Nair, started ten days ago
BRIEF = "E1003"  # Sam Okafor, brief answers, an open ticket from three days ago


def tracker(
    intent: str | None = None,
    text: str = "",
    *,
    employee: str | None = DEMO,
    slots: dict[str, Any] | None = None,
    active_loop: str | None = None,
    requested_slot: str | None = None,
    events: list[dict[str, Any]] | None = None,
    confidence: float = 0.95,
    sender_id: str = "test-conversation",
) -> Tracker:
    all_slots: dict[str, Any] = {"employee_id": employee, "requested_slot": requested_slot, **(slots or {})}
    latest = {"intent": {"name": intent, "confidence": confidence}, "text": text, "entities": []}
    user_event = {"event": "user", "text": text, "parse_data": latest, "metadata": {"employee_id": employee}}
    return Tracker(
        sender_id=sender_id,
        slots=all_slots,
        latest_message=latest,
        events=[*(events or []), user_event],
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )
