"""The aiohttp application: routes, and the background tasks it owns (fan-out listener, timer ticks)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable

from aiohttp import web

from handoff.accounts import seed_demo_agents
from handoff.backend.base import Backend
from handoff.backend.memory import MemoryBackend
from handoff.backend.redis import RedisBackend
from handoff.desk import Desk
from handoff.rasa import RasaClient
from handoff.settings import Settings
from handoff.web import api
from handoff.web.agent import agent_socket
from handoff.web.employee import employee_socket
from handoff.web.hub import Hub, close_all, stop_task
from handoff.web.pages import add_pages, security_headers
from handoff.web.state import BACKEND, DESK, HUB, SETTINGS

log = logging.getLogger("handoff.app")
DEMO_PASSWORD_KEY = web.AppKey("demo_password", str)


def make_backend(settings: Settings) -> Backend:
    if settings.redis_url:
        return RedisBackend(settings.redis_url, settings.redis_prefix, settings.retention)
    return MemoryBackend(settings.retention)


async def _tick_until(stop: asyncio.Event, desk: Desk, every: float) -> None:
    """Timer ticks until ``stop`` is set (an Event, because redis-py may swallow a cancellation mid-command)."""
    while not stop.is_set():
        try:
            await desk.tick()
        except Exception:
            log.exception("tick failed")
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stop.wait(), every)


async def _background(app: web.Application) -> AsyncIterator[None]:
    settings, desk, hub = app[SETTINGS], app[DESK], app[HUB]
    if settings.demo and DEMO_PASSWORD_KEY in app:
        created = await seed_demo_agents(app[BACKEND], app[DEMO_PASSWORD_KEY])
        if created:
            log.info("demo agents created: %s", ", ".join(created))
    ready = asyncio.Event()
    listener = asyncio.create_task(hub.run(app[BACKEND], ready))
    await asyncio.wait_for(ready.wait(), timeout=10)
    stop = asyncio.Event()
    ticker = asyncio.create_task(_tick_until(stop, desk, settings.tick))
    log.info("handoff service ready (backend: %s)", app[BACKEND].name)
    try:
        yield
    finally:
        stop.set()
        await asyncio.wait([ticker], timeout=5)
        await stop_task(listener)
        await close_all(hub)
        await desk.close()
        await desk.rasa.close()
        await app[BACKEND].close()


def create_app(
    settings: Settings,
    backend: Backend | None = None,
    clock: Callable[[], float] = time.time,
    demo_password: str | None = None,
) -> web.Application:
    app = web.Application(middlewares=[security_headers, api.errors], client_max_size=api.MAX_BODY)
    backend = backend if backend is not None else make_backend(settings)
    app[SETTINGS] = settings
    app[BACKEND] = backend
    app[DESK] = Desk(
        settings, backend, RasaClient(settings.rasa_url, settings.rasa_token, settings.rasa_timeout), clock
    )
    app[HUB] = Hub()
    if demo_password is not None:
        app[DEMO_PASSWORD_KEY] = demo_password
    app.add_routes(api.routes)
    app.router.add_get("/ws/employee", employee_socket)
    app.router.add_get("/ws/agent", agent_socket)
    add_pages(app)
    app.cleanup_ctx.append(_background)
    return app
