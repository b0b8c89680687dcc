"""The handoff service on real loopback ports, against both backends (in-process and the real Redis)."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiohttp import web
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from handoff.auth import Identity, sign
from handoff.backend.base import Backend
from handoff.core.lifecycle import CONNECTING
from handoff.web.app import create_app
from tests.handoff.conftest import make_settings
from tests.handoff.harness import (
    DEMO_PASSWORD,
    STAND_IN_RESOURCES,
    Client,
    StandInRasa,
    agent,
    employee,
    handoff_service,
    http_json,
    serve_app,
    stand_in_rasa,
)

FAST = {
    "HANDOFF_OFFER_SLA": "60",
    "HANDOFF_REPLY_SLA": "60",
    "HANDOFF_AGENT_GRACE": "0.6",
    "HANDOFF_HEARTBEAT": "0.2",
    "HANDOFF_TICK": "0.1",
    "HANDOFF_TYPING_TIMEOUT": "0.4",
}


@dataclass
class Stack:
    url: str
    rasa: StandInRasa
    backend: Backend
    app: web.Application | None = None


@pytest.fixture
async def stack(tmp_path: Path, backend: Backend) -> AsyncIterator[Stack]:
    async with stand_in_rasa() as (rasa, rasa_url):
        app = create_app(make_settings(tmp_path, RASA_URL=rasa_url, **FAST), backend, demo_password=DEMO_PASSWORD)
        async with serve_app(app) as url:
            rasa.handoff_url = url
            yield Stack(url, rasa, backend, app)


async def escalate(stack: Stack, employee_id: str = "E1001", text: str = "I need a person") -> tuple[Client, str]:
    client, token = await employee(stack.url, employee_id)
    await client.send({"type": "message", "text": text, "client_id": "m1"})
    # The action server escalates before Rasa answers; the employee still reads the reply first.
    reply = await client.entry(kind="bot")
    notice = await client.entry(kind="system", text=CONNECTING)
    assert reply["id"] < notice["id"]
    await asyncio.sleep(0.3)  # a place in the queue, if any (an agent may be offered the chat at once), comes later
    places = [i for i, f in enumerate(client.seen) if f.get("type") == "queue" and f.get("position")]
    assert all(client.seen.index(reply) < i for i in places), "the place in the queue came before the reply"
    return client, token


async def test_bot_turns_are_relayed_with_the_employee_id(stack: Stack) -> None:
    """While the bot has the conversation, messages go to Rasa with the employee id and replies come back."""
    client, _ = await employee(stack.url, "E1002")
    await client.send({"type": "message", "text": "show buttons please", "client_id": "a1"})
    ack = await client.next("ack", client_id="a1")
    mine = await client.entry(kind="employee")
    reply = await client.entry(kind="bot")
    assert mine["id"] == ack["id"] == 1 and reply["id"] == 2
    assert reply["text"] == "bot: show buttons please"
    assert reply["data"]["buttons"] == [{"title": "Yes", "payload": "/affirm"}]
    assert stack.rasa.received[-1][2] == {"employee_id": "E1002"}
    later = await client.quiet(0.5)
    assert not [f for f in later if f.get("kind") == "tone"], "tone entries are for agents only"
    await client.close()


async def test_distressed_conversation_goes_to_an_agent_and_back_to_the_bot(stack: Stack) -> None:
    """Escalation queues, the agent claims with the packet, they talk, notes stay private, hand-back resumes the bot."""
    alex = await agent(stack.url, "alex")
    client, _ = await escalate(stack, text="I need a person now!!")
    queue = await client.next("queue")
    assert queue["position"] == 1 and queue["estimate_s"] > 0
    offer = await alex.next("offer")
    cid = offer["conversation_id"]
    assert offer["summary"]["reason"] == "acute_distress"
    await alex.send({"type": "claim", "conversation_id": cid})
    packet = await alex.next("conversation", conversation_id=cid)
    assert packet["escalation"]["reason"] == "acute_distress"
    assert packet["escalation"]["profile"] == {"name": "Alex Morgan"}
    assert [e["kind"] for e in packet["transcript"]][:3] == ["employee", "system", "bot"] or "bot" in [
        e["kind"] for e in packet["transcript"]
    ]
    joined = await client.entry(kind="system")
    assert joined["text"] == "Alex (HR) joined the chat." and joined["data"]["state"] == "with_agent"
    assert (await client.next("queue"))["position"] is None

    await client.send({"type": "message", "text": "thank you!!", "client_id": "m2"})
    seen = await alex.entry(kind="employee", text="thank you!!")
    tone = await alex.entry(kind="tone")
    assert tone["data"]["message_id"] == seen["id"] and tone["data"]["tone"] == "angry"
    assert stack.rasa.received[-1][1] == "thank you!!", "Rasa still gets the message, for the record and tone"
    assert cid in stack.rasa.paused
    bot_replies = [f for f in await client.quiet(0.3) if f.get("kind") == "bot" and f["id"] > seen["id"]]
    assert not bot_replies, "the bot stays silent while a person has the conversation"

    await alex.send({"type": "message", "conversation_id": cid, "text": "I'm here. Tell me more.", "client_id": "x1"})
    said = await client.entry(kind="agent")
    assert said["text"] == "I'm here. Tell me more." and said["author"] == "Alex"
    await alex.send({"type": "note", "conversation_id": cid, "text": "private: check leave records"})
    await alex.next("ack", conversation_id=cid, client_id=None)
    await alex.send(
        {
            "type": "hand_back",
            "conversation_id": cid,
            "summary": "Sorted the leave dates.",
            "label": {"needed": True, "tone_right": True},
        }
    )
    back = await client.entry(kind="system")
    assert back["data"]["event"] == "handed_back" and back["data"]["state"] == "bot"
    greeting = await client.entry(kind="bot")
    assert greeting["text"] == "Welcome back. Alex handed you back: Sorted the leave dates."
    assert cid not in stack.rasa.paused
    assert all(f.get("kind") != "note" for f in client.seen)
    await alex.next("released", conversation_id=cid)
    handed = [f for f in alex.seen if f.get("type") == "entry" and f["data"].get("event") == "handed_back"]
    released_at = next(i for i, f in enumerate(alex.seen) if f.get("type") == "released")
    assert handed and alex.seen.index(handed[0]) < released_at, "the agent sees the hand-back before the release"

    await client.send({"type": "message", "text": "what is my balance", "client_id": "m3"})
    assert (await client.entry(kind="bot"))["text"] == "bot: what is my balance"
    record = await stack.backend.get(cid)
    assert record is not None and record.label == {"needed": True, "tone_right": True, "comment": ""}
    await client.close()
    await alex.close()


async def test_a_crisis_cue_while_waiting_gets_the_resources_at_once(stack: Stack) -> None:
    """Rasa is paused while the employee waits and answers nothing; the service sends the resources the
    assistant chose, and agents see the conversation wait as a crisis."""
    alex = await agent(stack.url, "alex", status="away")  # nobody is offered it: it waits
    client, _ = await escalate(stack)  # an explicit request
    await client.next("queue")
    await client.send({"type": "message", "text": "i just want to die", "client_id": "m2"})
    resources = await client.entry(kind="bot", text=STAND_IN_RESOURCES)
    assert resources["author"] == "assistant"
    queue = await alex.next("queue", timeout=5)
    while not queue["items"] or queue["items"][0]["reason"] != "crisis":
        queue = await alex.next("queue", timeout=5)
    record = await stack.backend.get(queue["items"][0]["conversation_id"])
    assert record is not None and record.state.value == "queued" and record.escalation is not None
    assert record.escalation.reason == "crisis"
    await client.send({"type": "message", "text": "sorry, just tired", "client_id": "m3"})
    later = await client.quiet(0.5)
    assert not [f for f in later if f.get("text") == STAND_IN_RESOURCES], "no resources without a crisis cue"
    await client.close()
    await alex.close()


async def test_the_queue_shows_distress_as_it_changes_while_waiting(stack: Stack) -> None:
    """Agents watching the queue see the employee's latest distress, not only the one at escalation."""
    alex = await agent(stack.url, "alex", status="away")  # away: nobody is offered it, it waits
    client, _ = await escalate(stack)  # an explicit request at distress 0.2
    waiting = await client.next("queue")
    assert waiting["position"] == 1 and waiting["estimate_s"] is None, "no minutes promised with nobody online"
    queue = await alex.next("queue")
    while not queue["items"]:
        queue = await alex.next("queue")
    (item,) = queue["items"]
    assert (item["distress"], item["tone"]) == (0.2, None)
    await client.send({"type": "message", "text": "please hurry, I can't cope!!", "client_id": "m2"})
    updated = await alex.next("queue", timeout=5)
    while updated["items"][0]["distress"] != 0.9:  # the first message's own score may come in before it
        updated = await alex.next("queue", timeout=5)
    (item,) = updated["items"]
    assert (item["distress"], item["tone"]) == (0.9, "angry")
    assert item["priority"] > queue["items"][0]["priority"]  # moved up, as if it had escalated with 0.9
    record = await stack.backend.get(item["conversation_id"])
    assert record is not None and record.state.value == "queued"
    await client.close()
    await alex.close()


