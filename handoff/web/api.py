"""The HTTP endpoints: health, readiness, availability and escalations (for the action server),
agent sign-in and demo employee sessions."""

from __future__ import annotations

import asyncio
import functools
import hmac
import json
import logging
import secrets
from typing import Any

from aiohttp import web

from handoff.auth import Identity, check_password, hash_password, sign, verify
from handoff.core.routing import wait_estimate
from handoff.errors import BadFrame, Forbidden, FrameTooLarge, HandoffError, NotFound, Unauthorized, WrongCredentials
from handoff.protocol import SKILLS
from handoff.stats import summarize
from handoff.web.state import BACKEND, DESK, SETTINGS

log = logging.getLogger("handoff.api")


@functools.lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hash_password("not-a-real-account", salt=b"kindred-dummy-salt")


routes = web.RouteTableDef()
MAX_BODY = 256 * 1024


async def _json_body(request: web.Request) -> dict[str, Any]:
    if request.content_length is not None and request.content_length > MAX_BODY:
        raise FrameTooLarge("body too large")
    try:
        body = json.loads(await request.read())
    except ValueError as exc:
        raise BadFrame("body is not JSON") from exc
    if not isinstance(body, dict):
        raise BadFrame("body must be a JSON object")
    return body


@web.middleware
async def errors(request: web.Request, handler: Any) -> web.StreamResponse:
    """The one place HTTP requests map exceptions to status codes; details go to the log only."""
    try:
        response: web.StreamResponse = await handler(request)
        return response
    except HandoffError as exc:
        log.info("%s %s refused: %s (%s)", request.method, request.path, exc.code, exc)
        return web.json_response({"error": exc.code, "message": exc.public}, status=exc.status)
    except web.HTTPException:
        raise
    except Exception:
        log.exception("%s %s failed", request.method, request.path)
        return web.json_response({"error": "internal", "message": HandoffError.public}, status=500)


@routes.get("/health")
async def health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


@routes.get("/ready")
async def ready(request: web.Request) -> web.Response:
    checks: dict[str, str] = {}
    try:
        await request.app[BACKEND].ping()
        checks["backend"] = "ok"
    except Exception:
        checks["backend"] = "down"
    try:
        await request.app[DESK].rasa.ready()
        checks["assistant"] = "ok"
    except HandoffError:
        checks["assistant"] = "down"
    ok = all(v == "ok" for v in checks.values())
    body = {"ready": ok, "backend_kind": request.app[BACKEND].name, **checks}
    return web.json_response(body, status=200 if ok else 503)


@routes.get("/api/availability")
async def availability(request: web.Request) -> web.Response:
    skill = request.query.get("skill", "hr")
    if skill not in SKILLS:
        raise BadFrame("unknown skill")
    desk = request.app[DESK]
    online = await desk.agents_online(skill)
    average = await request.app[BACKEND].average_wait(skill)
    queued = len(await request.app[BACKEND].queue(skill))
    estimate = wait_estimate(queued + 1, average, online)
    return web.json_response(
        {
            "skill": skill,
            "available": online > 0,
            "online": online,
            "queued": queued,
            "wait_estimate_s": None if estimate is None else round(estimate),
        }
    )


def _bearer(request: web.Request) -> str:
    return request.headers.get("Authorization", "").removeprefix("Bearer ").strip()


def _check_service_token(request: web.Request) -> None:
    expected = request.app[SETTINGS].service_token
    given = _bearer(request)
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise Unauthorized("bad service token")


@routes.post("/api/escalations")
async def escalations(request: web.Request) -> web.Response:
    _check_service_token(request)
    body = await _json_body(request)
    for key in ("conversation_id", "employee_id", "reason"):
        if not isinstance(body.get(key), str) or not body[key]:
            raise BadFrame(f"{key} is required")
    outcome = await request.app[DESK].escalate(body)
    return web.json_response({"state": outcome.conversation.state.value}, status=202)


@routes.post("/api/agents/login")
async def agent_login(request: web.Request) -> web.Response:
    body = await _json_body(request)
    agent_id, password = body.get("agent_id"), body.get("password")
    if not isinstance(agent_id, str) or not isinstance(password, str):
        raise WrongCredentials("agent_id and password required")
    account = await request.app[BACKEND].account(agent_id)
    stored = account.password_hash if account is not None else _dummy_hash()  # same cost: ids don't leak
    matches = await asyncio.get_running_loop().run_in_executor(None, check_password, password, stored)
    if account is None or not matches:
        raise WrongCredentials("wrong agent id or password")
    settings = request.app[SETTINGS]
    token = sign(settings.secret, Identity(account.id, account.role), request.app[DESK].clock(), settings.token_ttl)
    return web.json_response({"token": token, "agent": account.public()})


def _identity(request: web.Request, roles: frozenset[str]) -> Identity:
    """The caller's signed token from ``Authorization: Bearer``; Unauthorized or Forbidden otherwise."""
    identity = verify(request.app[SETTINGS].secret, _bearer(request), request.app[DESK].clock())
    if identity.role not in roles:
        raise Forbidden(f"role {identity.role} may not call {request.path}")
    return identity


@routes.get("/api/stats")
async def stats(request: web.Request) -> web.Response:
    """Supervisor dashboard numbers for ``from`` .. ``to`` (epoch seconds; default the last 7 days)."""
    _identity(request, frozenset({"supervisor"}))
    now = request.app[DESK].clock()
    try:
        end = float(request.query.get("to", now))
        start = float(request.query.get("from", end - 7 * 86400))
    except ValueError as exc:
        raise BadFrame("from and to are epoch seconds") from exc
    if start >= end or end - start > 366 * 86400:
        raise BadFrame("the period must be positive and at most a year")
    return web.json_response(summarize(await request.app[BACKEND].conversations(start), start, end))


@routes.post("/api/demo/sessions")
async def demo_session(request: web.Request) -> web.Response:
    """Demo mode only: a token for a demo employee, as the intranet would mint it."""
    settings = request.app[SETTINGS]
    if not settings.demo:
        raise NotFound("demo mode is off")
    body = await _json_body(request)
    employee = body.get("employee_id")
    if not isinstance(employee, str) or not employee.isalnum() or len(employee) > 32:
        raise BadFrame("employee_id required")
    cid = f"c-{secrets.token_hex(8)}"
    token = sign(settings.secret, Identity(employee, "employee", cid), request.app[DESK].clock(), settings.token_ttl)
    return web.json_response({"token": token, "conversation_id": cid})
