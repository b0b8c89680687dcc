"""The handoff service's configuration, read once from the environment at start-up."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


class SettingsError(ValueError):
    """A configuration value is present but unusable."""


def _number(env: Mapping[str, str], key: str, default: float) -> float:
    raw = env.get(key)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise SettingsError(f"{key} must be a number, got {raw!r}") from exc
    if value <= 0:
        raise SettingsError(f"{key} must be positive, got {raw!r}")
    return value


def _flag(env: Mapping[str, str], key: str, default: bool) -> bool:
    raw = (env.get(key) or "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{key} must be true or false, got {raw!r}")


def _kept_secret(env: Mapping[str, str], key: str, path: Path, size: int) -> str:
    """``env[key]``, or a random value generated once and kept private at ``path`` (so it survives restarts,
    and `make run` shares it with the other processes it starts, e.g. the action server's service token)."""
    if env.get(key):
        return env[key]
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(size))
    return path.read_text().strip()


def _rasa_token(env: Mapping[str, str], var_dir: Path) -> str | None:
    if env.get("RASA_TOKEN"):
        return env["RASA_TOKEN"]
    path = var_dir / "rasa_token"
    return path.read_text().strip() if path.exists() else None


@dataclass(frozen=True)
class Settings:
    host: str
    port: int
    redis_url: str | None
    redis_prefix: str
    rasa_url: str
    rasa_token: str | None
    secret: bytes
    service_token: str
    var_dir: Path
    static_dir: Path
    demo: bool
    max_text: int = 4096
    token_ttl: float = 8 * 3600
    rasa_timeout: float = 15.0
    offer_sla: float = 30.0
    reply_sla: float = 180.0
    agent_grace: float = 15.0
    nobody_grace: float = 60.0
    relay_retry: float = 45.0
    retention: float = 90 * 86400
    heartbeat: float = 5.0
    typing_timeout: float = 6.0
    hello_timeout: float = 10.0
    tick: float = 0.5

    def __post_init__(self) -> None:
        if self.relay_retry <= self.rasa_timeout:
            raise SettingsError("HANDOFF_RELAY_RETRY must exceed HANDOFF_RASA_TIMEOUT, or a slow reply is asked twice")

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        var_dir = Path(env.get("KINDRED_VAR_DIR") or REPO_ROOT / "var")
        return cls(
            host=env.get("HANDOFF_HOST") or "127.0.0.1",
            port=int(_number(env, "HANDOFF_PORT", 8080)),
            redis_url=env.get("REDIS_URL") or None,
            redis_prefix=env.get("HANDOFF_REDIS_PREFIX") or "kd:",
            rasa_url=(env.get("RASA_URL") or "http://127.0.0.1:5005").rstrip("/"),
            rasa_token=_rasa_token(env, var_dir),
            secret=_kept_secret(env, "HANDOFF_SECRET", var_dir / "handoff_secret", 32).encode(),
            service_token=_kept_secret(env, "HANDOFF_SERVICE_TOKEN", var_dir / "handoff_service_token", 24),
            var_dir=var_dir,
            static_dir=REPO_ROOT / "handoff" / "static",
            demo=_flag(env, "HANDOFF_DEMO", False),
            max_text=int(_number(env, "HANDOFF_MAX_TEXT", 4096)),
            token_ttl=_number(env, "HANDOFF_TOKEN_TTL", 8 * 3600),
            rasa_timeout=_number(env, "HANDOFF_RASA_TIMEOUT", 15.0),
            offer_sla=_number(env, "HANDOFF_OFFER_SLA", 30.0),
            reply_sla=_number(env, "HANDOFF_REPLY_SLA", 180.0),
            agent_grace=_number(env, "HANDOFF_AGENT_GRACE", 15.0),
            nobody_grace=_number(env, "HANDOFF_NOBODY_GRACE", 60.0),
            relay_retry=_number(env, "HANDOFF_RELAY_RETRY", 45.0),
            retention=_number(env, "HANDOFF_RETENTION_DAYS", 90) * 86400,
            heartbeat=_number(env, "HANDOFF_HEARTBEAT", 5.0),
            typing_timeout=_number(env, "HANDOFF_TYPING_TIMEOUT", 6.0),
            hello_timeout=_number(env, "HANDOFF_HELLO_TIMEOUT", 10.0),
            tick=_number(env, "HANDOFF_TICK", 0.5),
        )
