"""Real handoff services on loopback ports for the integration tests, and the stand-in Rasa they talk to.

The stand-in Rasa is an aiohttp server with Rasa's REST channel and HTTP API shapes (the real model is
exercised by the assistant's end-to-end suite); it behaves like the assistant where the tests need it:
"I need a person" makes it post an escalation to the handoff service, as the action server does.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
from aiohttp import web
from websockets.asyncio.client import ClientConnection, connect

from handoff.backend.base import Backend
from handoff.settings import Settings
from handoff.web.app import create_app

TIMEOUT = 10.0
DEMO_PASSWORD = "demo-password"


STAND_IN_RESOURCES = "I'm so sorry. Please call or text 988, 24/7."


class StandInRasa:
    def __init__(self) -> None:
        self.handoff_url = ""
        self.service_token = "service-token"
        self.down = False
        self.paused: set[str] = set()
        self.received: list[tuple[str, str, dict[str, Any]]] = []
        self.events: list[tuple[str, list[dict[str, Any]]]] = []
        self.app = web.Application()
        self.app.router.add_post("/webhooks/rest/webhook", self.webhook)
        self.app.router.add_post("/conversations/{cid}/tracker/events", self.append_events)
        self.app.router.add_post("/conversations/{cid}/trigger_intent", self.trigger_intent)
        self.app.router.add_get("/conversations/{cid}/tracker", self.tracker)
        self.app.router.add_get("/status", self.status)

    async def webhook(self, request: web.Request) -> web.Response:
        if self.down:
            return web.Response(status=500)
        body = await request.json()
        cid, text = body["sender"], body["message"]
        self.received.append((cid, text, body.get("metadata") or {}))
        if "slow" in text:
            await asyncio.sleep(3.0)
        if cid in self.paused:
            return web.json_response([])
        if "person" in text:
            async with aiohttp.ClientSession() as session:
                await session.post(
                    f"{self.handoff_url}/api/escalations",
                    json={
                        "conversation_id": cid,
                        "employee_id": body["metadata"]["employee_id"],
                        "reason": "crisis"
                        if "hits me" in text
                        else "acute_distress"
                        if "!!" in text
                        else "explicit_request",
                        "skill": "hr",
                        "distress": 0.9 if "!!" in text else 0.2,
                        "evidence": {
                            "intent": "request_human",
                            **({"crisis_kinds": ["abuse"]} if "hits me" in text else {}),
                        },
                        "tone_timeline": [["angry", 0.9]],
                        "profile": {"name": "Alex Morgan"},
                    },
                    headers={"Authorization": f"Bearer {self.service_token}"},
                )
            return web.json_response([{"recipient_id": cid, "text": "I'm bringing in someone from HR."}])
        if "offer" in text:
            return web.json_response([{"text": "Would you like a person?", "custom": {"handoff_offer": True}}])
        buttons = [{"title": "Yes", "payload": "/affirm"}] if "buttons" in text else []
        return web.json_response([{"recipient_id": cid, "text": f"bot: {text}", "buttons": buttons}])

    async def append_events(self, request: web.Request) -> web.Response:
        if request.query.get("token") != "rasa-token":
            return web.Response(status=401)
        cid = request.match_info["cid"]
        events = await request.json()
        self.events.append((cid, events))
        for event in events:
            if event["event"] == "pause":
                self.paused.add(cid)
            elif event["event"] == "resume":
                self.paused.discard(cid)
        return web.json_response({"sender_id": cid})

    async def trigger_intent(self, request: web.Request) -> web.Response:
        cid = request.match_info["cid"]
        handback = next(
            (e["value"] for _, evs in reversed(self.events) for e in evs if e.get("name") == "handback"), {}
        )
        text = f"Welcome back. {handback.get('agent_name') or 'Nobody'} handed you back: {handback.get('summary', '')}"
        return web.json_response({"tracker": {}, "messages": [{"recipient_id": cid, "text": text}]})

    async def tracker(self, request: web.Request) -> web.Response:
        last = self.received[-1][1] if self.received else ""
        distress = 0.9 if "!!" in last else 0.1
        crisis = STAND_IN_RESOURCES if "want to die" in last else None
        return web.json_response(
            {
                "slots": {
                    "tone": "angry" if distress > 0.5 else "neutral",
                    "distress": distress,
                    "crisis_resources": crisis,
                },
                "latest_message": {"tone": {"cues": ["exclamations"] if distress > 0.5 else []}},
            }
        )

    async def status(self, request: web.Request) -> web.Response:
        return web.json_response({"model_file": "stand-in"})


@asynccontextmanager
async def serve_app(app: web.Application) -> AsyncIterator[str]:
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


@asynccontextmanager
async def stand_in_rasa() -> AsyncIterator[tuple[StandInRasa, str]]:
    rasa = StandInRasa()
    async with serve_app(rasa.app) as url:
        yield rasa, url


@asynccontextmanager
async def handoff_service(settings: Settings, backend: Backend | None = None) -> AsyncIterator[str]:
    async with serve_app(create_app(settings, backend, demo_password=DEMO_PASSWORD)) as url:
        yield url


class Client:
    """A websocket client (the `websockets` library); frames not asked for yet wait in ``pending``."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.seen: list[dict[str, Any]] = []
        self.pending: list[dict[str, Any]] = []

    async def send(self, frame: dict[str, Any] | str) -> None:
        await self.ws.send(frame if isinstance(frame, str) else json.dumps(frame))

    async def next(self, type_: str, timeout: float = TIMEOUT, **match: Any) -> dict[str, Any]:
        """The first unconsumed frame of ``type_`` (and matching fields); fails after ``timeout``."""

        def fits(frame: dict[str, Any]) -> bool:
            return frame.get("type") == type_ and all(frame.get(k) == v for k, v in match.items())

        for frame in self.pending:
            if fits(frame):
                self.pending.remove(frame)
                return frame

        async def wait() -> dict[str, Any]:
            while True:
                frame = json.loads(await self.ws.recv())
                self.seen.append(frame)
                if fits(frame):
                    return frame
                self.pending.append(frame)

        return await asyncio.wait_for(wait(), timeout)

    async def entry(self, timeout: float = TIMEOUT, **match: Any) -> dict[str, Any]:
        return await self.next("entry", timeout, **match)

    async def quiet(self, seconds: float = 0.5) -> list[dict[str, Any]]:
        """Frames arriving within ``seconds`` (to check that something does NOT arrive)."""
        got: list[dict[str, Any]] = self.pending
        self.pending = []
        try:
            while True:
                got.append(json.loads(await asyncio.wait_for(self.ws.recv(), seconds)))
        except asyncio.TimeoutError:
            return got

    async def close(self) -> None:
        await self.ws.close()


