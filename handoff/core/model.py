"""The values the core works on: a conversation record and the entries of its message log.

Both are frozen and round-trip through plain JSON-safe dicts, so any backend can store them and any
process can load them. Times are seconds (floats) passed in by the caller; the core never reads a clock.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from enum import Enum
from typing import Any

JSON = dict[str, Any]


class State(str, Enum):
    """Who has the conversation: the assistant, a pending offer, the queue, a person, or nobody any more."""

    BOT = "bot"
    OFFERED = "offered"
    QUEUED = "queued"
    WITH_AGENT = "with_agent"
    CLOSED = "closed"


class Kind(str, Enum):
    """What a log entry is. ``note`` and ``tone`` entries are for agents only."""

    EMPLOYEE = "employee"
    BOT = "bot"
    AGENT = "agent"
    NOTE = "note"
    SYSTEM = "system"
    TONE = "tone"
    RATING = "rating"


AGENT_ONLY = frozenset({Kind.NOTE, Kind.TONE})


@dataclass(frozen=True)
class Entry:
    """One item of a conversation's log; ``id`` increases by one per conversation, with no gaps."""

    id: int
    kind: Kind
    at: float
    text: str = ""
    author: str | None = None
    data: JSON = field(default_factory=dict)

    @property
    def for_employee(self) -> bool:
        return self.kind not in AGENT_ONLY

    def to_dict(self) -> JSON:
        return {
            "id": self.id,
            "kind": self.kind.value,
            "at": self.at,
            "text": self.text,
            "author": self.author,
            "data": self.data,
        }

    @classmethod
    def from_dict(cls, raw: JSON) -> Entry:
        return cls(
            int(raw["id"]),
            Kind(raw["kind"]),
            float(raw["at"]),
            str(raw.get("text") or ""),
            raw.get("author"),
            dict(raw.get("data") or {}),
        )


@dataclass(frozen=True)
class AgentRef:
    """The agent a conversation is with or offered to, as the employee may see them."""

    id: str
    name: str
    team: str

    @property
    def label(self) -> str:
        return f"{self.name} ({self.team})"


@dataclass(frozen=True)
class Escalation:
    """Why the conversation needs a person, as decided by the assistant (or the service itself)."""

    reason: str
    skill: str
    distress: float = 0.0
    at: float = 0.0
    packet: JSON = field(default_factory=dict)


@dataclass(frozen=True)
class Conversation:
    """Everything the service keeps about one conversation besides its log."""

    id: str
    employee_id: str
    created_at: float
    state: State = State.BOT
    last_id: int = 0
    escalation: Escalation | None = None
    queue_skill: str | None = None
    queue_score: float | None = None
    queued_at: float | None = None
    offered_to: str | None = None
    offer_deadline: float | None = None
    passed_over: tuple[str, ...] = ()
    last_offer_end: float | None = None
    agent: AgentRef | None = None
    claimed_at: float | None = None
    reply_deadline: float | None = None
    first_human_at: float | None = None
    escalated_at: float | None = None
    released_at: float | None = None
    handled_by_human: bool = False
    label: JSON | None = None
    rating: JSON | None = None
    outcome: str | None = None
    closed_at: float | None = None
    recent_client_ids: tuple[tuple[str, int], ...] = ()
    unanswered: tuple[int, str] | None = None
    unanswered_deadline: float | None = None
    live_tone: str | None = None  # the latest scored turn since the escalation: what agents see in lists
    live_distress: float | None = None
    # "Connecting you with a person", held while the assistant's reply to the turn that escalated is on
    # its way (the action server posts the escalation before Rasa answers), so it reads after that reply.
    held_notice: str | None = None
    held_notice_deadline: float | None = None

    @property
    def deadline(self) -> float | None:
        """The earliest moment a timer tick can change this conversation, if any."""
        timers = (self.offer_deadline, self.reply_deadline, self.unanswered_deadline, self.held_notice_deadline)
        pending = [t for t in timers if t is not None]
        return min(pending) if pending else None

    def with_(self, **changes: Any) -> Conversation:
        return replace(self, **changes)

    def to_dict(self) -> JSON:
        raw = asdict(self)
        raw["state"] = self.state.value
        return raw

    @classmethod
    def from_dict(cls, raw: JSON) -> Conversation:
        values = dict(raw)
        values["state"] = State(values["state"])
        if values.get("escalation"):
            values["escalation"] = Escalation(**values["escalation"])
        if values.get("agent"):
            values["agent"] = AgentRef(**values["agent"])
        values["passed_over"] = tuple(values.get("passed_over") or ())
        values["recent_client_ids"] = tuple((str(c), int(i)) for c, i in values.get("recent_client_ids") or ())
        if values.get("unanswered"):
            entry_id, text = values["unanswered"]
            values["unanswered"] = (int(entry_id), str(text))
        return cls(**values)

    def summary(self) -> JSON:
        """What agents see of a conversation in lists (queue, supervisor view): no message text."""
        esc = self.escalation
        return {
            "conversation_id": self.id,
            "employee_id": self.employee_id,
            "state": self.state.value,
            "reason": esc.reason if esc else None,
            "skill": self.queue_skill or (esc.skill if esc else None),
            "distress": self.live_distress if self.live_distress is not None else (esc.distress if esc else 0.0),
            "tone": self.live_tone,
            "queued_at": self.queued_at,
            "offered_to": self.offered_to,
            "agent": asdict(self.agent) if self.agent else None,
            "employee_name": (esc.packet.get("profile") or {}).get("name") if esc else None,
        }
