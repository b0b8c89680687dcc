"""The service's only way to the assistant: Rasa's REST channel and HTTP API on loopback.

Every failure (refused, timed out, non-2xx, not JSON) becomes :class:`Unavailable`, so callers have one
thing to handle: tell the employee and bring in a person instead of hanging.
"""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp

from handoff.core.model import JSON
from handoff.errors import Unavailable

HANDED_BACK_INTENT = "EXTERNAL_handed_back"


class RasaClient:
    def __init__(self, base_url: str, token: str | None, timeout: float) -> None:
        self._base = base_url
        self._params = {"token": token} if token else {}
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def _call(
        self, method: str, path: str, body: Any = None, api: bool = True, query: dict[str, str] | None = None
    ) -> Any:
        params = {**(self._params if api else {}), **(query or {})}
        try:
            async with self._http().request(method, f"{self._base}{path}", json=body, params=params) as response:
                if response.status >= 300:
                    raise Unavailable(f"rasa {method} {path}: HTTP {response.status}")
                return await response.json(content_type=None)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
            raise Unavailable(f"rasa {method} {path}: {type(exc).__name__}") from exc

    async def send(self, conversation_id: str, text: str, employee_id: str) -> list[JSON]:
        body = {"sender": conversation_id, "message": text, "metadata": {"employee_id": employee_id}}
        replies = await self._call("POST", "/webhooks/rest/webhook", body, api=False)
        if not isinstance(replies, list):
            raise Unavailable("rasa webhook answered with something other than a list")
        return [r for r in replies if isinstance(r, dict)]

    async def pause(self, conversation_id: str) -> None:
        await self._call("POST", f"/conversations/{conversation_id}/tracker/events", [{"event": "pause"}])

    async def hand_back(self, conversation_id: str, handback: JSON) -> list[JSON]:
        """Resume the bot with what the person did, and return its greeting."""
        events = [{"event": "resume"}, {"event": "slot", "name": "handback", "value": handback}]
        await self._call("POST", f"/conversations/{conversation_id}/tracker/events", events)
        result = await self._call(
            "POST", f"/conversations/{conversation_id}/trigger_intent", {"name": HANDED_BACK_INTENT, "entities": []}
        )
        messages = result.get("messages") if isinstance(result, dict) else None
        return [m for m in messages or [] if isinstance(m, dict)]

    async def tone(self, conversation_id: str) -> JSON:
        """The latest message's tone as scored by the assistant: label, distress, cues and crisis resources."""
        tracker = await self._call("GET", f"/conversations/{conversation_id}/tracker", query={"include_events": "NONE"})
        slots = tracker.get("slots") or {} if isinstance(tracker, dict) else {}
        latest = (tracker.get("latest_message") or {}).get("tone") or {} if isinstance(tracker, dict) else {}
        return {
            "tone": str(slots.get("tone") or latest.get("label") or "neutral"),
            "distress": float(slots.get("distress") or latest.get("distress") or 0.0),
            "cues": [str(c) for c in latest.get("cues") or []],
            "crisis_resources": str(slots.get("crisis_resources") or "")[:2000],
        }

    async def ready(self) -> None:
        await self._call("GET", "/status")