async def http_json(method: str, url: str, body: Any = None, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    async with aiohttp.ClientSession() as session, session.request(method, url, json=body, headers=headers) as response:
        return response.status, await response.json(content_type=None)


async def employee(
    base: str, employee_id: str = "E1001", token: str | None = None, last_seen: int = 0
) -> tuple[Client, str]:
    """A signed-in employee socket (demo session), after its welcome frame; returns the client and the token."""
    if token is None:
        status, body = await http_json("POST", f"{base}/api/demo/sessions", {"employee_id": employee_id})
        assert status == 200, body
        token = body["token"]
    client = Client(await connect(base.replace("http", "ws") + "/ws/employee"))
    await client.send({"type": "hello", "token": token, "last_seen": last_seen})
    await client.next("welcome")
    return client, token


async def agent(base: str, agent_id: str = "alex", status: str = "online") -> Client:
    code, body = await http_json("POST", f"{base}/api/agents/login", {"agent_id": agent_id, "password": DEMO_PASSWORD})
    assert code == 200, body
    client = Client(await connect(base.replace("http", "ws") + "/ws/agent"))
    await client.send({"type": "hello", "token": body["token"]})
    await client.next("welcome")
    if status != "online":
        await client.send({"type": "presence", "status": status})
        await client.next("presence")
    return client