async def test_a_transfer_to_nobody_online_is_refused_and_the_agent_keeps_the_chat(stack: Stack) -> None:
    """Passing an employee to a team or agent with no one online left them waiting for no one."""
    alex = await agent(stack.url, "alex")
    client, _ = await escalate(stack)
    cid = (await alex.next("offer"))["conversation_id"]
    await alex.send({"type": "claim", "conversation_id": cid})
    await alex.next("conversation", conversation_id=cid)
    for target in ({"to_skill": "it"}, {"to_agent": "morgan"}):
        await alex.send({"type": "transfer", "conversation_id": cid, **target})
        error = await alex.next("error")
        assert error["code"] == "no_one_online" and "stays with you" in error["message"], target
        record = await stack.backend.get(cid)
        assert record is not None and record.state.value == "with_agent" and record.agent is not None
        assert record.agent.id == "alex"
    sam = await agent(stack.url, "sam")
    await alex.send({"type": "transfer", "conversation_id": cid, "to_skill": "it"})
    assert (await sam.next("offer"))["conversation_id"] == cid
    record = await stack.backend.get(cid)
    assert record is not None and (record.state.value, record.queue_skill) == ("queued", "it")
    for c in (client, alex, sam):
        await c.close()


async def test_a_wrong_transfer_says_what_is_wrong_before_who_is_online(stack: Stack) -> None:
    """An unknown conversation, two targets or someone else's chat got 'no one online' (checked first)."""
    alex = await agent(stack.url, "alex")
    morgan = await agent(stack.url, "morgan", status="away")
    client, _ = await escalate(stack)
    cid = (await alex.next("offer"))["conversation_id"]
    await alex.send({"type": "claim", "conversation_id": cid})
    await alex.next("conversation", conversation_id=cid)
    wrong = [
        (alex, {"conversation_id": "no-such-chat", "to_skill": "it"}, "not_found"),
        (alex, {"conversation_id": cid, "to_skill": "it", "to_agent": "morgan"}, "bad_frame"),
        (alex, {"conversation_id": cid}, "bad_frame"),
        (morgan, {"conversation_id": cid, "to_skill": "hr"}, "forbidden"),
    ]
    for who, frame, code in wrong:
        await who.send({"type": "transfer", **frame})
        assert (await who.next("error"))["code"] == code, frame
    record = await stack.backend.get(cid)
    assert record is not None and record.state.value == "with_agent" and record.agent is not None
    assert record.agent.id == "alex"
    for c in (client, alex, morgan):
        await c.close()


