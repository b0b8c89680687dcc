"""Inbound frames: the schema of every frame a client may send, checked before anything acts on it.

See docs/protocol.md for the whole protocol. A frame is a JSON object with a ``type``; each endpoint
accepts its own set of types. Text fields are limited (``max_text``, 4 KB by default) and whole frames
to four times that, so one oversized frame costs one ``error`` frame and nothing else.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from handoff.errors import BadFrame, FrameTooLarge, UnknownFrame

TEXT = "text"  # a string limited by max_text
ID = "id"  # a short identifier: letters, digits, '-', '_', '.', ':', at most 128 characters
BOOL = "bool"
INT = "int"
OBJECT = "object"
SKILL = "skill"

SKILLS = frozenset({"hr", "payroll", "it"})


@dataclass(frozen=True)
class Field:
    kind: str
    required: bool = True


EMPLOYEE_FRAMES: Mapping[str, Mapping[str, Field]] = {
    "hello": {"token": Field(TEXT), "last_seen": Field(INT, required=False)},
    "message": {"text": Field(TEXT), "client_id": Field(ID, required=False)},
    "typing": {"active": Field(BOOL)},
    "cancel_waiting": {},
    "end": {},
    "rating": {"score": Field(INT), "comment": Field(TEXT, required=False)},
    "ping": {},
}

AGENT_FRAMES: Mapping[str, Mapping[str, Field]] = {
    "hello": {"token": Field(TEXT)},
    "presence": {"status": Field(ID)},
    "open": {"conversation_id": Field(ID), "last_seen": Field(INT, required=False)},
    "claim": {"conversation_id": Field(ID)},
    "decline": {"conversation_id": Field(ID)},
    "message": {"conversation_id": Field(ID), "text": Field(TEXT), "client_id": Field(ID, required=False)},
    "note": {"conversation_id": Field(ID), "text": Field(TEXT)},
    "typing": {"conversation_id": Field(ID), "active": Field(BOOL)},
    "transfer": {
        "conversation_id": Field(ID),
        "to_agent": Field(ID, required=False),
        "to_skill": Field(SKILL, required=False),
    },
    "hand_back": {"conversation_id": Field(ID), "summary": Field(TEXT, required=False), "label": Field(OBJECT)},
    "close": {"conversation_id": Field(ID), "label": Field(OBJECT)},
    "ping": {},
}

PRESENCE = frozenset({"online", "away"})


def _valid_id(value: str) -> bool:
    return 0 < len(value) <= 128 and all(c.isascii() and (c.isalnum() or c in "-_.:") for c in value)


def _check(name: str, spec: Field, value: Any, max_text: int) -> None:
    if spec.kind == TEXT:
        if not isinstance(value, str):
            raise BadFrame(f"{name} must be a string")
        if len(value.encode()) > max_text:
            raise FrameTooLarge(f"{name} is {len(value.encode())} bytes; the limit is {max_text}")
        if any(c not in "\t\n\r" and unicodedata.category(c) == "Cc" for c in value):
            raise BadFrame(f"{name} contains control characters")
    elif spec.kind == ID:
        if not isinstance(value, str) or not _valid_id(value):
            raise BadFrame(f"{name} must be a short identifier")
    elif spec.kind == SKILL:
        if not isinstance(value, str) or value not in SKILLS:
            raise BadFrame(f"{name} must be one of {sorted(SKILLS)}")
    elif spec.kind == BOOL:
        if not isinstance(value, bool):
            raise BadFrame(f"{name} must be true or false")
    elif spec.kind == INT:
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise BadFrame(f"{name} must be a non-negative integer")
    elif spec.kind == OBJECT and not isinstance(value, dict):
        raise BadFrame(f"{name} must be an object")


def parse_frame(raw: str | bytes, schemas: Mapping[str, Mapping[str, Field]], max_text: int) -> dict[str, Any]:
    """The frame as a dict of its known fields, or BadFrame / FrameTooLarge / UnknownFrame saying why not."""
    size = len(raw.encode()) if isinstance(raw, str) else len(raw)
    if size > 4 * max_text + 1024:
        raise FrameTooLarge(f"frame of {size} bytes")
    try:
        frame = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise BadFrame("not JSON") from exc
    if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
        raise BadFrame("a frame is a JSON object with a string 'type'")
    schema = schemas.get(frame["type"])
    if schema is None:
        raise UnknownFrame(f"unknown frame type {frame['type'][:40]!r}")
    clean: dict[str, Any] = {"type": frame["type"]}
    for name, spec in schema.items():
        if name not in frame or frame[name] is None:
            if spec.required:
                raise BadFrame(f"{frame['type']} needs {name}")
            continue
        _check(name, spec, frame[name], max_text)
        clean[name] = frame[name]
    return clean


def entry_frame(conversation_id: str, entry: Mapping[str, Any]) -> dict[str, Any]:
    """A log entry as the ``entry`` frame both endpoints send."""
    return {"type": "entry", "conversation_id": conversation_id, **entry}
