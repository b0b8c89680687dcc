"""`scripts/bot predict`: one JSON line out per JSON line in, in order, bad lines included."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.e2e


def test_predict_keeps_order_and_survives_bad_lines(trained_model: Path) -> None:
    lines = [
        json.dumps({"text": "when is my next payday"}),
        "this is not json",
        "",
        json.dumps({"text": 42}),
        json.dumps({"text": ""}),
        json.dumps({"text": "what's the capital of australia"}),
        json.dumps({"text": "é" * 10_000}),
        json.dumps({"wrong": "key"}),
        json.dumps({"text": "I'M SO ANGRY, my pay is wrong AGAIN and nobody helps!!!"}),
    ]
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "predict", "--model", str(trained_model)],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == 8  # the blank line is not an input
    assert out[7]["distressed"] is True and out[7]["tone"] in {"angry", "frustrated"} and out[7]["cues"]
    assert out[0]["intent"] == "payday" and 0 < out[0]["intent_confidence"] <= 1
    assert "error" in out[1] and "error" in out[2] and "error" in out[6]
    assert out[4]["intent"] in {"out_of_scope", "nlu_fallback"}
    assert all(isinstance(row["intent"], str) for row in out)
    for row in out:  # the tone fields score.py reads, on every line
        assert row["tone"] in {"neutral", "positive", "confused", "frustrated", "angry", "anxious", "sad"}
        assert 0.0 <= row["distress"] <= 1.0 and isinstance(row["distressed"], bool)
    assert out[0]["distressed"] is False