async def test_exactly_one_of_two_agents_wins_a_claim(stack: Stack) -> None:
    """Two agents claiming at once: one gets the conversation, the other an already_claimed error."""
    alex = await agent(stack.url, "alex", status="away")
    morgan = await agent(stack.url, "morgan", status="away")
    client, _ = await escalate(stack)
    queue = await alex.next("queue")
    while not queue["items"]:
        queue = await alex.next("queue")
    cid = queue["items"][0]["conversation_id"]
    await asyncio.gather(
        alex.send({"type": "claim", "conversation_id": cid}), morgan.send({"type": "claim", "conversation_id": cid})
    )

    async def outcome(c: Client) -> str:
        async def first() -> str:
            while True:
                data = json.loads(await c.ws.recv())
                if data.get("type") == "conversation":
                    return "won"
                if data.get("type") == "error":
                    return data["code"]

        return await asyncio.wait_for(first(), 10)

    results = sorted(await asyncio.gather(outcome(alex), outcome(morgan)))
    assert results == ["already_claimed", "won"]
    record = await stack.backend.get(cid)
    assert record is not None and record.agent is not None and record.agent.id in ("alex", "morgan")
    for c in (client, alex, morgan):
        await c.close()


async def test_reconnect_with_last_seen_gets_exactly_what_was_missed(stack: Stack) -> None:
    """A resumed socket receives every entry after its last seen id once, with no gaps and no duplicates."""
    client, token = await employee(stack.url)
    for i in range(3):
        await client.send({"type": "message", "text": f"hello {i}", "client_id": f"c{i}"})
        await client.entry(kind="bot", text=f"bot: hello {i}")
    last_seen = max(f["id"] for f in client.seen if f.get("type") == "entry")
    await client.close()
    cid = next(f["conversation_id"] for f in client.seen if f.get("type") == "welcome")
    desk_less = stack.backend
    record = await desk_less.get(cid)
    assert record is not None
    # While away: more turns happen (another tab of the same employee).
    other, _ = await employee(stack.url, token=token, last_seen=record.last_id)
    await other.send({"type": "message", "text": "while away", "client_id": "w1"})
    await other.entry(kind="bot", text="bot: while away")
    await other.close()
    resumed, _ = await employee(stack.url, token=token, last_seen=last_seen)
    got = [f for f in await resumed.quiet(0.6) if f.get("type") == "entry"]
    ids = [f["id"] for f in got]
    everything = [e.id for e in await stack.backend.read_log(cid) if e.for_employee]
    assert ids == [i for i in everything if i > last_seen] and ids, "exactly the missed entries, in order"
    assert [f["text"] for f in got if f["kind"] != "tone"][:2] == ["while away", "bot: while away"]
    # A resend of an already-delivered message (same client id) is acknowledged, not repeated.
    await resumed.send({"type": "message", "text": "while away", "client_id": "w1"})
    ack = await resumed.next("ack", client_id="w1")
    assert ack["id"] == got[0]["id"]
    assert not [f for f in await resumed.quiet(0.4) if f.get("type") == "entry"]
    await resumed.close()


