"""Signed session tokens (HMAC-SHA256 with an expiry) and hashed agent passwords (scrypt).

An employee token binds one employee to one conversation; an agent token names the agent and their role.
The intranet mints employee tokens with the shared secret (``python -m handoff token``); the demo page
asks the service for one when demo mode is on.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from typing import Any

from handoff.errors import Unauthorized

ROLES = frozenset({"employee", "agent", "supervisor"})


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class Identity:
    """Who a verified token speaks for."""

    subject: str
    role: str
    conversation_id: str | None = None


def sign(secret: bytes, identity: Identity, now: float, ttl: float) -> str:
    claims: dict[str, Any] = {"sub": identity.subject, "role": identity.role, "exp": int(now + ttl)}
    if identity.conversation_id is not None:
        claims["cid"] = identity.conversation_id
    body = _b64(json.dumps(claims, separators=(",", ":"), sort_keys=True).encode())
    mac = hmac.new(secret, body.encode(), hashlib.sha256).digest()
    return f"{body}.{_b64(mac)}"


def verify(secret: bytes, token: str, now: float) -> Identity:
    """The identity a token carries; Unauthorized if it is malformed, forged or expired."""
    try:
        body, mac = token.split(".")
        expected = hmac.new(secret, body.encode(), hashlib.sha256).digest()
        if not hmac.compare_digest(expected, _unb64(mac)):
            raise Unauthorized("bad token signature")
        claims = json.loads(_unb64(body))
    except Unauthorized:
        raise
    except (ValueError, TypeError) as exc:
        raise Unauthorized("malformed token") from exc
    if not isinstance(claims, dict) or not isinstance(claims.get("role"), str) or claims["role"] not in ROLES:
        raise Unauthorized("token without a valid role")
    if not isinstance(claims.get("sub"), str):
        raise Unauthorized("token without a valid subject and role")
    if not isinstance(claims.get("exp"), int) or claims["exp"] <= now:
        raise Unauthorized("token expired")
    cid = claims.get("cid")
    if claims["role"] == "employee" and not isinstance(cid, str):
        raise Unauthorized("employee token without a conversation")
    return Identity(claims["sub"], claims["role"], cid if isinstance(cid, str) else None)


SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def check_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        actual = hashlib.scrypt(password.encode(), salt=_unb64(salt), n=int(n), r=int(r), p=int(p), dklen=32)
        expected = _unb64(digest)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)
