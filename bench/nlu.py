"""Benchmark the NLU path: encoder load and latency, full parse latency through Rasa, training time.

    scripts/py -m bench.nlu [--train] [--rounds N]

Prints a table and writes bench/results/nlu.json. Messages are short employee requests written
for this benchmark (not from the evaluation sets).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
MESSAGES = [
    "how many vacation days do i have left",
    "my vpn keeps dropping every few minutes",
    "when do we get paid",
    "hi",
    "I need to book time off from the 3rd to the 7th of next month",
    "is the office closed on monday?",
    "my manager has been making comments that make me really uncomfortable and I don't know who to talk to",
    "thx",
    "where's my w2",
    "can i change my dental plan",
    "locked out again!!!",
    "what's the dress code",
]


def percentiles(samples: list[float]) -> dict[str, float]:
    ms = np.array(samples) * 1000
    return {
        "p50_ms": round(float(np.percentile(ms, 50)), 2),
        "p99_ms": round(float(np.percentile(ms, 99)), 2),
        "mean_ms": round(float(ms.mean()), 2),
        "n": len(samples),
    }


def bench_encoder(rounds: int) -> dict[str, object]:
    from bot.nlu.encoder import load_encoder
    from bot.settings import load_settings

    started = time.perf_counter()
    encoder = load_encoder(load_settings().encoder_dir)
    load_s = time.perf_counter() - started
    for text in MESSAGES:
        encoder.encode([text])
    samples = []
    for i in range(rounds):
        text = MESSAGES[i % len(MESSAGES)]
        t = time.perf_counter()
        encoder.encode([text])
        samples.append(time.perf_counter() - t)
    return {"load_s": round(load_s, 3), **percentiles(samples)}


def bench_parse(model: Path, rounds: int) -> dict[str, object]:
    import structlog
    from rasa.core.agent import Agent

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    started = time.perf_counter()
    agent = Agent.load(str(model))
    load_s = time.perf_counter() - started

    async def run() -> list[float]:
        for text in MESSAGES:
            await agent.parse_message(text)
        samples = []
        for i in range(rounds):
            t = time.perf_counter()
            await agent.parse_message(MESSAGES[i % len(MESSAGES)])
            samples.append(time.perf_counter() - t)
        return samples

    return {"model_load_s": round(load_s, 2), **percentiles(asyncio.run(run()))}


def bench_training() -> dict[str, object]:
    """A full `rasa train` from scratch (no graph cache), as a fresh machine would do it."""
    from bot.training import rasa_command

    with tempfile.TemporaryDirectory() as tmp:
        cmd = [*rasa_command(ROOT, "train"), "--out", tmp, "--fixed-model-name", "bench"]
        started = time.perf_counter()
        subprocess.run(
            cmd,
            cwd=ROOT,
            check=True,
            capture_output=True,
            env={**os.environ, "RASA_CACHE_DIRECTORY": str(Path(tmp) / "cache")},
        )
        return {"full_train_s": round(time.perf_counter() - started, 1)}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=500)
    parser.add_argument("--train", action="store_true", help="also time a full training run (~1-2 min)")
    args = parser.parse_args()
    from bot.settings import load_settings
    from bot.training import train_if_needed

    model = train_if_needed(load_settings())
    results: dict[str, object] = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "encoder_batch1": bench_encoder(args.rounds),
        "rasa_parse": bench_parse(model, args.rounds),
    }
    if args.train:
        results["training"] = bench_training()
    rows = [
        ("encoder load (s)", results["encoder_batch1"]["load_s"], "<= 5"),  # type: ignore[index]
        (
            "encoder p50 / p99 (ms)",
            f"{results['encoder_batch1']['p50_ms']} / {results['encoder_batch1']['p99_ms']}",
            "-",
        ),  # type: ignore[index]
        (
            "parse p50 / p99 (ms)",
            f"{results['rasa_parse']['p50_ms']} / {results['rasa_parse']['p99_ms']}",
            "<= 25 per message",
        ),  # type: ignore[index]
        ("model load (s)", results["rasa_parse"]["model_load_s"], "-"),
    ]  # type: ignore[index]
    if "training" in results:
        rows.append(("full training (s)", results["training"]["full_train_s"], "<= 300"))  # type: ignore[index]
    width = max(len(r[0]) for r in rows)
    print(f"{'measure'.ljust(width)}  {'value':>18}  target")
    for name, value, target in rows:
        print(f"{name.ljust(width)}  {value!s:>18}  {target}")
    out = ROOT / "bench" / "results" / "nlu.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"saved {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
