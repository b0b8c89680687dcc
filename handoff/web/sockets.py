"""What both websocket endpoints share: the hello handshake, the frame loop and error mapping."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from aiohttp import WSMsgType, web

from handoff.auth import Identity, verify
from handoff.errors import BadFrame, HandoffError, Unauthorized, error_frame, internal_error_frame
from handoff.protocol import Field, parse_frame
from handoff.web.hub import Connection
from handoff.web.state import DESK, SETTINGS

log = logging.getLogger("handoff.sockets")
MAX_WS_MESSAGE = 1 << 20  # beyond this aiohttp closes with 1009; below it, our own limit answers politely

Handler = Callable[[dict[str, Any]], Awaitable[None]]


async def open_socket(request: web.Request) -> web.WebSocketResponse:
    ws = web.WebSocketResponse(heartbeat=20.0, max_msg_size=MAX_WS_MESSAGE)
    await ws.prepare(request)
    return ws


async def handshake(
    request: web.Request, ws: web.WebSocketResponse, schemas: Mapping[str, Mapping[str, Field]], roles: frozenset[str]
) -> tuple[Identity, dict[str, Any]] | None:
    """Wait for ``hello`` and verify its token; on failure send the error, close with 4401 and return None."""
    settings = request.app[SETTINGS]
    try:
        msg = await ws.receive(timeout=settings.hello_timeout)
    except asyncio.TimeoutError:
        await _reject(ws, Unauthorized("no hello in time"))
        return None
    try:
        if msg.type is not WSMsgType.TEXT:
            raise Unauthorized("first frame must be a text hello")
        frame = parse_frame(msg.data, schemas, settings.max_text)
        if frame["type"] != "hello":
            raise Unauthorized("first frame must be hello")
        identity = verify(settings.secret, frame["token"], request.app[DESK].clock())
        if identity.role not in roles:
            raise Unauthorized(f"role {identity.role} cannot use this endpoint")
    except HandoffError as exc:
        await _reject(ws, exc if isinstance(exc, Unauthorized) else Unauthorized(str(exc)))
        return None
    return identity, frame


async def _reject(ws: web.WebSocketResponse, exc: HandoffError) -> None:
    log.info("socket rejected: %s", exc)
    if not ws.closed:
        await ws.send_json(error_frame(exc))
        await ws.close(code=exc.close_code or 4401, message=exc.code.encode())


async def frame_loop(
    ws: web.WebSocketResponse,
    connection: Connection,
    schemas: Mapping[str, Mapping[str, Field]],
    max_text: int,
    handle: Handler,
    context: Mapping[str, str],
) -> None:
    """Parse and handle frames until the socket closes; a bad frame costs an error frame, not the socket."""
    async for msg in ws:
        if msg.type is WSMsgType.ERROR:
            break
        frame: dict[str, Any] = {}
        try:
            if msg.type is not WSMsgType.TEXT:
                raise BadFrame("binary frames are not supported")
            frame = parse_frame(msg.data, schemas, max_text)
            await handle(frame)
        except HandoffError as exc:
            log.info("frame refused: %s (%s)", exc.code, exc, extra=dict(context))
            connection.send(_answering(error_frame(exc, frame.get("type")), frame))
            if exc.close_code is not None:
                await ws.close(code=exc.close_code, message=exc.code.encode())
        except Exception:
            log.exception("frame handler failed", extra=dict(context))
            connection.send(_answering(internal_error_frame(frame.get("type")), frame))


def _answering(error: dict[str, object], frame: Mapping[str, Any]) -> dict[str, object]:
    """An error frame that names the client_id / conversation_id of the frame it answers, when known."""
    for key in ("client_id", "conversation_id"):
        if frame.get(key) is not None:
            error[key] = frame[key]
    return error
