"""The numbers a support team is judged by, over a period: a pure function of conversation records."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from collections.abc import Iterable

from handoff.core.model import JSON, Conversation

# Escalations the tone reading caused (as opposed to a request, a topic or failures).
TONE_REASONS = frozenset({"acute_distress", "building_distress", "accepted_offer"})


def _spread(values: list[float]) -> JSON:
    if not values:
        return {"median": None, "mean": None, "count": 0}
    return {
        "median": round(statistics.median(values), 1),
        "mean": round(statistics.fmean(values), 1),
        "count": len(values),
    }


def _mean(values: list[float]) -> JSON:
    return {"mean": round(statistics.fmean(values), 2) if values else None, "count": len(values)}


def summarize(conversations: Iterable[Conversation], start: float, end: float) -> JSON:
    """Containment, escalations by reason, time to a human, handle time, CSAT (bot vs human), tone labels."""
    chosen = [c for c in conversations if start <= c.created_at < end]
    escalated = [c for c in chosen if c.escalation is not None]
    contained = [c for c in chosen if c.escalation is None and not c.handled_by_human]
    to_human = [c.first_human_at - c.escalated_at for c in chosen if c.first_human_at and c.escalated_at]
    handled = [c.released_at - c.first_human_at for c in chosen if c.released_at and c.first_human_at]
    ratings = [c.rating for c in chosen if c.rating is not None]
    tone = [c for c in escalated if c.escalation and c.escalation.reason in TONE_REASONS and c.label is not None]
    needed = sum(1 for c in tone if c.label and c.label.get("needed"))
    contained_ids = {c.id for c in contained}
    daily: dict[str, Counter[str]] = {}
    for c in chosen:
        day = dt.datetime.fromtimestamp(c.created_at, dt.timezone.utc).date().isoformat()
        counts = daily.setdefault(day, Counter())
        counts["conversations"] += 1
        counts["escalated"] += c.escalation is not None
        counts["contained"] += c.id in contained_ids
    return {
        "period": {"from": start, "to": end},
        "conversations": len(chosen),
        "contained": len(contained),
        "containment_rate": round(len(contained) / len(chosen), 3) if chosen else None,
        "escalations": len(escalated),
        "ticketed": sum(
            1 for c in escalated if c.escalation and "ticket" in c.escalation.packet and not c.handled_by_human
        ),
        "escalations_by_reason": dict(Counter(c.escalation.reason for c in escalated if c.escalation)),
        "time_to_human_s": _spread(to_human),
        "handle_time_s": _spread(handled),
        "csat": {
            "bot": _mean([float(r["score"]) for r in ratings if not r.get("human")]),
            "human": _mean([float(r["score"]) for r in ratings if r.get("human")]),
        },
        "tone_escalations": {
            "labelled": len(tone),
            "needed": needed,
            "needed_rate": round(needed / len(tone), 3) if tone else None,
        },
        "daily": [
            {"date": day, **{k: counts[k] for k in ("conversations", "escalated", "contained")}}
            for day, counts in sorted(daily.items())
        ],
    }