async def test_bad_frames_get_error_frames_and_the_socket_survives(stack: Stack) -> None:
    """Malformed, unknown, incomplete and oversized frames each get an error code; the next good frame works."""
    client, _ = await employee(stack.url)
    cases = [
        ("not json", "bad_frame"),
        ('["a list"]', "bad_frame"),
        ('{"type": "teleport"}', "unknown_type"),
        ('{"type": "message"}', "bad_frame"),
        ('{"type": "message", "text": 5}', "bad_frame"),
        ('{"type": "rating", "score": true}', "bad_frame"),
        ({"type": "message", "text": "x" * 5000}, "too_large"),
        ({"type": "message", "text": "é" * 2100}, "too_large"),
        ({"type": "message", "text": "   "}, "bad_frame"),
        ({"type": "rating", "score": 5}, "illegal_transition"),
        ({"type": "cancel_waiting"}, "illegal_transition"),
    ]
    for frame, code in cases:
        await client.send(frame)
        error = await client.next("error")
        assert error["code"] == code, (frame, error)
        assert "Traceback" not in error["message"]
    await client.send({"type": "message", "text": "still here?", "client_id": "ok"})
    assert (await client.entry(kind="bot"))["text"] == "bot: still here?"
    await client.close()


async def test_tokens_bind_sockets_to_their_own_conversation(stack: Stack, tmp_path: Path) -> None:
    """No token, forged or expired tokens, someone else's conversation and the wrong role are refused."""
    ws_url = stack.url.replace("http", "ws")

    async def refused(endpoint: str, frame: dict[str, object] | str) -> int:
        async with connect(ws_url + endpoint) as ws:
            await ws.send(frame if isinstance(frame, str) else __import__("json").dumps(frame))
            with pytest.raises(ConnectionClosed) as closed:
                while True:
                    await ws.recv()
            assert closed.value.rcvd is not None
            return closed.value.rcvd.code

    secret = b"test-secret"
    expired = sign(secret, Identity("E1001", "employee", "c-1"), time.time() - 10_000, 60)
    forged = sign(b"other-secret", Identity("E1001", "employee", "c-1"), time.time(), 60)
    assert await refused("/ws/employee", {"type": "message", "text": "hi"}) == 4401
    assert await refused("/ws/employee", {"type": "hello", "token": "garbage"}) == 4401
    assert await refused("/ws/employee", {"type": "hello", "token": expired}) == 4401
    assert await refused("/ws/employee", {"type": "hello", "token": forged}) == 4401
    owner, _ = await employee(stack.url, "E1001")
    cid = next(f["conversation_id"] for f in owner.seen if f.get("type") == "welcome")
    intruder = sign(secret, Identity("E1002", "employee", cid), time.time(), 60)
    assert await refused("/ws/employee", {"type": "hello", "token": intruder}) == 4403
    employee_token = sign(secret, Identity("E1001", "employee", cid), time.time(), 60)
    assert await refused("/ws/agent", {"type": "hello", "token": employee_token}) == 4401

    status, body = await http_json("POST", f"{stack.url}/api/agents/login", {"agent_id": "alex", "password": "wrong"})
    assert status == 401 and body["error"] == "unauthorized"
    assert body["message"] == "That agent ID and password don't match.", "not 'Please sign in again' at sign-in"
    status, _ = await http_json(
        "POST", f"{stack.url}/api/escalations", {"conversation_id": cid, "employee_id": "E1001", "reason": "x"}
    )
    assert status == 401, "escalations need the service token"
    status, _ = await http_json("POST", f"{stack.url}/api/escalations", [1], {"Authorization": "Bearer service-token"})
    assert status == 400

    sam = await agent(stack.url, "sam")
    await sam.send({"type": "open", "conversation_id": cid})
    assert (await sam.next("error"))["code"] == "forbidden"
    await sam.send({"type": "message", "conversation_id": cid, "text": "hi"})
    assert (await sam.next("error"))["code"] == "illegal_transition"
    await sam.send({"type": "open", "conversation_id": "c-nope"})
    assert (await sam.next("error"))["code"] == "not_found"
    await owner.close()
    await sam.close()


