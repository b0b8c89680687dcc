"""Starting the assistant's processes on loopback: the action server and the Rasa server.

Used by `scripts/bot run` and by the end-to-end tests, so both start the services the same way.
Rasa is started with an endpoints file written into ``var/``: the repository's ``endpoints.yml``
plus, when ``REDIS_URL`` is set, Redis tracker and lock stores (Rasa 3.6 cannot make a section of
the static file conditional). A Redis password stays out of the file: the file names an environment
variable that only the Rasa process gets.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.parse import parse_qs, unquote, urlsplit

import yaml

from bot.settings import REPO_ROOT, Settings, SettingsError

log = logging.getLogger(__name__)
LOOPBACK = "127.0.0.1"
REDIS_KEY_PREFIX = "kindred"  # Rasa keys: kindred:tracker:<conversation id>, kindred:lock:<conversation id>
REDIS_PASSWORD_ENV = "KINDRED_REDIS_PASSWORD"


@dataclass
class Service:
    """One child process and how to tell it is ready."""

    name: str
    cmd: list[str]
    env: dict[str, str]
    health_url: str
    log_path: Path
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    _log: IO[bytes] | None = field(default=None, repr=False)

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self.cmd, env=self.env, cwd=REPO_ROOT, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def wait_ready(self, timeout: float) -> None:
        """Poll the health URL until it answers 200; fail early if the process dies."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}; see {self.log_path}")
            try:
                with urllib.request.urlopen(self.health_url, timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            time.sleep(0.5)
        raise TimeoutError(f"{self.name} not ready after {timeout:.0f} s; see {self.log_path}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if self._log is not None:
            self._log.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return int(s.getsockname()[1])


def base_env(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        {
            "PYTHONPATH": str(REPO_ROOT),
            "DATABASE_URL": settings.database_url,
            "KINDRED_CACHE_DIR": str(settings.cache_dir),
            "KINDRED_VAR_DIR": str(settings.var_dir),
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "RASA_TELEMETRY_ENABLED": "false",
            "SANIC_HOST": LOOPBACK,
        }
    )
    return env


def action_server(settings: Settings, port: int, handoff: Handoff | None = None) -> Service:
    env = base_env(settings)
    if handoff is not None:
        env |= {"HANDOFF_URL": handoff.url, "HANDOFF_SERVICE_TOKEN": handoff.service_token}
    return Service(
        "action server",
        [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(port)],
        env,
        f"http://{LOOPBACK}:{port}/health",
        settings.var_dir / "logs" / "actions.log",
    )


def redis_store(url: str) -> tuple[dict[str, Any], dict[str, str]]:
    """Rasa's store settings for a ``redis://`` or ``rediss://`` URL, and the environment they need.

    The keys are the arguments of Rasa 3.6's ``RedisTrackerStore`` and ``RedisLockStore`` (``url``
    becomes their ``host``).
    """
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss"):
        raise SettingsError(f"REDIS_URL must start with redis:// or rediss://, got {parts.scheme or url!r}")
    db_text = parts.path.strip("/") or (parse_qs(parts.query).get("db") or ["0"])[0]
    try:
        port, db = parts.port or 6379, int(db_text)
    except ValueError as exc:
        raise SettingsError(f"REDIS_URL has an unusable port or database number: {url!r}") from exc
    store: dict[str, Any] = {
        "type": "redis",
        "url": parts.hostname or "localhost",
        "port": port,
        "db": db,
        "key_prefix": REDIS_KEY_PREFIX,
    }
    env: dict[str, str] = {}
    if parts.username:
        store["username"] = unquote(parts.username)
    if parts.password:
        store["password"] = f"${{{REDIS_PASSWORD_ENV}}}"
        env[REDIS_PASSWORD_ENV] = unquote(parts.password)
    if parts.scheme == "rediss":
        store["use_ssl"] = True
    return store, env


def endpoints_file(settings: Settings) -> tuple[Path, dict[str, str]]:
    """Write the endpoints file Rasa starts with into ``var/``; return it and the environment it needs."""
    endpoints = yaml.safe_load((REPO_ROOT / "endpoints.yml").read_text()) or {}
    env: dict[str, str] = {}
    if settings.redis_url:
        store, env = redis_store(settings.redis_url)
        endpoints["tracker_store"] = dict(store)
        endpoints["lock_store"] = dict(store)
    path = settings.var_dir / "endpoints.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    header = "# Written by bot/serve.py from endpoints.yml and the settings; edit those instead.\n"
    path.write_text(header + yaml.safe_dump(endpoints, sort_keys=False))
    return path, env


def rasa_server(settings: Settings, model: Path, port: int, token: str, action_port: int) -> Service:
    endpoints, store_env = endpoints_file(settings)
    env = base_env(settings) | store_env | {"ACTION_ENDPOINT_URL": f"http://{LOOPBACK}:{action_port}/webhook"}
    cmd = [
        sys.executable,
        "-m",
        "rasa",
        "run",
        "--enable-api",
        "--interface",
        LOOPBACK,
        "--port",
        str(port),
        f"--auth-token={token}",  # one argument: a token may start with "-" (token_urlsafe), read as an option
        "--model",
        str(model),
        "--endpoints",
        str(endpoints),
        "--credentials",
        str(REPO_ROOT / "credentials.yml"),
    ]
    return Service(
        "rasa server",
        cmd,
        env,
        f"http://{LOOPBACK}:{port}/status?token={token}",
        settings.var_dir / "logs" / "rasa.log",
    )


def api_token(settings: Settings) -> str:
    """The Rasa HTTP API token: RASA_TOKEN if given, else one generated once and kept private in var/."""
    return settings.rasa_token or private_token(settings, "rasa_token")


@dataclass(frozen=True)
class Handoff:
    """Where the action server reaches the handoff service, and the token it shows."""

    url: str
    service_token: str


def private_token(settings: Settings, name: str) -> str:
    """A random token generated once and kept private in var/ (shared by the processes started here)."""
    path = settings.var_dir / name
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(24)
    path.touch(mode=0o600)
    path.write_text(token)
    return token


def handoff_service(
    settings: Settings,
    port: int,
    rasa_port: int,
    rasa_token: str,
    service_token: str,
    extra: dict[str, str] | None = None,
) -> Service:
    """The browser-facing handoff service, in its own environment (KINDRED_HANDOFF_PYTHON)."""
    if not settings.handoff_python:
        raise SettingsError(
            "KINDRED_HANDOFF_PYTHON is not set; start through scripts/bot, which creates that environment"
        )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env |= {
        "PYTHONPATH": str(REPO_ROOT),
        "KINDRED_VAR_DIR": str(settings.var_dir),
        "RASA_URL": f"http://{LOOPBACK}:{rasa_port}",
        "RASA_TOKEN": rasa_token,
        "HANDOFF_HOST": LOOPBACK,
        "HANDOFF_PORT": str(port),
        "HANDOFF_SERVICE_TOKEN": service_token,
        "HANDOFF_DEMO": env.get("HANDOFF_DEMO", "true"),
    }
    if settings.redis_url:
        env["REDIS_URL"] = settings.redis_url
    env |= extra or {}
    return Service(
        "handoff service",
        [settings.handoff_python, "-m", "handoff", "serve"],
        env,
        f"http://{LOOPBACK}:{port}/health",
        settings.var_dir / "logs" / "handoff.log",
    )


def start_assistant(
    settings: Settings,
    model: Path,
    rasa_port: int,
    action_port: int,
    token: str,
    timeout: float = 240,
    handoff: Handoff | None = None,
) -> list[Service]:
    """Start the action server and the Rasa server and wait until both answer."""
    services = [
        action_server(settings, action_port, handoff),
        rasa_server(settings, model, rasa_port, token, action_port),
    ]
    try:
        for service in services:
            service.start()
        for service in services:
            service.wait_ready(timeout)
    except BaseException:
        for service in reversed(services):
            service.stop()
        raise
    return services


def run_services(settings: Settings, model: Path) -> int:
    """`scripts/bot run`: start everything, say where it is, stop it all on Ctrl-C or SIGTERM."""
    token = api_token(settings)
    service_token = settings.handoff_service_token or private_token(settings, "handoff_service_token")
    handoff = handoff_service(settings, settings.handoff_port, settings.rasa_port, token, service_token)
    handoff.start()
    try:
        handoff.wait_ready(60)
        log.info("starting the action server and Rasa (about a minute)")
        link = Handoff(f"http://{LOOPBACK}:{settings.handoff_port}", service_token)
        services = [
            handoff,
            *start_assistant(settings, model, settings.rasa_port, settings.action_port, token, handoff=link),
        ]
    except BaseException:
        handoff.stop()
        raise
    print(
        json.dumps(
            {
                "employee_demo_page": f"http://{LOOPBACK}:{settings.handoff_port}/",
                "agent_console": f"http://{LOOPBACK}:{settings.handoff_port}/console (demo agents alex, sam, morgan)",
                "handoff_service": f"http://{LOOPBACK}:{settings.handoff_port} (websockets /ws/employee, /ws/agent)",
                "rasa_rest_webhook": f"http://{LOOPBACK}:{settings.rasa_port}/webhooks/rest/webhook",
                "rasa_api": f"http://{LOOPBACK}:{settings.rasa_port} (token in {settings.var_dir / 'rasa_token'})",
                "action_server": f"http://{LOOPBACK}:{settings.action_port}",
                "model": str(model),
                "logs": str(settings.var_dir / "logs"),
            },
            indent=2,
        ),
        flush=True,
    )
    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        while not stopping:
            for service in services:
                if service.process is not None and service.process.poll() is not None:
                    log.error("%s stopped unexpectedly; see %s", service.name, service.log_path)
                    return 1
            time.sleep(1)
    finally:
        for service in reversed(services):
            service.stop()
    return 0
