"""The agent's websocket: presence, the live queue, claims, replies, notes, transfers, hand-backs.

Supervisors use the same endpoint and also see every agent's load, and may open any conversation.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiohttp import web

from handoff.backend.base import AgentAccount
from handoff.canned import CANNED_RESPONSES
from handoff.core.events import AddNote, AgentSaid, Claim, Close, Decline, HandBack, Transfer
from handoff.core.lifecycle import require_owner
from handoff.core.model import JSON, Conversation, State
from handoff.core.routing import priority
from handoff.desk import Desk, agent_ref
from handoff.errors import BadFrame, Forbidden, NoOneOnline, NotFound
from handoff.protocol import AGENT_FRAMES, PRESENCE, SKILLS
from handoff.settings import Settings
from handoff.web.hub import Connection, Thunk, stop_task, typing_message
from handoff.web.sockets import frame_loop, handshake, open_socket
from handoff.web.state import DESK, HUB, SETTINGS

log = logging.getLogger("handoff.agent")


def offer_frame(cid: str, deadline: float, summary: JSON) -> JSON:
    """The ``offer`` frame, live or re-sent to a socket that opened during the offer."""
    return {"type": "offer", "conversation_id": cid, "deadline": deadline, "summary": summary}


class AgentConnection(Connection):
    role = "agent"

    def __init__(self, ws: web.WebSocketResponse, desk: Desk, account: AgentAccount, settings: Settings) -> None:
        super().__init__(ws, desk.backend)
        self.desk = desk
        self.account = account
        self.settings = settings
        self._typing_off: dict[str, asyncio.TimerHandle] = {}

    @property
    def supervisor(self) -> bool:
        return self.account.role == "supervisor"

    # --- outbound -----------------------------------------------------------------------------------
    async def _queued(self) -> list[tuple[Conversation, float]]:
        """Every queued conversation with its queue score, across the skills' queues."""
        found = []
        for skill in sorted(SKILLS):
            for cid, score in await self.desk.backend.queue(skill):
                conv = await self.desk.backend.get(cid)
                if conv is not None and conv.state is State.QUEUED:
                    found.append((conv, score))
        return found

    async def queue_snapshot(self) -> None:
        now = self.desk.clock()
        items = [
            {
                **conv.summary(),
                "priority": round(priority(score, now)),
                "waiting_s": round(now - (conv.queued_at or now)),
                "score": score,
            }
            for conv, score in await self._queued()
        ]
        items.sort(key=lambda item: item["score"])
        await self.ws.send_json({"type": "queue", "items": items})

    async def pending_offers(self) -> None:
        """Offers made to this agent before this socket opened (a reload, a second tab, a reconnect).

        The live ``offer`` frame went to the sockets open at the time; without this a console that
        reconnects shows nothing until the offer lapses and passes to someone else."""
        now = self.desk.clock()
        for conv, _ in await self._queued():
            if conv.offered_to != self.account.id or conv.offer_deadline is None or conv.offer_deadline <= now:
                continue  # someone else's, or lapsed: routing withdraws it and moves on
            await self.ws.send_json(offer_frame(conv.id, conv.offer_deadline, conv.summary()))

    async def agents_snapshot(self) -> None:
        if not self.supervisor:
            return
        now = self.desk.clock()
        loads = await self.desk.loads(now)
        statuses = await self.desk.backend.statuses()
        agents = [
            {
                **a.public(),
                "status": statuses.get(a.id, "offline"),
                "online": loads[a.id].online,
                "active": loads[a.id].active,
            }
            for a in await self.desk.backend.accounts()
            if a.id in loads
        ]
        await self.ws.send_json({"type": "agents", "agents": agents})

    def open(self, cid: str, last_seen: int = 0) -> None:
        """Send the handoff packet and the transcript after ``last_seen``, then follow the conversation live."""

        async def packet() -> None:
            conv = await self.desk.backend.get(cid)
            if conv is None:
                return
            entries = await self.desk.backend.read_log(cid, after=last_seen)
            esc = conv.escalation
            await self.ws.send_json(
                {
                    "type": "conversation",
                    "conversation_id": cid,
                    "summary": conv.summary(),
                    "escalation": {
                        **esc.packet,
                        "reason": esc.reason,
                        "skill": esc.skill,
                        "distress": esc.distress,
                        "at": esc.at,
                    }
                    if esc
                    else None,
                    "transcript": [e.to_dict() for e in entries],
                    "last_id": conv.last_id,
                }
            )
            self.delivered[cid] = max([self.delivered.get(cid, 0), *(e.id for e in entries)])

        self.delivered.setdefault(cid, last_seen)
        self.send(packet)

    def on_message(self, message: JSON) -> None:
        kind = message.get("t")
        if kind == "commit":
            cid = message["cid"]
            self.deliver(cid, message["entries"])
            if cid in self.delivered or self.supervisor:
                self.send({"type": "conversation_update", "conversation_id": cid, "summary": message["summary"]})
            for op in message["load"]:
                if op["agent_id"] != self.account.id:
                    continue
                if op["add"]:
                    self.open(cid)
                else:
                    self.send(self._released(cid))  # after this commit's entries, which are queued before it
            if message["queue_changed"]:
                self.once("queue", self.queue_snapshot)
            if message["load"] or message["queue_changed"]:
                self.once("agents", self.agents_snapshot)
        elif kind == "offer" and message["agent_id"] == self.account.id:
            self.send(offer_frame(message["cid"], message["deadline"], message["summary"]))
        elif kind == "offer_withdrawn" and message["agent_id"] == self.account.id:
            self.send({"type": "offer_withdrawn", "conversation_id": message["cid"]})
        elif kind == "typing" and message["cid"] in self.delivered and message.get("agent_id") != self.account.id:
            self.send(
                {
                    "type": "typing",
                    "conversation_id": message["cid"],
                    "who": message["who"],
                    "name": message.get("name"),
                    "active": message["active"],
                }
            )
        elif kind == "agents":
            self.once("agents", self.agents_snapshot)

    def _released(self, cid: str) -> Thunk:
        async def release() -> None:
            self.delivered.pop(cid, None)
            await self.ws.send_json({"type": "released", "conversation_id": cid})

        return release

    # --- inbound ------------------------------------------------------------------------------------
    async def _owned_or_supervised(self, cid: str) -> None:
        conv = await self.desk.backend.get(cid)
        if conv is None:
            raise NotFound(f"conversation {cid}")
        mine = conv.agent is not None and conv.agent.id == self.account.id
        if not (mine or self.supervisor):
            raise Forbidden(f"agent {self.account.id} may not open {cid}")

    async def _claim(self, cid: str) -> None:
        conv = await self.desk.backend.get(cid)
        if conv is None:
            raise NotFound(f"conversation {cid}")
        if not self.supervisor and conv.queue_skill is not None and conv.queue_skill not in self.account.skills:
            raise Forbidden(f"agent {self.account.id} lacks skill {conv.queue_skill}")
        claim = Claim(agent_ref(self.account), self.desk.clock() + self.settings.reply_sla)
        await self.desk.apply(cid, claim, capacity=(self.account.id, self.account.capacity))

    async def _transfer(self, frame: dict[str, Any]) -> None:
        """Checks the frame and the conversation before who is online, so a wrong request says what is wrong."""
        if bool(frame.get("to_agent")) == bool(frame.get("to_skill")):
            raise BadFrame("transfer needs exactly one of to_agent and to_skill")
        conv = await self.desk.backend.get(frame["conversation_id"])
        if conv is None:
            raise NotFound(f"conversation {frame['conversation_id']}")
        require_owner(conv, self.account.id)
        to_agent, capacity = None, None
        if frame.get("to_agent"):
            account = await self.desk.backend.account(frame["to_agent"])
            if account is None:
                raise NotFound(f"agent {frame['to_agent']}")
            skill = conv.queue_skill or (conv.escalation.skill if conv.escalation else None)
            if skill is not None and skill not in account.skills and account.role != "supervisor":
                raise BadFrame(f"agent {account.id} lacks skill {skill}")
            load = (await self.desk.loads(self.desk.clock(), count_offers=False))[account.id]
            if not load.online:
                raise NoOneOnline(f"agent {account.id} is not online")
            to_agent = agent_ref(account)
            capacity = (account.id, account.capacity)
        elif frame.get("to_skill"):
            # An empty queue would leave the employee waiting with no one to come: the agent keeps it and
            # can write a note or hand it back with a ticket instead.
            loads = await self.desk.loads(self.desk.clock(), count_offers=False)
            if not any(
                load.online and frame["to_skill"] in load.skills and load.id != self.account.id
                for load in loads.values()
            ):
                raise NoOneOnline(f"nobody else online in {frame['to_skill']}")
        reply_deadline = self.desk.clock() + self.settings.reply_sla
        transfer = Transfer(self.account.id, to_agent, frame.get("to_skill"), reply_deadline)
        await self.desk.apply(frame["conversation_id"], transfer, capacity=capacity)

    async def typing(self, cid: str, active: bool) -> None:
        timer = self._typing_off.pop(cid, None)
        if timer is not None:
            timer.cancel()
        await self.desk.backend.publish(
            typing_message(cid, "agent", active, name=self.account.name, agent_id=self.account.id)
        )
        if active:
            loop = asyncio.get_running_loop()
            self._typing_off[cid] = loop.call_later(
                self.settings.typing_timeout, lambda: self.desk.spawn(self.typing(cid, False))
            )

    async def handle(self, frame: dict[str, Any]) -> None:
        kind, cid = frame["type"], frame.get("conversation_id")
        me = self.account.id
        if kind == "presence":
            if frame["status"] not in PRESENCE:
                raise BadFrame("status must be online or away")
            await self.desk.backend.set_status(me, frame["status"])
            await self.desk.backend.publish({"t": "agents"})
            self.send({"type": "presence", "status": frame["status"]})
            self.desk.spawn(self.desk.route())
        elif kind == "open":
            assert cid is not None
            await self._owned_or_supervised(cid)
            self.open(cid, frame.get("last_seen") or 0)
        elif kind == "claim":
            assert cid is not None
            await self._claim(cid)
        elif kind == "decline":
            assert cid is not None
            await self.desk.apply(cid, Decline(me))
        elif kind == "message":
            assert cid is not None
            outcome = await self.desk.apply(cid, AgentSaid(me, frame["text"], frame.get("client_id")))
            self.send({"type": "ack", "conversation_id": cid, "client_id": frame.get("client_id"), "id": outcome.ack})
            if cid in self._typing_off:
                await self.typing(cid, False)
        elif kind == "note":
            assert cid is not None
            await self._owned_or_supervised(cid)
            outcome = await self.desk.apply(cid, AddNote(me, frame["text"]))
            self.send({"type": "ack", "conversation_id": cid, "client_id": None, "id": outcome.ack})
        elif kind == "typing":
            assert cid is not None
            await self._owned_or_supervised(cid)
            await self.typing(cid, frame["active"])
        elif kind == "transfer":
            await self._transfer(frame)
        elif kind == "hand_back":
            assert cid is not None
            await self.desk.apply(cid, HandBack(me, frame.get("summary") or "", frame["label"]))
        elif kind == "close":
            assert cid is not None
            outcome = await self.desk.apply(cid, Close(me, frame["label"]))
            if not outcome.load:  # only labelled (the employee had ended it): nothing else will release the tab
                self.send(self._released(cid))
        elif kind == "ping":
            self.send({"type": "pong"})
        elif kind == "hello":
            raise BadFrame("already signed in")

    async def heartbeat(self) -> None:
        """Keep this socket counted as live; a failed beat is retried, never fatal."""
        while True:
            try:
                now = self.desk.clock()
                await self.desk.backend.heartbeat(self.account.id, self.id, now + 3 * self.settings.heartbeat)
            except Exception:
                log.warning("heartbeat failed; retrying", extra={"agent_id": self.account.id}, exc_info=True)
            await asyncio.sleep(self.settings.heartbeat)


