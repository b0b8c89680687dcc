"""Several real handoff processes on one Redis: relaying across processes, and surviving a kill."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed

from tests.handoff.conftest import REDIS_URL, _drop_prefix
from tests.handoff.harness import DEMO_PASSWORD, Client, StandInRasa, agent, employee, http_json, stand_in_rasa

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Process:
    """``python -m handoff serve`` as a child process on a fixed loopback port."""

    def __init__(self, env: dict[str, str], port: int, log: Path) -> None:
        self.env, self.port, self.log = env, port, log
        self.url = f"http://127.0.0.1:{port}"
        self.proc: subprocess.Popen[bytes] | None = None

    async def start(self) -> None:
        env = {**self.env, "HANDOFF_PORT": str(self.port)}
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "handoff", "serve"], env=env, cwd=REPO, stdout=out, stderr=out
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.log.read_text()[-2000:]
            try:
                status, _ = await http_json("GET", f"{self.url}/health")
                if status == 200:
                    return
            except OSError:
                pass
            await asyncio.sleep(0.1)
        raise TimeoutError(self.log.read_text()[-2000:])

    def kill(self) -> None:
        """SIGKILL: no clean shutdown at all."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


@pytest.fixture
async def rasa() -> AsyncIterator[tuple[StandInRasa, str]]:
    async with stand_in_rasa() as pair:
        yield pair


@pytest.fixture
def processes(tmp_path: Path, rasa: tuple[StandInRasa, str], redis_prefix: str) -> Iterator[list[Process]]:
    _, rasa_url = rasa
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PYTEST")},
        "PYTHONPATH": str(REPO),
        "KINDRED_VAR_DIR": str(tmp_path),
        "REDIS_URL": REDIS_URL,
        "HANDOFF_REDIS_PREFIX": redis_prefix,
        "HANDOFF_SECRET": "shared-secret",
        "HANDOFF_SERVICE_TOKEN": "service-token",
        "HANDOFF_DEMO": "true",
        "HANDOFF_DEMO_PASSWORD": DEMO_PASSWORD,
        "RASA_URL": rasa_url,
        "RASA_TOKEN": "rasa-token",
        "HANDOFF_AGENT_GRACE": "30",
        "HANDOFF_TICK": "0.1",
        "HANDOFF_RASA_TIMEOUT": "5",
        "HANDOFF_RELAY_RETRY": "6",
    }
    started = [Process(env, free_port(), tmp_path / f"handoff-{i}.log") for i in range(2)]
    try:
        yield started
    finally:
        for process in started:
            process.stop()
        asyncio.run(_drop_prefix(redis_prefix))


@dataclass
class Claimed:
    """An employee on the first process whose conversation Alex, on the second, has claimed."""

    alex: Client
    client: Client
    token: str
    cid: str
    joined: dict[str, Any]


async def claimed_across(processes: list[Process], rasa: StandInRasa, escalations_to: Process) -> Claimed:
    first, second = processes
    await asyncio.gather(first.start(), second.start())
    rasa.handoff_url = escalations_to.url
    alex = await agent(second.url, "alex")
    client, token = await employee(first.url)
    await client.send({"type": "message", "text": "I need a person", "client_id": "m1"})
    cid = (await alex.next("offer"))["conversation_id"]
    await alex.send({"type": "claim", "conversation_id": cid})
    await alex.next("conversation", conversation_id=cid)
    joined = await client.entry(kind="system", text="Alex (HR) joined the chat.")
    return Claimed(alex, client, token, cid, joined)


async def test_an_employee_on_one_process_and_an_agent_on_another_talk_normally(
    processes: list[Process], rasa: tuple[StandInRasa, str]
) -> None:
    """State and fan-out go through Redis: the queue, the claim and the messages cross processes."""
    claimed = await claimed_across(processes, rasa[0], escalations_to=processes[0])
    alex, client, cid = claimed.alex, claimed.client, claimed.cid
    assert claimed.joined["data"]["state"] == "with_agent"
    await client.send({"type": "message", "text": "are you there?", "client_id": "m2"})
    assert (await alex.entry(kind="employee", text="are you there?"))["conversation_id"] == cid
    await alex.send({"type": "message", "conversation_id": cid, "text": "Yes, I'm with you.", "client_id": "a1"})
    assert (await client.entry(kind="agent"))["text"] == "Yes, I'm with you."
    await client.send({"type": "typing", "active": True})
    assert (await alex.next("typing", conversation_id=cid))["active"] is True
    await client.close()
    await alex.close()


async def test_killing_a_process_mid_conversation_loses_nothing(
    processes: list[Process], rasa: tuple[StandInRasa, str]
) -> None:
    """After SIGKILL and a restart, the employee resumes with everything said meanwhile and carries on."""
    first, _ = processes
    claimed = await claimed_across(processes, rasa[0], escalations_to=processes[1])
    alex, client, token, cid = claimed.alex, claimed.client, claimed.token, claimed.cid
    last_seen = max(f["id"] for f in client.seen + client.pending if f.get("type") == "entry")

    first.kill()
    with pytest.raises(ConnectionClosed):
        while True:
            await asyncio.wait_for(client.ws.recv(), 5)
    await alex.send(
        {"type": "message", "conversation_id": cid, "text": "Sorry, my connection dropped?", "client_id": "a1"}
    )
    await alex.next("ack", client_id="a1")
    await first.start()

    resumed, _ = await employee(first.url, token=token, last_seen=last_seen)
    missed = await resumed.entry(kind="agent")
    assert missed["text"] == "Sorry, my connection dropped?" and missed["id"] > last_seen
    await resumed.send({"type": "message", "text": "still here", "client_id": "m2"})
    assert (await alex.entry(kind="employee", text="still here"))["conversation_id"] == cid
    status, body = await http_json("GET", f"{first.url}/ready")
    assert status == 200 and body["backend_kind"] == "redis"
    await resumed.close()
    await alex.close()


async def test_a_message_in_flight_when_its_process_dies_still_gets_its_answer(
    processes: list[Process], rasa: tuple[StandInRasa, str]
) -> None:
    """The relay dies with the process; another process relays the message again and the answer arrives once."""
    first, second = processes
    await asyncio.gather(first.start(), second.start())
    client, token = await employee(first.url)
    await client.send({"type": "message", "text": "a slow question", "client_id": "s1"})
    mine = await client.entry(kind="employee")
    await asyncio.sleep(0.5)  # the stand-in Rasa takes 3 s to answer; the process dies before that
    first.kill()
    resumed, _ = await employee(second.url, token=token, last_seen=mine["id"])
    answer = await resumed.entry(kind="bot", timeout=20)
    assert answer["text"] == "bot: a slow question"
    assert [r[1] for r in rasa[0].received].count("a slow question") == 2, "at least once: relayed again"
    assert not [f for f in await resumed.quiet(4) if f.get("kind") == "bot"], "answered once"
    await resumed.close()
