"""The real assistant for end-to-end tests: the cached model, the action server and Rasa on free ports.

Started once per test session (Rasa takes about a minute to become ready) against a fresh,
seeded SQLite database, with Rasa's tracker and lock stores in Redis (database 5, as ``REDIS_URL``
would configure them) when a Redis server answers on loopback, else in memory.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import redis
import requests

from bot.db.engine import make_engine, make_sessions
from bot.db.seed import seed
from bot.db.store import HRStore
from bot.serve import LOOPBACK, Handoff, free_port, handoff_service, start_assistant
from bot.settings import Settings, load_settings
from bot.training import train_if_needed

E2E_REDIS_URL = "redis://127.0.0.1:6379/5"


@dataclass(frozen=True)
class Assistant:
    url: str
    token: str
    store: HRStore
    model: Path
    redis_url: str | None = None
    handoff_url: str = ""

    def say(self, sender: str, text: str, employee: str | None = "E1001") -> list[dict[str, Any]]:
        """Send one message over the REST channel, as the handoff service will; return the bot's replies."""
        body: dict[str, Any] = {"sender": sender, "message": text}
        if employee:
            body["metadata"] = {"employee_id": employee}
        response = requests.post(f"{self.url}/webhooks/rest/webhook", json=body, timeout=60)
        response.raise_for_status()
        replies = response.json()
        assert isinstance(replies, list)
        return replies

    def tracker(self, sender: str) -> dict[str, Any]:
        response = requests.get(f"{self.url}/conversations/{sender}/tracker", params={"token": self.token}, timeout=30)
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        return result


def text_of(replies: list[dict[str, Any]]) -> str:
    return " ".join(r.get("text") or "" for r in replies)


E2E_AGENT_PASSWORD = "e2e-agent-password"


def new_sender() -> str:
    return f"e2e-{uuid.uuid4().hex[:10]}"


def redis_answers(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture(scope="session")
def trained_model() -> Path:
    """The model for the current inputs, from the cache (trained first if the inputs changed)."""
    return train_if_needed(load_settings())


@pytest.fixture(scope="session")
def assistant(tmp_path_factory: pytest.TempPathFactory, trained_model: Path) -> Iterator[Assistant]:
    var = tmp_path_factory.mktemp("var")
    redis_url = E2E_REDIS_URL if redis_answers(E2E_REDIS_URL) else None
    settings = Settings.from_env(
        {
            "KINDRED_VAR_DIR": str(var),
            "KINDRED_CACHE_DIR": str(load_settings().cache_dir),
            "DATABASE_URL": f"sqlite:///{var / 'kindred.db'}",
            "HOME": str(Path.home()),
            **({"REDIS_URL": redis_url} if redis_url else {}),
            **({"KINDRED_HANDOFF_PYTHON": load_settings().handoff_python} if load_settings().handoff_python else {}),
        }
    )
    engine = make_engine(settings.database_url)
    with make_sessions(engine)() as session:
        seed(session, dt.date.today(), employees=80)
    rasa_port, handoff_port = free_port(), free_port()
    token, service_token = uuid.uuid4().hex, uuid.uuid4().hex
    handoff_prefix = f"kde2e:{uuid.uuid4().hex[:8]}:"
    # The real handoff service too (its own environment): with no agent online, escalations become tickets.
    handoff = handoff_service(
        settings,
        handoff_port,
        rasa_port,
        token,
        service_token,
        {"HANDOFF_REDIS_PREFIX": handoff_prefix, "HANDOFF_DEMO": "true", "HANDOFF_DEMO_PASSWORD": E2E_AGENT_PASSWORD},
    )
    handoff.start()
    services = [handoff]
    try:
        handoff.wait_ready(60)
        link = Handoff(f"http://{LOOPBACK}:{handoff_port}", service_token)
        services += start_assistant(settings, trained_model, rasa_port, free_port(), token, handoff=link)
        yield Assistant(
            f"http://{LOOPBACK}:{rasa_port}", token, HRStore(make_sessions(engine)), trained_model, redis_url, link.url
        )
    finally:
        for service in reversed(services):
            service.stop()
        if redis_url:  # this session's conversations only
            client = redis.Redis.from_url(redis_url)
            for pattern in ("kindred:*:e2e-*", f"{handoff_prefix}*"):
                for key in client.scan_iter(pattern):
                    client.delete(key)
