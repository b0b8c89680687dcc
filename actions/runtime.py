"""What actions need from the outside world, built on first use rather than at import.

Tests install their own :class:`Runtime` (a seeded store, a fixed clock) with :func:`use_runtime`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Callable, TypeVar

from bot.db.store import HRStore
from bot.settings import load_settings

T = TypeVar("T")


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


@dataclass(frozen=True)
class Runtime:
    store: HRStore
    clock: Callable[[], dt.datetime] = field(default=_utc_now)

    def now(self) -> dt.datetime:
        return self.clock()

    def today(self) -> dt.date:
        return self.clock().date()


_current: Runtime | None = None


def runtime() -> Runtime:
    """The process's runtime, opening the data store named by the settings the first time."""
    global _current
    if _current is None:
        _current = Runtime(HRStore.from_url(load_settings().database_url))
    return _current


def use_runtime(value: Runtime | None) -> None:
    """Replace the runtime (tests); ``None`` goes back to the settings-based default."""
    global _current
    _current = value


async def off_loop(fn: Callable[..., T], *args: Any) -> T:
    """Run blocking work (database, model) in the default executor, never on the event loop."""
    return await asyncio.get_running_loop().run_in_executor(None, partial(fn, *args))
