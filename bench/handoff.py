"""Handoff service overhead: round trip of an employee message through the service to a stand-in Rasa
that answers at once, and the time from an escalation to the agent's offer, on both backends.

    scripts/handoff-bench   (or: PYTHONPATH=. <handoff env>/bin/python -m bench.handoff [--messages N])

Prints a table and writes bench/results/handoff-<clients>-clients.json. Rasa's own latency is measured by bench/nlu.py.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from handoff.backend.base import Backend
from handoff.backend.memory import MemoryBackend
from handoff.backend.redis import RedisBackend
from handoff.settings import Settings
from tests.handoff.harness import agent, employee, handoff_service, stand_in_rasa

RESULTS = Path(__file__).resolve().parent / "results"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def measure(backend: Backend, messages: int, clients: int) -> dict[str, float]:
    async with stand_in_rasa() as (rasa, rasa_url):
        env = {
            "KINDRED_VAR_DIR": tempfile.mkdtemp(),
            "HANDOFF_SECRET": "bench",
            "HANDOFF_SERVICE_TOKEN": "service-token",
            "HANDOFF_DEMO": "true",
            "RASA_URL": rasa_url,
            "RASA_TOKEN": "rasa-token",
        }
        async with handoff_service(Settings.from_env(env), backend) as url:
            rasa.handoff_url = url

            async def one_client(index: int) -> list[float]:
                client, _ = await employee(url, f"E{1000 + index}")
                times = []
                for i in range(messages // clients):
                    started = time.perf_counter()
                    await client.send({"type": "message", "text": f"hello {i}", "client_id": f"m{i}"})
                    await client.entry(kind="bot", text=f"bot: hello {i}")
                    times.append((time.perf_counter() - started) * 1000)
                await client.close()
                return times

            started = time.perf_counter()
            rounds = [t for ts in await asyncio.gather(*(one_client(i) for i in range(clients))) for t in ts]
            elapsed = time.perf_counter() - started
            alex = await agent(url, "alex")
            offers = []
            for i in range(20):
                client, _ = await employee(url, f"E2{i:03d}")
                t0 = time.perf_counter()
                await client.send({"type": "message", "text": "I need a person", "client_id": "x"})
                offer = await alex.next("offer")
                offers.append((time.perf_counter() - t0) * 1000)
                await alex.send({"type": "decline", "conversation_id": offer["conversation_id"]})
                await client.send({"type": "end"})
                await client.close()
            await alex.close()
    return {
        "round_trip_p50_ms": round(statistics.median(rounds), 2),
        "round_trip_p99_ms": round(percentile(rounds, 0.99), 2),
        "messages_per_s": round(len(rounds) / elapsed, 1),
        "escalation_to_offer_p50_ms": round(statistics.median(offers), 2),
    }


async def main(messages: int, clients: int, redis_url: str) -> None:
    results = {}
    for name in ("memory", "redis"):
        backend: Backend = (
            MemoryBackend() if name == "memory" else RedisBackend(redis_url, f"kdbench:{uuid.uuid4().hex[:6]}:")
        )
        results[name] = await measure(backend, messages, clients)
    print(f"{'backend':<8} {'p50 ms':>8} {'p99 ms':>8} {'msg/s':>8} {'escalation→offer p50 ms':>24}")
    for name, r in results.items():
        print(
            f"{name:<8} {r['round_trip_p50_ms']:>8} {r['round_trip_p99_ms']:>8} {r['messages_per_s']:>8} {r['escalation_to_offer_p50_ms']:>24}"
        )
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"handoff-{clients}-clients.json"
    out.write_text(json.dumps({"messages": messages, "clients": clients, **results}, indent=2) + "\n")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/6")
    args = parser.parse_args()
    asyncio.run(main(args.messages, args.clients, args.redis_url))
