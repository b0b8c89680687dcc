"""This process's open sockets, and the one task that fans backend messages out to them.

Each connection has an outbox drained by its own pump task, so a slow browser never holds up the
dispatcher; an outbox that overflows closes that socket (the client reconnects and resumes). Items in an
outbox are frames or thunks (coroutines producing frames), run in order: that is how a resume replays the
log before any live frame, and live frames at or below the replayed id are dropped as duplicates.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from handoff.backend.base import Backend
from handoff.core.model import JSON

log = logging.getLogger("handoff.hub")
OUTBOX_LIMIT = 1000
Thunk = Callable[[], Awaitable[None]]


class Connection:
    """One websocket: an outbox, a pump, and per-conversation delivery marks."""

    role = "connection"

    def __init__(self, ws: web.WebSocketResponse, backend: Backend) -> None:
        self.ws = ws
        self.backend = backend
        self.id = uuid.uuid4().hex
        self.delivered: dict[str, int] = {}
        self._outbox: asyncio.Queue[JSON | Thunk | _LiveEntry] = asyncio.Queue(maxsize=OUTBOX_LIMIT)
        self._pump: asyncio.Task[None] | None = None
        self._scheduled: set[str] = set()
        self._stopping = False

    def start(self) -> None:
        self._pump = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        self._stopping = True  # checked by the pump too: redis-py can swallow a cancellation mid-command
        if self._pump is not None:
            await stop_task(self._pump)

    def send(self, item: JSON | Thunk | _LiveEntry) -> None:
        try:
            self._outbox.put_nowait(item)
        except asyncio.QueueFull:
            log.warning("outbox full; closing %s socket so it resumes", self.role)
            asyncio.get_running_loop().create_task(self.ws.close(code=1013, message=b"overloaded"))

    def once(self, key: str, thunk: Thunk) -> None:
        """Schedule ``thunk`` unless the same kind of refresh is already waiting in the outbox."""
        if key in self._scheduled:
            return
        self._scheduled.add(key)

        async def run() -> None:
            self._scheduled.discard(key)
            await thunk()

        self.send(run)

    def deliver(self, cid: str, entries: list[JSON]) -> None:
        """Live entries of a watched conversation; ids at or below what was sent are dropped when sending."""
        if cid not in self.delivered:
            return
        for entry in entries:
            self.send(_LiveEntry(cid, entry))

    async def _run(self) -> None:
        while not self._stopping:
            item = await self._outbox.get()
            try:
                if isinstance(item, _LiveEntry):
                    await self._send_entry(item)
                elif callable(item):
                    await item()
                elif not self.ws.closed:
                    await self.ws.send_json(item)
            except (ConnectionError, RuntimeError):
                log.debug("send to a closing %s socket failed", self.role)
            except Exception:
                # A replay or refresh that failed half-way must not leave a silent gap: the client resumes.
                log.exception("%s outbox item failed; closing the socket so the client resumes", self.role)
                await self.ws.close(code=1011, message=b"resume")

    async def backfill(self, cid: str, after: int) -> list[JSON]:
        """Entries after ``after`` from the log, for a live entry that arrived past a gap."""
        return [e.to_dict() for e in await self.backend.read_log(cid, after)]

    def visible(self, entry: JSON) -> bool:
        """Whether this socket's user may see the entry (employees: not notes or tone)."""
        return True

    async def _send_entry(self, item: _LiveEntry) -> None:
        """Checked at send time, after any replay before it ran: no duplicates, no gaps, order kept."""
        last = self.delivered.get(item.cid)
        if last is None or item.entry["id"] <= last:
            return
        if item.entry["id"] > last + 1:  # a fan-out message was lost (e.g. Redis reconnect): fill from the log
            for missing in await self.backfill(item.cid, last):
                if missing["id"] >= item.entry["id"]:
                    break
                self.delivered[item.cid] = missing["id"]
                if self.visible(missing) and not self.ws.closed:
                    await self.ws.send_json({"type": "entry", "conversation_id": item.cid, **missing})
        self.delivered[item.cid] = item.entry["id"]
        if self.visible(item.entry) and not self.ws.closed:
            await self.ws.send_json({"type": "entry", "conversation_id": item.cid, **item.entry})

    def on_message(self, message: JSON) -> None:
        raise NotImplementedError


@dataclass(frozen=True)
class _LiveEntry:
    cid: str
    entry: JSON


class Hub:
    def __init__(self) -> None:
        self.connections: set[Connection] = set()

    def add(self, connection: Connection) -> None:
        self.connections.add(connection)

    def remove(self, connection: Connection) -> None:
        self.connections.discard(connection)

    def dispatch(self, message: JSON) -> None:
        for connection in list(self.connections):
            try:
                connection.on_message(message)
            except Exception:
                log.exception("dispatch to a %s socket failed", connection.role)

    async def run(self, backend: Backend, ready: asyncio.Event) -> None:
        """Forward every backend message to this process's sockets until cancelled; resubscribe on failure."""
        while True:
            try:
                async with backend.subscribe() as messages:
                    ready.set()
                    async for message in messages:
                        self.dispatch(message)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("fan-out listener failed; resubscribing (later entries fill any gap)")
                await asyncio.sleep(1.0)


async def stop_task(task: asyncio.Task[Any], grace: float = 2.0) -> None:
    """Cancel and wait a little; a task that swallowed the cancellation is left to the loop, not awaited forever."""
    task.cancel()
    await asyncio.wait([task], timeout=grace)


async def close_all(hub: Hub) -> None:
    for connection in list(hub.connections):
        await connection.ws.close(code=1001, message=b"server shutting down")


def typing_message(cid: str, who: str, active: bool, **extra: Any) -> JSON:
    return {"t": "typing", "cid": cid, "who": who, "active": active, **extra}
