"""The endpoints file Rasa starts with: the repository's endpoints, plus Redis stores when REDIS_URL is set."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from rasa.core.utils import AvailableEndpoints

from bot.serve import REDIS_PASSWORD_ENV, endpoints_file, rasa_server, redis_store
from bot.settings import REPO_ROOT, Settings, SettingsError


def settings(tmp_path: Path, redis_url: str | None = None) -> Settings:
    env = {"KINDRED_VAR_DIR": str(tmp_path / "var"), "HOME": str(tmp_path)}
    return Settings.from_env({**env, "REDIS_URL": redis_url} if redis_url else env)


def test_without_redis_the_repository_endpoints_are_used(tmp_path: Path) -> None:
    path, env = endpoints_file(settings(tmp_path))
    assert path == tmp_path / "var" / "endpoints.yml" and env == {}
    assert yaml.safe_load(path.read_text()) == yaml.safe_load((REPO_ROOT / "endpoints.yml").read_text())


def test_redis_url_adds_tracker_and_lock_stores(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rasa itself reads the file back: stores of type redis, the action URL and password from the environment."""
    path, env = endpoints_file(settings(tmp_path, "redis://:s3cret%21@127.0.0.1:6380/5"))
    assert "s3cret" not in path.read_text() and env == {REDIS_PASSWORD_ENV: "s3cret!"}
    monkeypatch.setenv(REDIS_PASSWORD_ENV, env[REDIS_PASSWORD_ENV])
    monkeypatch.setenv("ACTION_ENDPOINT_URL", "http://127.0.0.1:5055/webhook")
    endpoints = AvailableEndpoints.read_endpoints(str(path))
    assert endpoints.action is not None and endpoints.action.url == "http://127.0.0.1:5055/webhook"
    for store in (endpoints.tracker_store, endpoints.lock_store):
        assert store is not None and store.type == "redis" and store.url == "127.0.0.1"
        assert store.kwargs == {"port": 6380, "db": 5, "key_prefix": "kindred", "password": "s3cret!"}


def test_redis_url_forms() -> None:
    assert redis_store("redis://localhost") == (
        {"type": "redis", "url": "localhost", "port": 6379, "db": 0, "key_prefix": "kindred"},
        {},
    )
    store, env = redis_store("rediss://kindred:pw@cache.internal:6390/2")
    assert store["username"] == "kindred" and store["use_ssl"] is True and store["db"] == 2 and env
    assert redis_store("redis://127.0.0.1:6379?db=3")[0]["db"] == 3
    with pytest.raises(SettingsError):
        redis_store("http://127.0.0.1:6379/0")
    with pytest.raises(SettingsError):
        redis_store("redis://127.0.0.1:6379/five")


def test_rasa_reads_a_token_that_starts_with_a_dash(tmp_path: Path) -> None:
    """A generated token like "-JpUs..." was read by Rasa's parser as an option, and `make run` failed."""
    from rasa.__main__ import create_argument_parser

    token = "-JpUsVzucTouuwg6rNI1F4i4Qc2EAHZU"
    cmd = rasa_server(settings(tmp_path), tmp_path / "model.tar.gz", 5005, token, 5055).cmd
    args = create_argument_parser().parse_args(cmd[cmd.index("run") :])
    assert args.auth_token == token and args.port == 5005
