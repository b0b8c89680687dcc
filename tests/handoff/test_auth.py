"""Signed session tokens and hashed agent passwords."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

import pytest

from handoff.auth import Identity, check_password, hash_password, sign, verify
from handoff.errors import Unauthorized

SECRET = b"test-secret"
T0 = 1_700_000_000.0
EMPLOYEE = Identity("e1", "employee", "c1")
AGENT = Identity("ana", "agent")


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def forge(claims: Any, secret: bytes = SECRET) -> str:
    """A correctly signed token with arbitrary claims, as only a holder of the secret could make."""
    body = b64(json.dumps(claims).encode())
    return f"{body}.{b64(hmac.new(secret, body.encode(), hashlib.sha256).digest())}"


# --- tokens -------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("identity", [EMPLOYEE, AGENT, Identity("sue", "supervisor"), Identity("ana", "agent", "c9")])
def test_sign_then_verify_returns_the_identity(identity: Identity) -> None:
    """A token verifies, before it expires, to the identity it was signed for."""
    assert verify(SECRET, sign(SECRET, identity, T0, 60), T0 + 30) == identity


def test_token_is_valid_until_just_before_expiry() -> None:
    """A token still verifies one second before its expiry."""
    assert verify(SECRET, sign(SECRET, AGENT, T0, 60), T0 + 59) == AGENT


def test_token_expires_exactly_at_exp() -> None:
    """At exactly its expiry time a token is expired."""
    with pytest.raises(Unauthorized):
        verify(SECRET, sign(SECRET, AGENT, T0, 60), T0 + 60)


def test_token_after_expiry_is_refused() -> None:
    """A token long after its expiry is refused."""
    with pytest.raises(Unauthorized):
        verify(SECRET, sign(SECRET, AGENT, T0, 60), T0 + 3600)


def test_tampered_body_is_refused() -> None:
    """Changing the claims (e.g. to become a supervisor) breaks the signature."""
    body, mac = sign(SECRET, AGENT, T0, 60).split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    claims["role"] = "supervisor"
    with pytest.raises(Unauthorized):
        verify(SECRET, f"{b64(json.dumps(claims).encode())}.{mac}", T0)


def test_tampered_mac_is_refused() -> None:
    """A token whose signature was altered is refused."""
    body, mac = sign(SECRET, AGENT, T0, 60).split(".")
    flipped = "A" if mac[0] != "A" else "B"
    with pytest.raises(Unauthorized):
        verify(SECRET, f"{body}.{flipped}{mac[1:]}", T0)


def test_token_signed_with_another_secret_is_refused() -> None:
    """A token signed with a different secret is refused."""
    with pytest.raises(Unauthorized):
        verify(SECRET, sign(b"other-secret", AGENT, T0, 60), T0)


@pytest.mark.parametrize(
    "token",
    ["", ".", "abc", "a.b.c", "not a token", "é.é", "....", "YWJj.!!!", "YWJj.a", sign(SECRET, AGENT, T0, 60) + ".x"],
)
def test_garbage_tokens_are_unauthorized(token: str) -> None:
    """Malformed tokens raise Unauthorized, never another error."""
    with pytest.raises(Unauthorized):
        verify(SECRET, token, T0)


@pytest.mark.parametrize(
    "claims",
    [
        {"sub": "e1", "role": "employee", "exp": int(T0) + 60},
        {"sub": "e1", "role": "employee", "exp": int(T0) + 60, "cid": 5},
    ],
)
def test_employee_token_needs_a_conversation(claims: dict[str, Any]) -> None:
    """An employee token without a string conversation id is refused."""
    with pytest.raises(Unauthorized):
        verify(SECRET, forge(claims), T0)


@pytest.mark.parametrize(
    "claims",
    [
        {"sub": "x", "role": "admin", "exp": int(T0) + 60},
        {"sub": "x", "exp": int(T0) + 60},
        {"sub": 5, "role": "agent", "exp": int(T0) + 60},
        {"role": "agent", "exp": int(T0) + 60},
        {"sub": "x", "role": "agent", "exp": "never"},
        {"sub": "x", "role": "agent", "exp": float(T0 + 60)},
        {"sub": "x", "role": "agent"},
        ["x", "agent"],
        "agent",
    ],
)
def test_signed_but_invalid_claims_are_unauthorized(claims: Any) -> None:
    """A correctly signed token with an unknown role, a bad subject or a bad expiry is still refused."""
    with pytest.raises(Unauthorized):
        verify(SECRET, forge(claims), T0)


def test_employee_token_binds_the_conversation() -> None:
    """The verified identity of an employee token carries its conversation id."""
    assert verify(SECRET, sign(SECRET, EMPLOYEE, T0, 60), T0).conversation_id == "c1"


def test_tokens_are_url_safe() -> None:
    """Tokens contain only URL-safe characters and one dot, so they fit in query strings."""
    token = sign(SECRET, Identity("e/1+?", "employee", "c~1"), T0, 60)
    assert token.count(".") == 1
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")


# --- passwords ----------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def stored() -> str:
    return hash_password("correct horse")


def test_right_password_checks(stored: str) -> None:
    """The password a hash was made from checks against it."""
    assert check_password("correct horse", stored)


@pytest.mark.parametrize("attempt", ["Correct horse", "correct horse ", "", "wrong"])
def test_wrong_password_fails(stored: str, attempt: str) -> None:
    """Any other password fails."""
    assert not check_password(attempt, stored)


def test_hashes_are_salted(stored: str) -> None:
    """Hashing the same password twice gives different hashes that both check."""
    again = hash_password("correct horse")
    assert again != stored
    assert check_password("correct horse", again)


def test_given_salt_is_deterministic() -> None:
    """With a fixed salt the hash is reproducible and names its scheme and parameters."""
    first = hash_password("pw", b"0123456789abcdef")
    assert first == hash_password("pw", b"0123456789abcdef")
    assert first.startswith("scrypt$16384$8$1$")


@pytest.mark.parametrize(
    "malformed",
    [
        "",
        "plain-text-password",
        "scrypt$16384$8$1$c2FsdA",
        "scrypt$x$8$1$c2FsdA$abcd",
        "scrypt$3$8$1$c2FsdA$abcd",
        "bcrypt$16384$8$1$c2FsdA$abcd",
        "scrypt$16384$8$1$!$abcd",
    ],
)
def test_malformed_stored_hash_fails(malformed: str) -> None:
    """A stored hash that is not a well-formed scrypt string fails the check instead of raising."""
    assert check_password("pw", malformed) is False


@pytest.mark.parametrize("digest", ["a", "é"])
def test_malformed_stored_digest_fails(digest: str) -> None:
    """A stored hash whose digest part is not base64 fails the check instead of raising."""
    prefix = hash_password("pw", b"0123456789abcdef").rsplit("$", 1)[0]
    assert check_password("pw", f"{prefix}${digest}") is False