async def test_assistant_down_queues_for_a_person_or_opens_a_ticket(stack: Stack) -> None:
    """When Rasa fails the employee is told at once: queued if someone is online, else a ticket."""
    stack.rasa.down = True
    client, _ = await employee(stack.url)
    await client.send({"type": "message", "text": "hello?", "client_id": "a"})
    ticket = await client.entry(kind="system")
    assert ticket["data"]["event"] == "ticket" and "request" in ticket["text"]
    alex = await agent(stack.url, "alex")
    await client.send({"type": "message", "text": "anyone?", "client_id": "b"})
    queued = await client.entry(kind="system")
    assert queued["data"]["event"] == "queued" and queued["data"]["reason"] == "bot_unavailable"
    assert (await alex.next("offer"))["summary"]["reason"] == "bot_unavailable"
    await client.close()
    await alex.close()


async def test_a_disconnected_agent_loses_the_conversation_back_to_its_old_place(stack: Stack) -> None:
    """After the grace period the conversation returns to the queue with its original score."""
    alex = await agent(stack.url, "alex")
    client, _ = await escalate(stack)
    cid = (await alex.next("offer"))["conversation_id"]
    before = await stack.backend.get(cid)
    assert before is not None
    await alex.send({"type": "claim", "conversation_id": cid})
    await client.entry(kind="system", text="Alex (HR) joined the chat.")
    await alex.close()
    back = await client.entry(kind="system", timeout=10)
    assert back["data"]["event"] == "queued" and back["data"]["reason"] == "disconnected"
    after = await stack.backend.get(cid)
    assert after is not None and after.state.value == "queued" and after.queue_score == before.queue_score
    assert cid in [c for c, _ in await stack.backend.queue("hr")]
    assert not await stack.backend.active("alex")
    await client.close()


