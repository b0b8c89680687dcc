"""Queue order, push routing and wait estimates: pure functions of the numbers they are given.

Priority rises with waiting time at one point per second, so "priority = head start + time waited" orders
the queue exactly like "score = queued_at - head start" (lower first), and the stored score never has to
change while the conversation waits. Requeued conversations keep their score: their old place.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# Head start in seconds by escalation reason: a crisis jumps ten minutes ahead, repeated failure one.
HEAD_START = {
    "crisis": 600.0,
    "acute_distress": 300.0,
    "sensitive_topic": 240.0,
    "building_distress": 180.0,
    "explicit_request": 120.0,
    "accepted_offer": 120.0,
    "bot_unavailable": 90.0,
    "repeated_failure": 60.0,
}
DISTRESS_HEAD_START = 120.0  # plus up to two minutes for the measured distress (0..1)
DEFAULT_WAIT_ESTIMATE = 120.0
WAIT_SMOOTHING = 0.3


def queue_score(reason: str, distress: float, now: float) -> float:
    head = HEAD_START.get(reason, 60.0) + DISTRESS_HEAD_START * min(max(distress, 0.0), 1.0)
    return now - head


def priority(score: float, now: float) -> float:
    """The priority shown to agents: the head start plus the time waited, in seconds."""
    return now - score


def next_wait_estimate(previous: float | None, observed: float) -> float:
    """Exponential moving average of recent waits (seconds)."""
    if previous is None:
        return observed
    return (1 - WAIT_SMOOTHING) * previous + WAIT_SMOOTHING * observed


def wait_estimate(position: int, average_wait: float | None, agents_online: int) -> float | None:
    """Seconds until a person joins, for the employee at ``position`` (1 = next); None with nobody online,
    when any number of minutes would be a promise nobody keeps."""
    if agents_online <= 0:
        return None
    base = average_wait if average_wait is not None else DEFAULT_WAIT_ESTIMATE
    return base * position / agents_online


@dataclass(frozen=True)
class AgentLoad:
    """What push routing needs to know about one agent."""

    id: str
    online: bool
    skills: frozenset[str]
    capacity: int
    active: int
    pending_offers: int = 0

    @property
    def free(self) -> int:
        return self.capacity - self.active - self.pending_offers


def choose_agent(agents: Iterable[AgentLoad], skill: str, passed_over: Iterable[str] = ()) -> AgentLoad | None:
    """The least-busy online agent with the skill and room left, skipping those who let the offer lapse."""
    skipped = set(passed_over)
    fit = [a for a in agents if a.online and skill in a.skills and a.free > 0 and a.id not in skipped]
    if not fit:
        return None
    return min(fit, key=lambda a: (a.active + a.pending_offers, -a.capacity, a.id))
