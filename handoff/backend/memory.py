"""The in-process backend: one handoff process without Redis (the default when REDIS_URL is unset).

State lives in dicts and is lost when the process stops. ``commit`` needs no lock: the step is plain
synchronous code, so nothing else runs on the event loop between reading and writing the record.
Like Redis, it forgets a closed conversation (record and log) ``retention`` seconds after it closed,
so a long-running process does not grow without bound.
"""

from __future__ import annotations

import asyncio
import heapq
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from handoff.backend.base import AgentAccount, Backend, Capacity, Step, commit_message
from handoff.core.events import Outcome
from handoff.core.model import JSON, Conversation, Entry, State
from handoff.core.routing import next_wait_estimate
from handoff.errors import AtCapacity, NotFound


class MemoryBackend(Backend):
    name = "memory"

    def __init__(self, retention: float = 90 * 86400, clock: Callable[[], float] = time.time) -> None:
        self._retention = retention
        self._clock = clock
        self._expires: dict[str, float] = {}  # closed conversations: when they are forgotten
        self._expiry_order: list[tuple[float, str]] = []  # a heap of (expires, id)
        self._conversations: dict[str, Conversation] = {}
        self._logs: dict[str, list[Entry]] = {}
        self._queues: dict[str, dict[str, float]] = {}
        self._deadlines: dict[str, float] = {}
        self._waits: dict[str, float] = {}
        self._accounts: dict[str, AgentAccount] = {}
        self._statuses: dict[str, str] = {}
        self._connections: dict[str, dict[str, float]] = {}
        self._active: dict[str, set[str]] = {}
        self._tickets: list[JSON] = []
        self._subscribers: set[asyncio.Queue[JSON]] = set()

    async def close(self) -> None:
        self._subscribers.clear()

    async def ping(self) -> None:
        return None

    def _forget_expired(self) -> None:
        """Drop what has expired; a heap keeps this cheap however many closed conversations are kept."""
        now = self._clock()
        while self._expiry_order and self._expiry_order[0][0] <= now:
            at, cid = heapq.heappop(self._expiry_order)
            if self._expires.get(cid) == at:  # else written again since: a later entry stands for it
                del self._expires[cid]
                self._conversations.pop(cid, None)
                self._logs.pop(cid, None)

    async def create(self, conversation: Conversation) -> bool:
        self._forget_expired()
        if conversation.id in self._conversations:
            return False
        self._conversations[conversation.id] = conversation
        self._logs[conversation.id] = []
        return True

    async def get(self, conversation_id: str) -> Conversation | None:
        self._forget_expired()
        return self._conversations.get(conversation_id)

    async def commit(self, conversation_id: str, step: Step, capacity: Capacity | None = None) -> Outcome:
        self._forget_expired()
        current = self._conversations.get(conversation_id)
        if current is None:
            raise NotFound(f"conversation {conversation_id}")
        if capacity is not None:
            agent_id, limit = capacity
            if len(self._active.get(agent_id, set()) - {conversation_id}) >= limit:
                raise AtCapacity(f"agent {agent_id} is at capacity")
        outcome = step(current)
        conv = outcome.conversation
        self._conversations[conversation_id] = conv
        self._logs[conversation_id].extend(outcome.entries)
        for op in outcome.queue:
            queue = self._queues.setdefault(op.skill, {})
            if op.score is None:
                queue.pop(conversation_id, None)
            else:
                queue[conversation_id] = op.score
        for load in outcome.load:
            active = self._active.setdefault(load.agent_id, set())
            (active.add if load.add else active.discard)(conversation_id)
        if conv.deadline is None:
            self._deadlines.pop(conversation_id, None)
        else:
            self._deadlines[conversation_id] = conv.deadline
        if conv.state is State.CLOSED:  # as Redis: every write to a closed record restarts its retention
            self._expires[conversation_id] = at = self._clock() + self._retention
            heapq.heappush(self._expiry_order, (at, conversation_id))
        self._fan_out(commit_message(outcome))
        return outcome

    async def read_log(self, conversation_id: str, after: int = 0) -> list[Entry]:
        self._forget_expired()
        return [e for e in self._logs.get(conversation_id, []) if e.id > after]

    async def conversations(self, since: float) -> list[Conversation]:
        self._forget_expired()
        return [c for c in self._conversations.values() if c.created_at >= since]

    async def due(self, now: float) -> list[str]:
        return [cid for cid, at in self._deadlines.items() if at <= now]

    async def queue(self, skill: str) -> list[tuple[str, float]]:
        return sorted(self._queues.get(skill, {}).items(), key=lambda item: (item[1], item[0]))

    async def observe_wait(self, skill: str, seconds: float) -> None:
        self._waits[skill] = next_wait_estimate(self._waits.get(skill), seconds)

    async def average_wait(self, skill: str) -> float | None:
        return self._waits.get(skill)

    async def put_account(self, account: AgentAccount) -> None:
        self._accounts[account.id] = account

    async def account(self, agent_id: str) -> AgentAccount | None:
        return self._accounts.get(agent_id)

    async def accounts(self) -> list[AgentAccount]:
        return sorted(self._accounts.values(), key=lambda a: a.id)

    async def set_status(self, agent_id: str, status: str) -> None:
        self._statuses[agent_id] = status

    async def statuses(self) -> dict[str, str]:
        return dict(self._statuses)

    async def heartbeat(self, agent_id: str, connection_id: str, expires_at: float) -> None:
        self._connections.setdefault(agent_id, {})[connection_id] = expires_at

    async def drop_connection(self, agent_id: str, connection_id: str) -> None:
        self._connections.get(agent_id, {}).pop(connection_id, None)

    async def live_connections(self, agent_id: str, now: float) -> int:
        return sum(1 for expiry in self._connections.get(agent_id, {}).values() if expiry > now)

    async def active(self, agent_id: str) -> set[str]:
        return set(self._active.get(agent_id, set()))

    async def add_ticket(self, ticket: JSON) -> int:
        self._tickets.append(ticket)
        return len(self._tickets)

    async def publish(self, message: JSON) -> None:
        self._fan_out(message)

    def _fan_out(self, message: JSON) -> None:
        for queue in self._subscribers:
            queue.put_nowait(message)

    @asynccontextmanager
    async def subscribe(self) -> AsyncIterator[AsyncIterator[JSON]]:
        queue: asyncio.Queue[JSON] = asyncio.Queue()
        self._subscribers.add(queue)

        async def messages() -> AsyncIterator[JSON]:
            while True:
                yield await queue.get()

        try:
            yield messages()
        finally:
            self._subscribers.discard(queue)