async def test_an_unanswered_offer_moves_to_the_next_agent(tmp_path: Path, backend: Backend) -> None:
    """Push routing offers the least-busy agent; after the offer SLA it goes to another agent."""
    async with stand_in_rasa() as (rasa, rasa_url):
        settings = make_settings(tmp_path, RASA_URL=rasa_url, **{**FAST, "HANDOFF_OFFER_SLA": "0.5"})
        async with handoff_service(settings, backend) as url:
            rasa.handoff_url = url
            alex = await agent(url, "alex")
            morgan = await agent(url, "morgan")
            client, _ = await escalate(Stack(url, rasa, backend))
            first = await asyncio.wait_for(
                asyncio.wait(
                    [asyncio.ensure_future(alex.next("offer")), asyncio.ensure_future(morgan.next("offer"))],
                    return_when=asyncio.FIRST_COMPLETED,
                ),
                10,
            )
            done, pending = first
            for task in pending:
                task.cancel()
            offered_to_alex = (
                any(t.result() for t in done if t in done) and alex.seen and alex.seen[-1].get("type") == "offer"
            )
            first_agent, second_agent = (alex, morgan) if offered_to_alex else (morgan, alex)
            await first_agent.next("offer_withdrawn", timeout=5)
            second = await second_agent.next("offer", timeout=5)
            record = await backend.get(second["conversation_id"])
            assert record is not None and len(record.passed_over) == 1
            for c in (client, alex, morgan):
                await c.close()


async def test_waiting_employees_see_their_position_and_can_go_back_to_the_bot(stack: Stack) -> None:
    """Queue positions update as the queue changes; cancelling resumes the bot with a greeting."""
    first, _ = await escalate(stack, "E1001")
    assert (await first.next("queue"))["position"] == 1
    second, _ = await escalate(stack, "E1002")
    assert (await second.next("queue"))["position"] == 2
    await first.send({"type": "cancel_waiting"})
    cancelled = await first.entry(kind="system")
    assert cancelled["data"]["event"] == "cancelled" and cancelled["data"]["state"] == "bot"
    greeting = await first.entry(kind="bot")
    while greeting["id"] < cancelled["id"]:
        greeting = await first.entry(kind="bot")
    assert greeting["text"].startswith("Welcome back. Nobody handed you back")
    assert (await second.next("queue", position=1))["position"] == 1
    for c in (first, second):
        await c.close()


async def test_a_console_that_connects_later_is_shown_its_pending_offer(stack: Stack) -> None:
    """A reload or second tab during an offer gets it again; other agents don't; a declined one is not re-sent."""
    alex = await agent(stack.url, "alex")
    client, _ = await escalate(stack)
    offer = await alex.next("offer")
    cid = offer["conversation_id"]
    reloaded = await agent(stack.url, "alex")
    again = await reloaded.next("offer")
    assert again["conversation_id"] == cid and again["deadline"] == offer["deadline"]
    assert again["summary"]["reason"] == offer["summary"]["reason"]
    morgan = await agent(stack.url, "morgan", status="away")
    assert not [f for f in await morgan.quiet(0.5) if f.get("type") == "offer"], "the offer is alex's alone"

    await reloaded.send({"type": "decline", "conversation_id": cid})
    assert (await alex.next("offer_withdrawn"))["conversation_id"] == cid
    third = await agent(stack.url, "alex")
    assert not [f for f in await third.quiet(0.5) if f.get("type") == "offer"], "a declined offer is not re-sent"
    record = await stack.backend.get(cid)
    assert record is not None and record.offered_to is None and "alex" in record.passed_over
    for c in (alex, reloaded, morgan, third, client):
        await c.close()