async def agent_socket(request: web.Request) -> web.WebSocketResponse:
    settings, desk, hub = request.app[SETTINGS], request.app[DESK], request.app[HUB]
    ws = await open_socket(request)
    shaken = await handshake(request, ws, AGENT_FRAMES, frozenset({"agent", "supervisor"}))
    if shaken is None:
        return ws
    identity, _ = shaken
    account = await desk.backend.account(identity.subject)
    if account is None:
        await ws.close(code=4401, message=b"unknown agent")
        return ws
    connection = AgentConnection(ws, desk, account, settings)
    context = {"agent_id": account.id}
    hub.add(connection)
    beat = asyncio.get_running_loop().create_task(connection.heartbeat())
    try:
        connection.start()
        statuses = await desk.backend.statuses()
        status = statuses.get(account.id, "online")
        if status == "offline":
            status = "online"
        await desk.backend.set_status(account.id, status)
        connection.send({"type": "welcome", "agent": account.public(), "status": status, "canned": CANNED_RESPONSES})
        for cid in sorted(await desk.backend.active(account.id)):
            connection.open(cid)
        connection.once("queue", connection.queue_snapshot)
        connection.send(connection.pending_offers)
        await desk.backend.publish({"t": "agents"})
        desk.spawn(desk.route())
        log.info("agent connected", extra=context)
        await frame_loop(ws, connection, AGENT_FRAMES, settings.max_text, connection.handle, context)
    finally:
        hub.remove(connection)
        await stop_task(beat)
        try:
            for cid in list(connection._typing_off):
                await connection.typing(cid, False)
            await desk.backend.drop_connection(account.id, connection.id)
            await desk.backend.publish({"t": "agents"})
        except Exception:
            log.warning("agent socket cleanup incomplete (its heartbeat will expire)", extra=context, exc_info=True)
        finally:
            await connection.stop()
        log.info("agent disconnected", extra=context)
    return ws
