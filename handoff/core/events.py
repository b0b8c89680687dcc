"""What can happen to a conversation (events in) and what the I/O shell must do about it (effects out)."""

from __future__ import annotations

from dataclasses import dataclass, field

from handoff.core.model import JSON, AgentRef, Conversation, Entry


# --- events -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class EmployeeSaid:
    """``retry_at``: if the assistant has not answered by then (its relaying process died), relay again."""

    text: str
    client_id: str | None = None
    retry_at: float | None = None


@dataclass(frozen=True)
class BotSaid:
    """The assistant's replies to the last message, as the Rasa REST channel returns them."""

    replies: tuple[JSON, ...]


@dataclass(frozen=True)
class ToneScored:
    """The assistant's score of an employee message. ``crisis_resources``: the support text it chose for a
    crisis cue in a message it did not answer (paused while people have the chat), for the service to send."""

    message_id: int
    tone: str
    distress: float
    cues: tuple[str, ...] = ()
    crisis_resources: str = ""


@dataclass(frozen=True)
class Escalate:
    """The assistant's escalation decision, with its evidence and the handoff packet."""

    reason: str
    skill: str
    distress: float = 0.0
    packet: JSON = field(default_factory=dict)


@dataclass(frozen=True)
class Ticketed:
    """The assistant escalated but nobody was available, so it opened request ``ticket`` instead."""

    reason: str
    skill: str
    ticket: str
    distress: float = 0.0
    packet: JSON = field(default_factory=dict)


@dataclass(frozen=True)
class BotFailed:
    """Rasa or the action server did not answer; ``agents_online`` says whether a person could take over."""

    agents_online: bool


@dataclass(frozen=True)
class OfferTo:
    """Push routing chose this agent; they have until ``deadline`` to claim."""

    agent: AgentRef
    deadline: float


@dataclass(frozen=True)
class Claim:
    agent: AgentRef
    reply_deadline: float


@dataclass(frozen=True)
class Decline:
    agent_id: str


@dataclass(frozen=True)
class AgentSaid:
    agent_id: str
    text: str
    client_id: str | None = None


@dataclass(frozen=True)
class AddNote:
    agent_id: str
    text: str


@dataclass(frozen=True)
class Transfer:
    """To a named agent (``to_agent``) or back to a skill's queue (``to_skill``), never both."""

    agent_id: str
    to_agent: AgentRef | None = None
    to_skill: str | None = None
    reply_deadline: float | None = None


@dataclass(frozen=True)
class HandBack:
    agent_id: str
    summary: str
    label: JSON


@dataclass(frozen=True)
class Close:
    """Ended by the agent (with their label) or by the employee (``agent_id`` None)."""

    agent_id: str | None
    label: JSON | None = None


@dataclass(frozen=True)
class Rate:
    score: int
    comment: str = ""


@dataclass(frozen=True)
class CancelWaiting:
    pass


@dataclass(frozen=True)
class NobodyAvailable:
    """Every agent who could take the conversation went offline while it waited: ticket, back to the bot."""


@dataclass(frozen=True)
class AgentLost:
    """The agent disconnected for good or did not answer in time: the conversation goes back to the queue."""

    agent_id: str
    why: str


@dataclass(frozen=True)
class Tick:
    pass


Event = (
    EmployeeSaid
    | BotSaid
    | ToneScored
    | Escalate
    | Ticketed
    | BotFailed
    | OfferTo
    | Claim
    | Decline
    | AgentSaid
    | AddNote
    | Transfer
    | HandBack
    | Close
    | Rate
    | CancelWaiting
    | NobodyAvailable
    | AgentLost
    | Tick
)


# --- effects ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RelayToBot:
    """Send the employee's text to Rasa (while a person has the conversation, only for the record and tone)."""

    text: str
    message_id: int


@dataclass(frozen=True)
class PauseBot:
    pass


@dataclass(frozen=True)
class ResumeBot:
    handback: JSON


@dataclass(frozen=True)
class OpenTicket:
    reason: str


@dataclass(frozen=True)
class WaitObserved:
    skill: str
    seconds: float


@dataclass(frozen=True)
class OfferMade:
    agent_id: str
    deadline: float


@dataclass(frozen=True)
class OfferWithdrawn:
    agent_id: str


Effect = RelayToBot | PauseBot | ResumeBot | OpenTicket | WaitObserved | OfferMade | OfferWithdrawn


@dataclass(frozen=True)
class QueueOp:
    """Put the conversation in ``skill``'s queue at ``score`` (lower is served first), or take it out (None)."""

    skill: str
    score: float | None


@dataclass(frozen=True)
class AgentOp:
    """The agent starts (``add``) or stops having this conversation: their load."""

    agent_id: str
    add: bool


@dataclass(frozen=True)
class Outcome:
    """The new record, the log entries to append, the queue and load changes, and the effects to perform.

    A backend applies ``conversation``, ``entries``, ``queue`` and ``load`` atomically; the shell performs
    ``effects`` afterwards. ``ack`` is the log id a client's message got (also for a repeated client id).
    """

    conversation: Conversation
    entries: tuple[Entry, ...] = ()
    effects: tuple[Effect, ...] = ()
    queue: tuple[QueueOp, ...] = ()
    load: tuple[AgentOp, ...] = ()
    ack: int | None = None
