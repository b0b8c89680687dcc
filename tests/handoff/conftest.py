"""Fixtures for the handoff service: both backends (the real local Redis, never a mock) and settings."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import redis.asyncio as aioredis

from handoff.backend.base import Backend
from handoff.backend.memory import MemoryBackend
from handoff.backend.redis import RedisBackend
from handoff.settings import Settings

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/3")


async def _drop_prefix(prefix: str) -> None:
    client = aioredis.Redis.from_url(REDIS_URL)
    try:
        keys = [key async for key in client.scan_iter(match=f"{prefix}*")]
        if keys:
            await client.delete(*keys)
    finally:
        await client.aclose()


@pytest.fixture
def redis_prefix() -> str:
    return f"kdtest:{uuid.uuid4().hex[:8]}:"


@pytest.fixture(params=["memory", "redis"])
async def backend(request: pytest.FixtureRequest, redis_prefix: str) -> AsyncIterator[Backend]:
    """Each backend-agnostic test runs twice: in-process and on the real local Redis."""
    if request.param == "memory":
        store: Backend = MemoryBackend()
    else:
        store = RedisBackend(REDIS_URL, redis_prefix)
    try:
        yield store
    finally:
        await store.close()
        if request.param == "redis":
            await _drop_prefix(redis_prefix)


def make_settings(tmp_path: Path, **overrides: str) -> Settings:
    env = {
        "KINDRED_VAR_DIR": str(tmp_path),
        "HANDOFF_SECRET": "test-secret",
        "HANDOFF_SERVICE_TOKEN": "service-token",
        "HANDOFF_DEMO": "true",
        "RASA_TOKEN": "rasa-token",
        **overrides,
    }
    return Settings.from_env(env)