async def test_closing_asks_for_a_rating_once(stack: Stack) -> None:
    """The agent closes with a label; the employee rates 1-5 once; a second rating is refused."""
    alex = await agent(stack.url, "alex")
    client, _ = await escalate(stack)
    cid = (await alex.next("offer"))["conversation_id"]
    await alex.send({"type": "claim", "conversation_id": cid})
    await alex.next("conversation")
    await alex.send({"type": "close", "conversation_id": cid, "label": {"needed": "yes"}})
    assert (await alex.next("error"))["code"] == "bad_frame"
    await alex.send(
        {
            "type": "close",
            "conversation_id": cid,
            "label": {"needed": False, "tone_right": False, "comment": "just wanted payslip"},
        }
    )
    closed = await client.entry(kind="system", timeout=5)
    while closed["data"]["event"] != "closed":
        closed = await client.entry(kind="system", timeout=5)
    assert closed["data"]["rating_requested"] is True
    await client.send({"type": "rating", "score": 6})
    assert (await client.next("error"))["code"] == "bad_frame"
    await client.send({"type": "rating", "score": 4, "comment": "kind and quick"})
    rated = await client.entry(kind="rating")
    assert rated["data"]["score"] == 4
    await client.send({"type": "rating", "score": 5})
    assert (await client.next("error"))["code"] == "illegal_transition"
    await client.send({"type": "message", "text": "hello again"})
    assert (await client.next("error"))["code"] == "illegal_transition"
    record = await stack.backend.get(cid)
    assert record is not None and record.rating is not None and record.rating["score"] == 4 and record.rating["human"]
    assert record.label is not None and record.label["needed"] is False
    await client.close()
    await alex.close()


async def test_typing_indicators_switch_off_by_themselves(stack: Stack) -> None:
    """An employee's typing shows to the agent and is switched off by the server when the client goes quiet."""
    alex = await agent(stack.url, "alex")
    client, _ = await escalate(stack)
    cid = (await alex.next("offer"))["conversation_id"]
    await alex.send({"type": "claim", "conversation_id": cid})
    await alex.next("conversation")
    await client.send({"type": "typing", "active": True})
    on = await alex.next("typing", conversation_id=cid)
    assert on["active"] is True and on["who"] == "employee"
    started = time.monotonic()
    off = await alex.next("typing", conversation_id=cid, timeout=3)
    assert off["active"] is False and time.monotonic() - started >= 0.3
    await alex.send({"type": "typing", "conversation_id": cid, "active": True})
    shown = await client.next("typing")
    assert shown["who"] == "agent" and shown["name"] == "Alex" and shown["active"] is True
    await client.close()
    await alex.close()


async def test_health_readiness_and_availability(stack: Stack) -> None:
    """Health is always up; readiness checks the backend and Rasa; availability counts online agents."""
    assert await http_json("GET", f"{stack.url}/health") == (200, {"status": "ok"})
    status, body = await http_json("GET", f"{stack.url}/ready")
    assert status == 200 and body["assistant"] == "ok" and body["backend_kind"] == stack.backend.name
    status, body = await http_json("GET", f"{stack.url}/api/availability?skill=it")
    assert status == 200 and body["available"] is False
    sam = await agent(stack.url, "sam")
    status, body = await http_json("GET", f"{stack.url}/api/availability?skill=it")
    assert body["available"] is True and body["online"] == 1
    await sam.send({"type": "presence", "status": "away"})
    await sam.next("presence")
    assert (await http_json("GET", f"{stack.url}/api/availability?skill=it"))[1]["available"] is False
    assert (await http_json("GET", f"{stack.url}/api/availability?skill=legal"))[0] == 400
    await sam.close()


async def test_a_lost_fan_out_message_is_filled_from_the_log(stack: Stack) -> None:
    """If a live message never reaches this process (Redis hiccup), the next one brings the gap with it."""
    from handoff.web.employee import EmployeeConnection
    from handoff.web.state import HUB

    alex = await agent(stack.url, "alex")
    client, _ = await escalate(stack)
    cid = (await alex.next("offer"))["conversation_id"]
    await alex.send({"type": "claim", "conversation_id": cid})
    await client.entry(kind="system", text="Alex (HR) joined the chat.")
    assert stack.app is not None
    hub = stack.app[HUB]
    (mine,) = [c for c in hub.connections if isinstance(c, EmployeeConnection) and c.cid == cid]
    hub.remove(mine)  # this socket misses the next fan-out message
    await alex.send({"type": "message", "conversation_id": cid, "text": "first, lost in transit", "client_id": "a1"})
    await alex.next("ack", client_id="a1")
    await asyncio.sleep(0.3)
    hub.add(mine)
    await alex.send({"type": "message", "conversation_id": cid, "text": "second", "client_id": "a2"})
    first = await client.entry(kind="agent")
    second = await client.entry(kind="agent")
    assert (first["text"], second["text"]) == ("first, lost in transit", "second")
    assert second["id"] == first["id"] + 1
    await client.close()
    await alex.close()


