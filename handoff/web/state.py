"""Typed application state shared by the handlers (aiohttp AppKeys)."""

from __future__ import annotations

from aiohttp import web

from handoff.backend.base import Backend
from handoff.desk import Desk
from handoff.settings import Settings
from handoff.web.hub import Hub

SETTINGS = web.AppKey("settings", Settings)
BACKEND = web.AppKey("backend", Backend)
DESK = web.AppKey("desk", Desk)
HUB = web.AppKey("hub", Hub)
