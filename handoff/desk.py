"""The service's behaviour between the sockets and the backend.

``Desk.apply`` runs an event through the pure lifecycle inside a backend commit, then performs the
effects: relaying to Rasa (one call at a time per conversation, in order), pausing and resuming the bot,
tickets, wait statistics and offers. ``tick`` drives the timers and push routing; any number of
processes may run it at once, because every change is a compare-and-set commit.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from dataclasses import replace
from typing import Any

from handoff.backend.base import AgentAccount, Backend
from handoff.core import lifecycle
from handoff.core.events import (
    AgentLost,
    BotFailed,
    BotSaid,
    Escalate,
    Event,
    NobodyAvailable,
    OfferMade,
    OfferTo,
    OfferWithdrawn,
    OpenTicket,
    Outcome,
    PauseBot,
    RelayToBot,
    ResumeBot,
    Tick,
    Ticketed,
    ToneScored,
    WaitObserved,
)
from handoff.core.model import JSON, AgentRef, Conversation, State
from handoff.core.routing import AgentLoad, choose_agent, wait_estimate
from handoff.errors import BadFrame, Forbidden, HandoffError, IllegalTransition, Unavailable
from handoff.protocol import SKILLS
from handoff.rasa import RasaClient
from handoff.settings import Settings

log = logging.getLogger("handoff.desk")

TEAMS = {"hr": "HR", "payroll": "Payroll", "it": "IT"}


def agent_ref(account: AgentAccount) -> AgentRef:
    return AgentRef(account.id, account.name, account.team)


class Desk:
    def __init__(
        self, settings: Settings, backend: Backend, rasa: RasaClient, clock: Callable[[], float] = time.time
    ) -> None:
        self.settings = settings
        self.backend = backend
        self.rasa = rasa
        self.clock = clock
        self._bot_locks: dict[str, asyncio.Lock] = {}
        self._route_lock = asyncio.Lock()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._unattended_since: dict[str, float] = {}
        self._nobody_since: dict[str, float] = {}

    # --- conversations ------------------------------------------------------------------------------
    async def open(self, conversation_id: str, employee_id: str) -> Conversation:
        """The employee's conversation, created on first use; Forbidden if it belongs to someone else."""
        conv = await self.backend.get(conversation_id)
        if conv is None:
            await self.backend.create(lifecycle.start(conversation_id, employee_id, self.clock()))
            conv = await self.backend.get(conversation_id)
        if conv is None or conv.employee_id != employee_id:
            raise Forbidden(f"conversation {conversation_id} is not {employee_id}'s")
        return conv

    async def apply(self, conversation_id: str, event: Event, capacity: tuple[str, int] | None = None) -> Outcome:
        """``capacity``: (agent id, limit) that the commit must respect atomically (claims, transfers)."""
        now = self.clock()
        outcome = await self.backend.commit(conversation_id, lambda conv: lifecycle.apply(conv, event, now), capacity)
        await self._perform(outcome)
        return outcome

    async def escalate(self, payload: JSON) -> Outcome:
        """An escalation decision posted by the action server."""
        cid, employee = str(payload["conversation_id"]), str(payload["employee_id"])
        await self.open(cid, employee)
        skill = str(payload.get("skill") or "hr")
        try:
            distress = min(max(float(payload.get("distress") or 0.0), 0.0), 1.0)
        except (TypeError, ValueError) as exc:
            raise BadFrame("distress must be a number") from exc
        reason = str(payload.get("reason") or "explicit_request")
        skill = skill if skill in SKILLS else "hr"
        packet = {k: v for k, v in payload.items() if k not in ("conversation_id", "employee_id", "ticket")}
        if payload.get("ticket"):  # nobody was available: the bot opened a request instead
            return await self.apply(cid, Ticketed(reason, skill, str(payload["ticket"])[:32], distress, packet))
        return await self.apply(cid, Escalate(reason, skill, distress, packet))

    async def _perform(self, outcome: Outcome) -> None:
        conv = outcome.conversation
        for effect in outcome.effects:
            if isinstance(effect, RelayToBot):
                self.spawn(self._relay(conv.id, conv.employee_id, effect))
            elif isinstance(effect, PauseBot):
                self.spawn(self._pause(conv.id))
            elif isinstance(effect, ResumeBot):
                self.spawn(self._resume(conv.id, effect.handback))
            elif isinstance(effect, OpenTicket):
                await self._ticket(conv, effect.reason)
            elif isinstance(effect, WaitObserved):
                await self.backend.observe_wait(effect.skill, effect.seconds)
            elif isinstance(effect, OfferMade):
                await self.backend.publish(
                    {
                        "t": "offer",
                        "agent_id": effect.agent_id,
                        "cid": conv.id,
                        "deadline": effect.deadline,
                        "summary": conv.summary(),
                    }
                )
            elif isinstance(effect, OfferWithdrawn):
                await self.backend.publish({"t": "offer_withdrawn", "agent_id": effect.agent_id, "cid": conv.id})
        if outcome.queue or any(isinstance(e, OfferWithdrawn) for e in outcome.effects):
            self.spawn(self.route())

    # --- the assistant ------------------------------------------------------------------------------
    def _bot_lock(self, conversation_id: str) -> asyncio.Lock:
        return self._bot_locks.setdefault(conversation_id, asyncio.Lock())

    async def _relay(self, cid: str, employee_id: str, effect: RelayToBot) -> None:
        async with self._bot_lock(cid):
            try:
                replies = await self.rasa.send(cid, effect.text, employee_id)
            except Unavailable:
                log.warning("assistant unavailable", extra={"conversation_id": cid}, exc_info=True)
                await self._bot_failed(cid)
                return
            conv = await self.backend.get(cid)
            if conv is not None and not replies and conv.state in (State.BOT, State.OFFERED):
                # Rasa answers 200 with nothing when a custom action fails (action server down): never
                # leave the employee talking to silence.
                log.warning("assistant gave no reply", extra={"conversation_id": cid})
                await self._bot_failed(cid)
                return
            if conv is not None and replies:
                try:
                    await self.apply(cid, BotSaid(tuple(replies)))
                except IllegalTransition:
                    log.warning(
                        "bot replied while a person has the conversation; dropped", extra={"conversation_id": cid}
                    )
            if conv is None or conv.state is State.CLOSED:
                return
            try:
                tone = await self.rasa.tone(cid)
                # Rasa answers nothing while paused: then its resources for a crisis cue are ours to send.
                resources = "" if replies else tone["crisis_resources"]
                scored = ToneScored(effect.message_id, tone["tone"], tone["distress"], tuple(tone["cues"]), resources)
                await self.apply(cid, scored)
            except HandoffError:
                log.warning("no tone for this turn", extra={"conversation_id": cid})

    async def _bot_failed(self, cid: str) -> None:
        conv = await self.backend.get(cid)
        if conv is None or conv.state not in (State.BOT, State.OFFERED):
            return  # a person has it: the record just misses a turn
        online = await self.agents_online("hr")
        try:
            await self.apply(cid, BotFailed(agents_online=online > 0))
        except HandoffError:
            log.exception("could not fall back after the assistant failed", extra={"conversation_id": cid})

    async def _pause(self, cid: str) -> None:
        async with self._bot_lock(cid):
            try:
                await self.rasa.pause(cid)
            except Unavailable:
                log.warning("could not pause the assistant", extra={"conversation_id": cid})

    async def _resume(self, cid: str, handback: JSON) -> None:
        async with self._bot_lock(cid):
            try:
                messages = await self.rasa.hand_back(cid, handback)
            except Unavailable:
                log.warning("could not resume the assistant", extra={"conversation_id": cid})
                return
            if messages:
                try:
                    await self.apply(cid, BotSaid(tuple(messages)))
                except IllegalTransition:
                    log.warning("greeting after hand-back dropped", extra={"conversation_id": cid})

    async def _ticket(self, conv: Conversation, reason: str) -> None:
        entries = await self.backend.read_log(conv.id)
        transcript = [{"kind": e.kind.value, "text": e.text, "at": e.at} for e in entries if e.for_employee and e.text]
        number = await self.backend.add_ticket(
            {
                "conversation_id": conv.id,
                "employee_id": conv.employee_id,
                "reason": reason,
                "at": self.clock(),
                "transcript": transcript,
            }
        )
        log.info("ticket %s opened", number, extra={"conversation_id": conv.id})

    # --- agents and routing -------------------------------------------------------------------------
    async def loads(self, now: float, count_offers: bool = True) -> dict[str, AgentLoad]:
        """Every agent's presence and load; ``count_offers`` also reads the queues for pending offers
        (routing needs them; "who is online" does not, and is asked on hot paths)."""
        statuses = await self.backend.statuses()
        pending: dict[str, int] = {}
        for skill in SKILLS if count_offers else ():
            for cid, _ in await self.backend.queue(skill):
                conv = await self.backend.get(cid)
                if conv is not None and conv.offered_to:
                    pending[conv.offered_to] = pending.get(conv.offered_to, 0) + 1
        loads = {}
        for account in await self.backend.accounts():
            live = await self.backend.live_connections(account.id, now)
            loads[account.id] = AgentLoad(
                id=account.id,
                online=statuses.get(account.id) == "online" and live > 0,
                skills=account.skills,
                capacity=account.capacity,
                active=len(await self.backend.active(account.id)),
                pending_offers=pending.get(account.id, 0),
            )
        return loads

    async def agents_online(self, skill: str) -> int:
        loads = await self.loads(self.clock(), count_offers=False)
        return sum(1 for load in loads.values() if load.online and skill in load.skills)

    async def position(self, conv: Conversation) -> tuple[int, float | None] | None:
        """The employee's place in the queue (1 = next) and the estimated wait in seconds."""
        if conv.state is not State.QUEUED or conv.queue_skill is None:
            return None
        ids = [cid for cid, _ in await self.backend.queue(conv.queue_skill)]
        if conv.id not in ids:
            return None
        place = ids.index(conv.id) + 1
        average = await self.backend.average_wait(conv.queue_skill)
        return place, wait_estimate(place, average, await self.agents_online(conv.queue_skill))

    async def route(self) -> None:
        """Offer each waiting conversation nobody is considering to the least-busy fitting agent."""
        async with self._route_lock:
            now = self.clock()
            loads = await self.loads(now)
            accounts = {a.id: a for a in await self.backend.accounts()}
            waiting: list[tuple[float, str, str]] = []
            for skill in SKILLS:
                waiting.extend((score, cid, skill) for cid, score in await self.backend.queue(skill))
            waiting.sort()  # the most urgent first, whatever the queue
            for _, cid, skill in waiting:
                conv = await self.backend.get(cid)
                if conv is None or conv.state is not State.QUEUED or conv.offered_to:
                    continue
                # Those who let it lapse or declined come last, after a pause, rather than never again.
                chosen = choose_agent(loads.values(), skill, conv.passed_over)
                rested = conv.last_offer_end is None or now - conv.last_offer_end >= self.settings.offer_sla
                if chosen is None and rested:
                    chosen = choose_agent(loads.values(), skill)
                if chosen is None:
                    continue
                try:
                    await self.apply(cid, OfferTo(agent_ref(accounts[chosen.id]), now + self.settings.offer_sla))
                except HandoffError:
                    continue  # another process offered or someone claimed meanwhile
                loads[chosen.id] = replace(chosen, pending_offers=chosen.pending_offers + 1)

    async def tick(self) -> None:
        """Expire offers and reply deadlines, requeue the conversations of agents gone for good, route."""
        now = self.clock()
        for cid in await self.backend.due(now):
            try:
                await self.apply(cid, Tick())
            except HandoffError:
                log.debug("tick skipped", extra={"conversation_id": cid})
        for account in await self.backend.accounts():
            active = await self.backend.active(account.id)
            if not active or await self.backend.live_connections(account.id, now) > 0:
                self._unattended_since.pop(account.id, None)
                continue
            since = self._unattended_since.setdefault(account.id, now)
            if now - since < self.settings.agent_grace:
                continue
            for cid in sorted(active):
                try:
                    await self.apply(cid, AgentLost(account.id, "disconnected"))
                except HandoffError:
                    log.debug("agent-lost skipped", extra={"conversation_id": cid})
        await self._give_up_when_nobody_is_left(now)
        await self.route()

    async def _give_up_when_nobody_is_left(self, now: float) -> None:
        """A queue whose agents all went offline: after a grace period, ticket its waiting employees."""
        loads: dict[str, AgentLoad] | None = None  # read only when someone is waiting (every tick runs this)
        for skill in SKILLS:
            waiting = await self.backend.queue(skill)
            if waiting and loads is None:
                loads = await self.loads(now, count_offers=False)
            if not waiting or any(load.online and skill in load.skills for load in (loads or {}).values()):
                self._nobody_since.pop(skill, None)
                continue
            since = self._nobody_since.setdefault(skill, now)
            if now - since < self.settings.nobody_grace:
                continue
            for cid, _ in waiting:
                try:
                    await self.apply(cid, NobodyAvailable())
                except HandoffError:
                    log.debug("nobody-available skipped", extra={"conversation_id": cid})

    # --- tasks --------------------------------------------------------------------------------------
    def spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("background task failed", exc_info=task.exception())

    async def drain(self) -> None:
        """Let started relays finish (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def close(self) -> None:
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=2)
