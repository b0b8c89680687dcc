"""The storage contract: conversation records, message logs, queues, agents and fan-out.

Two implementations keep it: :mod:`handoff.backend.memory` for one process without Redis, and
:mod:`handoff.backend.redis` shared by any number of processes. ``commit`` is the only way a record
changes: it runs the pure step on the current record and stores the new record, its log entries, queue
and load changes and the fan-out message atomically (retrying the step if another process got there first).
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any

from handoff.core.events import Outcome
from handoff.core.model import JSON, Conversation, Entry

Step = Callable[[Conversation], Outcome]
Capacity = tuple[str, int]


@dataclass(frozen=True)
class AgentAccount:
    id: str
    name: str
    team: str
    role: str
    skills: frozenset[str]
    capacity: int
    password_hash: str

    def to_dict(self) -> JSON:
        return {
            "id": self.id,
            "name": self.name,
            "team": self.team,
            "role": self.role,
            "skills": sorted(self.skills),
            "capacity": self.capacity,
            "password_hash": self.password_hash,
        }

    @classmethod
    def from_dict(cls, raw: JSON) -> AgentAccount:
        return cls(
            str(raw["id"]),
            str(raw["name"]),
            str(raw["team"]),
            str(raw["role"]),
            frozenset(raw["skills"]),
            int(raw["capacity"]),
            str(raw["password_hash"]),
        )

    def public(self) -> JSON:
        raw = self.to_dict()
        del raw["password_hash"]
        return raw


def commit_message(outcome: Outcome) -> JSON:
    """The one fan-out message a commit publishes, so every process can update its sockets."""
    conv = outcome.conversation
    return {
        "t": "commit",
        "cid": conv.id,
        "employee_id": conv.employee_id,
        "entries": [e.to_dict() for e in outcome.entries],
        "summary": conv.summary(),
        "queue_changed": bool(outcome.queue),
        "load": [{"agent_id": op.agent_id, "add": op.add} for op in outcome.load],
    }


def dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


class Backend(ABC):
    """Where the handoff service keeps its state; every method is safe to call from any process."""

    name: str

    @abstractmethod
    async def close(self) -> None: ...

    @abstractmethod
    async def ping(self) -> None:
        """Raise if the backend cannot serve (readiness)."""

    # conversations -----------------------------------------------------------------------------------
    @abstractmethod
    async def create(self, conversation: Conversation) -> bool:
        """Store a new record; False (and no change) if the id exists."""

    @abstractmethod
    async def get(self, conversation_id: str) -> Conversation | None: ...

    @abstractmethod
    async def commit(self, conversation_id: str, step: Step, capacity: Capacity | None = None) -> Outcome:
        """Apply ``step`` atomically; NotFound if there is no such conversation; the step's errors propagate.

        With ``capacity`` (agent id, limit) the commit also refuses, atomically, with AtCapacity when that
        agent already has ``limit`` other conversations: two claims by one agent can't both fit.
        """

    @abstractmethod
    async def read_log(self, conversation_id: str, after: int = 0) -> list[Entry]:
        """Entries with id > ``after``, in order."""

    @abstractmethod
    async def conversations(self, since: float) -> list[Conversation]:
        """Records created at or after ``since`` (supervisor dashboard)."""

    @abstractmethod
    async def due(self, now: float) -> list[str]:
        """Conversations with a deadline at or before ``now``."""

    # queues ------------------------------------------------------------------------------------------
    @abstractmethod
    async def queue(self, skill: str) -> list[tuple[str, float]]:
        """(conversation id, score) in serving order."""

    @abstractmethod
    async def observe_wait(self, skill: str, seconds: float) -> None: ...

    @abstractmethod
    async def average_wait(self, skill: str) -> float | None: ...

    # agents ------------------------------------------------------------------------------------------
    @abstractmethod
    async def put_account(self, account: AgentAccount) -> None: ...

    @abstractmethod
    async def account(self, agent_id: str) -> AgentAccount | None: ...

    @abstractmethod
    async def accounts(self) -> list[AgentAccount]: ...

    @abstractmethod
    async def set_status(self, agent_id: str, status: str) -> None:
        """``online``, ``away`` or ``offline``: what the agent chose."""

    @abstractmethod
    async def statuses(self) -> dict[str, str]: ...

    @abstractmethod
    async def heartbeat(self, agent_id: str, connection_id: str, expires_at: float) -> None:
        """The agent has a live socket until ``expires_at`` unless renewed."""

    @abstractmethod
    async def drop_connection(self, agent_id: str, connection_id: str) -> None: ...

    @abstractmethod
    async def live_connections(self, agent_id: str, now: float) -> int: ...

    @abstractmethod
    async def active(self, agent_id: str) -> set[str]:
        """Conversations the agent has now (their load)."""

    # tickets and fan-out -----------------------------------------------------------------------------
    @abstractmethod
    async def add_ticket(self, ticket: JSON) -> int: ...

    @abstractmethod
    async def publish(self, message: JSON) -> None: ...

    @abstractmethod
    def subscribe(self) -> AbstractAsyncContextManager[AsyncIterator[JSON]]:
        """Every message published by any process from now on, including this one's."""
