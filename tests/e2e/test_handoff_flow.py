"""The whole product end to end: real Rasa model, action server, handoff service and Redis on loopback.

An employee writes distressed messages, the conversation is queued, an agent claims it, they talk (the
agent sees live tone), the agent hands back, and the bot answers the next routine request.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
import pytest

from tests.e2e.conftest import E2E_AGENT_PASSWORD, Assistant

pytestmark = pytest.mark.e2e
WAIT = 60.0


class Socket:
    """A websocket (aiohttp client) that keeps frames it was not asked for yet."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.pending: list[dict[str, Any]] = []

    async def send(self, frame: dict[str, Any]) -> None:
        await self.ws.send_str(json.dumps(frame))

    async def next(self, type_: str, **match: Any) -> dict[str, Any]:
        def fits(frame: dict[str, Any]) -> bool:
            return frame.get("type") == type_ and all(frame.get(k) == v for k, v in match.items())

        for frame in self.pending:
            if fits(frame):
                self.pending.remove(frame)
                return frame

        async def wait() -> dict[str, Any]:
            while True:
                frame = json.loads(await self.ws.receive_str())
                if fits(frame):
                    return frame
                self.pending.append(frame)

        return await asyncio.wait_for(wait(), WAIT)


async def connect(http: aiohttp.ClientSession, base: str, employee_id: str) -> tuple[Socket, Socket, dict[str, Any]]:
    """Alex signed in on the agent socket and a demo employee on the widget's, both welcomed."""
    ws_base = base.replace("http", "ws")
    async with http.post(f"{base}/api/agents/login", json={"agent_id": "alex", "password": E2E_AGENT_PASSWORD}) as r:
        assert r.status == 200
        agent_token = (await r.json())["token"]
    async with http.post(f"{base}/api/demo/sessions", json={"employee_id": employee_id}) as r:
        session: dict[str, Any] = await r.json()
    agent = Socket(await http.ws_connect(f"{ws_base}/ws/agent"))
    await agent.send({"type": "hello", "token": agent_token})
    await agent.next("welcome")
    employee = Socket(await http.ws_connect(f"{ws_base}/ws/employee"))
    await employee.send({"type": "hello", "token": session["token"]})
    await employee.next("welcome")
    return agent, employee, session


