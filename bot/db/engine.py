"""Engine and session factory for the HR/IT store (SQLite file or PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import Base


def make_engine(database_url: str) -> Engine:
    """An engine for ``database_url``; creates the SQLite file's folder and the tables if needed."""
    if database_url.startswith("sqlite:///"):
        Path(database_url[len("sqlite:///") :]).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(database_url, future=True, connect_args={"check_same_thread": False})
    else:
        engine = create_engine(database_url, future=True, pool_pre_ping=True)
    Base.metadata.create_all(engine)
    return engine


def make_sessions(engine: Engine) -> sessionmaker[Session]:
    """A session factory whose objects stay readable after commit."""
    return sessionmaker(bind=engine, future=True, expire_on_commit=False)
