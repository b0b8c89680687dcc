"""The handoff service's side of a hand-back, done over Rasa's HTTP API as it will: pause, resume, trigger."""

from __future__ import annotations

from typing import Any

import pytest
import redis
import requests

from tests.e2e.conftest import Assistant, new_sender, text_of

pytestmark = pytest.mark.e2e


def api(assistant: Assistant, sender: str, path: str, body: Any) -> Any:
    response = requests.post(
        f"{assistant.url}/conversations/{sender}/{path}", params={"token": assistant.token}, json=body, timeout=60
    )
    response.raise_for_status()
    return response.json()


def test_trackers_are_kept_in_redis(assistant: Assistant) -> None:
    """With REDIS_URL set, Rasa keeps each conversation under kindred:tracker:<id> in that database."""
    if assistant.redis_url is None:
        pytest.skip("no Redis answering on loopback: the assistant runs with in-memory stores")
    sender = new_sender()
    assistant.say(sender, "hi")
    client = redis.Redis.from_url(assistant.redis_url)
    assert client.exists(f"kindred:tracker:{sender}")
    assert sender in client.get(f"kindred:tracker:{sender}").decode()


def test_person_hands_back_and_the_bot_carries_on(assistant: Assistant) -> None:
    """Silent while paused; a personal welcome back naming the person; then routine answers, not a new escalation."""
    sender = new_sender()
    assert "request #" in text_of(assistant.say(sender, "can i talk to a real person please"))
    api(assistant, sender, "tracker/events", [{"event": "pause"}])
    assert assistant.say(sender, "hello?? is anyone there, this is really frustrating") == []
    handback = {"agent_name": "Dana", "summary": "Fixed the payslip", "reason": "agent"}
    api(
        assistant,
        sender,
        "tracker/events",
        [{"event": "resume"}, {"event": "slot", "name": "handback", "value": handback}],
    )
    result = api(assistant, sender, "trigger_intent", {"name": "EXTERNAL_handed_back", "entities": []})
    welcome = text_of(result["messages"])
    assert welcome.startswith("Welcome back, Alex.") and "Dana from our team has handed you back" in welcome
    assert "Summary: Fixed the payslip." in welcome
    slots = result["tracker"]["slots"]
    assert slots["handback"] is None and slots["handoff_requested"] is False and slots["escalation"] is None
    assert slots["escalation_state"]["human_helped"] is True and slots["escalation_state"]["escalated"] is False
    reply = text_of(assistant.say(sender, "when do i get paid"))
    assert "payday" in reply.lower() and "request #" not in reply
    assert assistant.tracker(sender)["slots"]["escalation"]["decision"] == "continue"
