"""Shared fixtures: a seeded HR store (SQLite, and PostgreSQL where marked), a fixed clock, trackers."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from actions.runtime import Runtime, use_runtime
from bot.db.engine import make_engine, make_sessions
from bot.db.seed import seed
from bot.db.store import HRStore

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 3, 10)  # a Tuesday; every test sees the same calendar
NOW = dt.datetime.combine(TODAY, dt.time(10, 0))
POSTGRES_ADMIN = "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres"


def seeded_store(url: str) -> HRStore:
    engine = make_engine(url)
    with make_sessions(engine)() as session:
        seed(session, TODAY, employees=60)
    return HRStore(make_sessions(engine))


@pytest.fixture
def fresh_store(tmp_path: Path) -> HRStore:
    """A store of its own for tests that write (leave requests, tickets)."""
    return seeded_store(f"sqlite:///{tmp_path / 'kindred.db'}")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> HRStore:
    """The same tests on both backends: a SQLite file, and a throwaway PostgreSQL database."""
    if request.param == "sqlite":
        return seeded_store(f"sqlite:///{tmp_path / 'kindred.db'}")
    return seeded_store(request.getfixturevalue("postgres_url_fresh"))


@pytest.fixture
def postgres_url_fresh() -> Iterator[str]:
    """A new database on the local PostgreSQL server, dropped afterwards."""
    from sqlalchemy import create_engine, text

    name = f"kindred_test_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_ADMIN, isolation_level="AUTOCOMMIT", future=True)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield POSTGRES_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"))
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


@pytest.fixture
def rt(fresh_store: HRStore) -> Iterator[Runtime]:
    """Actions see a seeded store and a clock stopped at 10:00 on TODAY."""
    runtime = Runtime(fresh_store, clock=lambda: NOW)
    use_runtime(runtime)
    yield runtime
    use_runtime(None)


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "domain.yml").read_text())


def run_action(action: Any, tracker: Any, domain: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Run an action as the action server would; returns (events, messages)."""
    from rasa_sdk.executor import CollectingDispatcher

    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, domain))
    return events, dispatcher.messages
