"""Batch prediction for evaluation: one JSON line in, one JSON line out, in order."""

from __future__ import annotations

import json
import logging
import sys
from typing import Any, TextIO

log = logging.getLogger(__name__)


def _fields(parse: dict[str, Any]) -> dict[str, Any]:
    intent = parse.get("intent") or {}
    ranking = [
        {"intent": r.get("name"), "confidence": round(float(r.get("confidence") or 0), 4)}
        for r in (parse.get("intent_ranking") or [])[:3]
    ]
    tone = parse.get("tone") or {}
    return {
        "intent": intent.get("name") or "nlu_fallback",
        "intent_confidence": round(float(intent.get("confidence") or 0.0), 4),
        "ranking": ranking,
        "tone": tone.get("label", "neutral"),
        "distress": float(tone.get("distress") or 0.0),
        "distressed": bool(tone.get("distressed")),
        "acute": bool(tone.get("acute")),
        "cues": list(tone.get("cues") or []),
    }


async def predict_lines(model_path: str, source: TextIO, sink: TextIO) -> int:
    """Parse each ``{"text": ...}`` line of ``source`` with the model; bad lines get an ``error`` field."""
    import structlog
    from rasa.core.agent import Agent

    # Rasa's structured debug log prints to stdout, which is our output channel: keep it quiet.
    structlog.configure(
        wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
    )
    agent = Agent.load(model_path)
    for number, line in enumerate(source, start=1):
        if not line.strip():
            continue
        try:
            text = json.loads(line)["text"]
            if not isinstance(text, str):
                raise TypeError("text must be a string")
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("line %d is not a JSON object with a text string: %s", number, exc)
            sink.write(json.dumps({"error": "expected a JSON object with a string 'text'", **_fields({})}) + "\n")
            continue
        parse = await agent.parse_message(text)
        sink.write(json.dumps({"text": text, **_fields(parse)}) + "\n")
        sink.flush()
    return 0
