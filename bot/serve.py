"""Starting the assistant's processes on loopback: the action server and the Rasa server.

Used by `scripts/bot run` and by the end-to-end tests, so both start the services the same way.
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
from typing import IO

from bot.settings import REPO_ROOT, Settings

log = logging.getLogger(__name__)
LOOPBACK = "127.0.0.1"


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


def action_server(settings: Settings, port: int) -> Service:
    return Service(
        "action server",
        [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(port)],
        base_env(settings),
        f"http://{LOOPBACK}:{port}/health",
        settings.var_dir / "logs" / "actions.log",
    )


def rasa_server(settings: Settings, model: Path, port: int, token: str, action_port: int) -> Service:
    env = base_env(settings) | {"ACTION_ENDPOINT_URL": f"http://{LOOPBACK}:{action_port}/webhook"}
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
        "--auth-token",
        token,
        "--model",
        str(model),
        "--endpoints",
        str(REPO_ROOT / "endpoints.yml"),
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
    if settings.rasa_token:
        return settings.rasa_token
    path = settings.var_dir / "rasa_token"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(24)
    path.touch(mode=0o600)
    path.write_text(token)
    return token


def start_assistant(
    settings: Settings, model: Path, rasa_port: int, action_port: int, token: str, timeout: float = 240
) -> list[Service]:
    """Start the action server and the Rasa server and wait until both answer."""
    services = [action_server(settings, action_port), rasa_server(settings, model, rasa_port, token, action_port)]
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
    log.info("starting the action server and Rasa (about a minute)")
    services = start_assistant(settings, model, settings.rasa_port, settings.action_port, token)
    print(
        json.dumps(
            {
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
