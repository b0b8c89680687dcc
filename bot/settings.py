"""Settings read once, at the process edge, into a frozen object.

Nothing below the entry points reads ``os.environ``: they call :func:`load_settings`
(or build :class:`Settings` from an explicit mapping in tests) and pass the result down.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Mapping

REPO_ROOT = Path(__file__).resolve().parent.parent


class SettingsError(ValueError):
    """A configuration value is present but unusable."""


def _int(env: Mapping[str, str], key: str, default: int) -> int:
    raw = env.get(key)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise SettingsError(f"{key} must be an integer, got {raw!r}") from exc


@dataclass(frozen=True)
class Settings:
    """Everything the assistant's processes need to know about their surroundings."""

    database_url: str
    redis_url: str | None
    cache_dir: Path
    var_dir: Path
    rasa_port: int
    action_port: int
    handoff_url: str | None
    rasa_token: str | None
    handoff_service_token: str | None = None
    handoff_python: str | None = None
    handoff_port: int = 8080

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        var_dir = Path(env.get("KINDRED_VAR_DIR") or REPO_ROOT / "var")
        cache_dir = Path(env.get("KINDRED_CACHE_DIR") or Path(env.get("HOME", "/root")) / ".cache" / "kindred-desk")
        database_url = env.get("DATABASE_URL") or f"sqlite:///{var_dir / 'kindred.db'}"
        return cls(
            database_url=database_url,
            redis_url=env.get("REDIS_URL") or None,
            cache_dir=cache_dir,
            var_dir=var_dir,
            rasa_port=_int(env, "RASA_PORT", 5005),
            action_port=_int(env, "ACTION_PORT", 5055),
            handoff_url=env.get("HANDOFF_URL") or None,
            rasa_token=env.get("RASA_TOKEN") or None,
            handoff_service_token=env.get("HANDOFF_SERVICE_TOKEN") or None,
            handoff_python=env.get("KINDRED_HANDOFF_PYTHON") or None,
            handoff_port=_int(env, "HANDOFF_PORT", 8080),
        )

    @property
    def encoder_dir(self) -> Path:
        """Where the MiniLM encoder, exported once to ONNX, is kept."""
        return self.cache_dir / "encoder" / "all-minilm-l6-v2-onnx"

    @property
    def models_dir(self) -> Path:
        """Trained Rasa models, named by the hash of their inputs."""
        return self.cache_dir / "models"


@lru_cache(maxsize=1)
def load_settings() -> Settings:
    """The process-wide settings, read from the environment the first time they are needed."""
    return Settings.from_env(os.environ)
