"""The employee's websocket: one conversation, bound by a signed token.

While the bot has the conversation the employee's messages go to Rasa and its replies come back; once a
person has it they go to the agent (and still to Rasa, paused, for the record and live tone).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiohttp import web

from handoff.core.events import CancelWaiting, Close, EmployeeSaid, Rate
from handoff.core.model import AGENT_ONLY, JSON
from handoff.desk import Desk
from handoff.errors import Forbidden, error_frame, internal_error_frame
from handoff.protocol import EMPLOYEE_FRAMES
from handoff.web.hub import Connection, typing_message
from handoff.web.sockets import frame_loop, handshake, open_socket
from handoff.web.state import DESK, HUB, SETTINGS

log = logging.getLogger("handoff.employee")
HIDDEN = frozenset(k.value for k in AGENT_ONLY)  # entry kinds as they travel in frames


class EmployeeConnection(Connection):
    role = "employee"

    def __init__(
        self, ws: web.WebSocketResponse, desk: Desk, cid: str, employee_id: str, typing_timeout: float
    ) -> None:
        super().__init__(ws, desk.backend)
        self.desk = desk
        self.cid = cid
        self.employee_id = employee_id
        self.typing_timeout = typing_timeout
        self._last_queue: tuple[int, int | None] | None = None
        self._typing_off: asyncio.TimerHandle | None = None

    async def resume(self, last_seen: int) -> None:
        """Welcome, then everything after ``last_seen``, then the queue position (runs in the outbox)."""

        async def replay() -> None:
            nonlocal last_seen
            conv = await self.desk.backend.get(self.cid)
            if conv is None:
                return
            reset = last_seen > conv.last_id  # the client saw more than the log holds: it restarted
            if reset:
                last_seen = self.delivered[self.cid] = 0
            entries = await self.desk.backend.read_log(self.cid, after=last_seen)
            await self.ws.send_json(
                {
                    "type": "welcome",
                    "reset": reset,
                    "conversation_id": self.cid,
                    "employee_id": self.employee_id,
                    "state": conv.state.value,
                    "last_id": conv.last_id,
                }
            )
            for entry in entries:
                if entry.for_employee:
                    await self.ws.send_json({"type": "entry", "conversation_id": self.cid, **entry.to_dict()})
            self.delivered[self.cid] = max([last_seen, *(e.id for e in entries)])
            await self._queue_position()

        self.delivered[self.cid] = last_seen
        self.send(replay)

    def visible(self, entry: JSON) -> bool:
        return entry.get("kind") not in HIDDEN

    async def _queue_position(self) -> None:
        conv = await self.desk.backend.get(self.cid)
        if conv is not None and conv.held_notice is not None:
            return  # the place in the queue follows "Connecting you with a person", which is held for now
        place = await self.desk.position(conv) if conv is not None else None
        key = (place[0], None if place[1] is None else round(place[1] / 15)) if place else None
        if key == self._last_queue:
            return
        self._last_queue = key
        if place is None:
            await self.ws.send_json({"type": "queue", "position": None, "estimate_s": None})
        else:
            estimate = None if place[1] is None else round(place[1])  # None: nobody who could help is online
            await self.ws.send_json({"type": "queue", "position": place[0], "estimate_s": estimate})

    def on_message(self, message: JSON) -> None:
        kind = message.get("t")
        if kind == "commit":
            if message["cid"] == self.cid:
                self.deliver(self.cid, message["entries"])
            mine_waiting = message["cid"] == self.cid and (message["summary"]["state"] == "queued" or self._last_queue)
            if message["queue_changed"] or mine_waiting:
                self.once("queue", self._queue_position)
        elif kind == "typing" and message["cid"] == self.cid and message["who"] == "agent":
            self.send(
                {
                    "type": "typing",
                    "conversation_id": self.cid,
                    "who": "agent",
                    "name": message.get("name"),
                    "active": message["active"],
                }
            )

    async def typing(self, active: bool) -> None:
        if self._typing_off is not None:
            self._typing_off.cancel()
            self._typing_off = None
        await self.desk.backend.publish(typing_message(self.cid, "employee", active))
        if active:  # the server switches it off if the client goes quiet, so it never sticks
            loop = asyncio.get_running_loop()
            self._typing_off = loop.call_later(self.typing_timeout, lambda: self.desk.spawn(self.typing(False)))

    async def handle(self, frame: dict[str, Any]) -> None:
        kind = frame["type"]
        if kind == "message":
            retry_at = self.desk.clock() + self.desk.settings.relay_retry
            outcome = await self.desk.apply(self.cid, EmployeeSaid(frame["text"], frame.get("client_id"), retry_at))
            self.send({"type": "ack", "client_id": frame.get("client_id"), "id": outcome.ack})
            if self._typing_off is not None:
                await self.typing(False)
        elif kind == "typing":
            await self.typing(frame["active"])
        elif kind == "cancel_waiting":
            await self.desk.apply(self.cid, CancelWaiting())
        elif kind == "end":
            await self.desk.apply(self.cid, Close(None))
        elif kind == "rating":
            await self.desk.apply(self.cid, Rate(frame["score"], frame.get("comment") or ""))
        elif kind == "ping":
            self.send({"type": "pong"})
        elif kind == "hello":
            self.send({"type": "error", "code": "bad_frame", "message": "Already signed in.", "ref": "hello"})


async def employee_socket(request: web.Request) -> web.WebSocketResponse:
    settings, desk, hub = request.app[SETTINGS], request.app[DESK], request.app[HUB]
    ws = await open_socket(request)
    shaken = await handshake(request, ws, EMPLOYEE_FRAMES, frozenset({"employee"}))
    if shaken is None:
        return ws
    identity, hello = shaken
    assert identity.conversation_id is not None
    try:
        await desk.open(identity.conversation_id, identity.subject)
    except Forbidden as exc:
        log.info("employee socket refused: %s", exc)
        await ws.send_json(error_frame(exc))
        await ws.close(code=4403, message=b"forbidden")
        return ws
    except Exception:
        log.exception("could not open the conversation")
        await ws.send_json(internal_error_frame())
        await ws.close(code=1011, message=b"unavailable")
        return ws
    connection = EmployeeConnection(ws, desk, identity.conversation_id, identity.subject, settings.typing_timeout)
    context = {"conversation_id": identity.conversation_id}
    hub.add(connection)
    try:
        connection.start()
        await connection.resume(int(hello.get("last_seen") or 0))
        log.info("employee connected", extra=context)
        await frame_loop(ws, connection, EMPLOYEE_FRAMES, settings.max_text, connection.handle, context)
    finally:
        hub.remove(connection)
        try:
            if connection._typing_off is not None:
                connection._typing_off.cancel()
                await desk.backend.publish(typing_message(connection.cid, "employee", False))
        except Exception:
            log.warning("could not clear the typing indicator", extra=context, exc_info=True)
        finally:
            await connection.stop()
        log.info("employee disconnected", extra=context)
    return ws