async def test_a_decline_is_respected_and_nobody_left_means_a_ticket(tmp_path: Path, backend: Backend) -> None:
    """A declined offer is not pushed straight back; when every agent leaves, the waiter is ticketed, not stranded."""
    async with stand_in_rasa() as (rasa, rasa_url):
        settings = make_settings(tmp_path, RASA_URL=rasa_url, **{**FAST, "HANDOFF_NOBODY_GRACE": "0.5"})
        async with handoff_service(settings, backend) as url:
            rasa.handoff_url = url
            alex = await agent(url, "alex")
            client, _ = await escalate(Stack(url, rasa, backend))
            cid = (await alex.next("offer"))["conversation_id"]
            await alex.send({"type": "decline", "conversation_id": cid})
            await alex.next("offer_withdrawn", conversation_id=cid)
            assert not [f for f in await alex.quiet(0.6) if f.get("type") == "offer"], "not offered straight back"
            await alex.send({"type": "presence", "status": "away"})
            ticket = await client.entry(kind="system", timeout=5)
            while ticket["data"]["event"] != "ticket":
                ticket = await client.entry(kind="system", timeout=5)
            assert ticket["data"]["state"] == "bot" and "request" in ticket["text"]
            greeting = await client.entry(kind="bot")
            while greeting["id"] < ticket["id"]:
                greeting = await client.entry(kind="bot")
            assert greeting["text"].startswith("Welcome back.")
            record = await backend.get(cid)
            assert record is not None and record.state.value == "bot"
            assert cid not in [c for c, _ in await backend.queue("hr")]
            for c in (client, alex):
                await c.close()


async def test_an_escalation_turned_ticket_is_recorded_not_queued(stack: Stack) -> None:
    """When the bot opened a ticket (nobody free), the service records the escalation without queueing it."""
    client, _ = await employee(stack.url)
    cid = next(f["conversation_id"] for f in client.pending + client.seen if f.get("type") == "welcome")
    auth = {"Authorization": "Bearer service-token"}
    body = {
        "conversation_id": cid,
        "employee_id": "E1001",
        "reason": "acute_distress",
        "skill": "payroll",
        "ticket": "77",
    }
    status, answer = await http_json("POST", f"{stack.url}/api/escalations", body, auth)
    assert (status, answer) == (202, {"state": "bot"})
    record = await stack.backend.get(cid)
    assert record is not None and record.escalation is not None and record.escalation.packet["ticket"] == "77"
    assert not await stack.backend.queue("payroll")
    assert not [f for f in await client.quiet(0.3) if f.get("type") == "entry"], "the note is for agents only"
    status, _ = await http_json("POST", f"{stack.url}/api/escalations", {**body, "distress": "very"}, auth)
    assert status == 400
    await client.close()


async def test_the_agent_labels_a_chat_the_employee_ended(stack: Stack) -> None:
    """The employee leaves first; the agent who had the chat still labels the escalation, once."""
    alex = await agent(stack.url, "alex")
    client, _ = await escalate(stack)
    cid = (await alex.next("offer"))["conversation_id"]
    await alex.send({"type": "claim", "conversation_id": cid})
    await alex.next("conversation", conversation_id=cid)
    await client.send({"type": "end"})
    await alex.next("released", conversation_id=cid)
    label = {"needed": True, "tone_right": False, "comment": "was upset about pay"}
    await alex.send({"type": "close", "conversation_id": cid, "label": label})
    await alex.next("released", conversation_id=cid)
    record = await stack.backend.get(cid)
    assert record is not None and record.label == label
    await alex.send({"type": "close", "conversation_id": cid, "label": label})
    assert (await alex.next("error", conversation_id=cid))["code"] == "illegal_transition"
    await client.close()
    await alex.close()
