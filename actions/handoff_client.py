"""The actions' view of the handoff service: are agents available, and here is an escalation.

Until the handoff service runs (``HANDOFF_URL`` unset or unreachable) no agent is available, so
escalations become honest tickets instead of promises.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp

log = logging.getLogger(__name__)
TIMEOUT = aiohttp.ClientTimeout(total=1.0)


async def agents_available(base_url: str | None, skill: str) -> bool:
    if not base_url:
        return False
    try:
        async with (
            aiohttp.ClientSession(timeout=TIMEOUT) as session,
            session.get(f"{base_url}/api/availability", params={"skill": skill}) as response,
        ):
            if response.status != 200:
                return False
            body = await response.json()
            return isinstance(body, dict) and body.get("available") is True
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
        log.warning("handoff service unreachable at %s; assuming no agent is available", base_url)
        return False


async def send_escalation(base_url: str | None, payload: dict[str, Any], service_token: str | None = None) -> bool:
    """Hand the decision and its evidence to the handoff service; False when it could not be told."""
    if not base_url:
        return False
    headers = {"Authorization": f"Bearer {service_token}"} if service_token else {}
    try:
        async with (
            aiohttp.ClientSession(timeout=TIMEOUT) as session,
            session.post(f"{base_url}/api/escalations", json=payload, headers=headers) as response,
        ):
            return response.status in (200, 201, 202)
    except (aiohttp.ClientError, asyncio.TimeoutError):
        log.warning("could not tell the handoff service about an escalation", exc_info=True)
        return False