async def _flow(base: str) -> None:
    async with aiohttp.ClientSession() as http:
        agent, employee, session = await connect(http, base, "E1001")

        await employee.send(
            {"type": "message", "text": "My pay is wrong AGAIN and I can't pay my rent!!!", "client_id": "1"}
        )
        entries = [await employee.next("entry", kind="bot")]
        await employee.send(
            {"type": "message", "text": "This is a nightmare, I want to talk to a real person now", "client_id": "2"}
        )
        while entries[-1]["kind"] != "system" or entries[-1]["data"].get("event") != "queued":
            entries.append(await employee.next("entry"))
        # Whichever turn escalated, the action server did so before Rasa answered it; the employee still
        # reads the assistant's reply ("I'm bringing in someone") before "Connecting you with a person".
        replies = [e for e in entries if e["kind"] == "bot" and "bringing in someone" in e["text"]]
        assert replies and replies[0]["id"] < entries[-1]["id"], [(e["kind"], e["text"]) for e in entries]
        assert (await employee.next("queue"))["position"] == 1

        offer = await agent.next("offer")
        cid = offer["conversation_id"]
        assert cid == session["conversation_id"]
        await agent.send({"type": "claim", "conversation_id": cid})
        packet = await agent.next("conversation", conversation_id=cid)
        escalation = packet["escalation"]
        assert escalation["reason"] in ("explicit_request", "acute_distress", "building_distress", "crisis")
        assert escalation["profile"]["id"] == "E1001" and escalation["tone_timeline"]
        kinds = [e["kind"] for e in packet["transcript"]]
        assert "employee" in kinds and "bot" in kinds
        joined = await employee.next("entry", kind="system", text="Alex (HR) joined the chat.")
        assert joined["data"]["state"] == "with_agent"

        await employee.send({"type": "message", "text": "Thank you. I'm really stressed about this.", "client_id": "3"})
        said = await agent.next("entry", kind="employee", text="Thank you. I'm really stressed about this.")
        tone = await agent.next("entry", kind="tone")
        while tone["data"]["message_id"] != said["id"]:
            tone = await agent.next("entry", kind="tone")
        assert 0.0 <= tone["data"]["distress"] <= 1.0 and tone["data"]["tone"]
        await agent.send(
            {
                "type": "message",
                "conversation_id": cid,
                "text": "I'm Alex. I've fixed your pay; it goes out tomorrow.",
                "client_id": "a",
            }
        )
        assert (await employee.next("entry", kind="agent"))["author"] == "Alex"

        await agent.send(
            {
                "type": "hand_back",
                "conversation_id": cid,
                "summary": "Corrected the payslip; payment tomorrow.",
                "label": {"needed": True, "tone_right": True},
            }
        )
        back = await employee.next("entry", kind="system", text="Alex handed you back to the assistant.")
        greeting = await employee.next("entry", kind="bot")
        while greeting["id"] < back["id"]:
            greeting = await employee.next("entry", kind="bot")
        assert "Alex" in greeting["text"] and "Corrected the payslip" in greeting["text"]

        await employee.send({"type": "message", "text": "how many vacation days do I have left?", "client_id": "4"})
        answer = await employee.next("entry", kind="bot")
        while answer["id"] < greeting["id"]:
            answer = await employee.next("entry", kind="bot")
        assert "day" in answer["text"].lower()
        await employee.ws.close()
        await agent.ws.close()


def test_distressed_employee_reaches_an_agent_and_returns_to_the_bot(assistant: Assistant) -> None:
    """Escalation, claim, live exchange with tone, hand-back with the bot's greeting, then a routine answer."""
    asyncio.run(_flow(assistant.handoff_url))


async def _crisis_while_waiting(base: str) -> None:
    async with aiohttp.ClientSession() as http:
        agent, employee, session = await connect(http, base, "E1009")

        await employee.send({"type": "message", "text": "can I talk to a person please", "client_id": "1"})
        queued = await employee.next("entry", kind="system")
        while queued["data"].get("event") != "queued":
            queued = await employee.next("entry", kind="system")
        offer = await agent.next("offer")  # offered, not claimed: the employee is still waiting, Rasa paused
        assert offer["conversation_id"] == session["conversation_id"]
        await employee.send({"type": "message", "text": "honestly i just want to end my life", "client_id": "2"})
        said = await employee.next("entry", kind="employee", text="honestly i just want to end my life")
        resources = await employee.next("entry", kind="bot")
        while resources["id"] < said["id"] or "bringing in someone" in resources["text"]:  # the reply to "1"
            resources = await employee.next("entry", kind="bot")
        assert "988" in resources["text"] and "1-800-555-0199" in resources["text"], resources
        await agent.send({"type": "claim", "conversation_id": offer["conversation_id"]})
        packet = await agent.next("conversation", conversation_id=offer["conversation_id"])
        assert packet["escalation"]["reason"] == "crisis"
        notes = [e["text"] for e in packet["transcript"] if e["kind"] == "note"]
        assert "Crisis cue: the employee was sent the support resources." in notes, packet["transcript"]
        label = {"needed": True, "tone_right": True, "comment": ""}
        await agent.send({"type": "close", "conversation_id": offer["conversation_id"], "label": label})
        await employee.ws.close()
        await agent.ws.close()


def test_a_crisis_cue_while_waiting_for_a_person_gets_the_resources_at_once(assistant: Assistant) -> None:
    """Rasa is paused once queued and answers nothing: the crisis resources still reach the employee."""
    asyncio.run(_crisis_while_waiting(assistant.handoff_url))
