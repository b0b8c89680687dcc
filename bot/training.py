"""Training the Rasa model only when its inputs changed, with models cached by a hash of those inputs.

The cache lives outside the checkout (``Settings.models_dir``), so a fresh clone on the same
machine, and CI, reuse a model trained from identical inputs.
"""

from __future__ import annotations

import hashlib
import logging
import subprocess
import sys
import time
from pathlib import Path

from bot.settings import REPO_ROOT, Settings

log = logging.getLogger(__name__)

NLU_DATA = "data/nlu"
CORE_DATA = "data/core"
# Everything that changes what `rasa train` produces: data, configuration, and our own NLU code.
MODEL_INPUTS = ("config.yml", "domain.yml", NLU_DATA, CORE_DATA, "bot/nlu", "bot/policies.py", "requirements/rasa.lock")
# The tone model is trained and cached on its own (bot/tone/training.py): tone data changes
# don't retrain Rasa, and the Rasa server loads the current tone model when it starts.


def rasa_command(root: Path, *command: str) -> list[str]:
    """``python -m rasa <command>`` with this project's domain, config and training data."""
    return [
        sys.executable,
        "-m",
        "rasa",
        *command,
        "--domain",
        str(root / "domain.yml"),
        "--config",
        str(root / "config.yml"),
        "--data",
        str(root / NLU_DATA),
        str(root / CORE_DATA),
    ]


def inputs_hash(root: Path = REPO_ROOT, inputs: tuple[str, ...] = MODEL_INPUTS) -> str:
    """A short, stable hash of the files that determine the trained model."""
    digest = hashlib.sha256()
    for name in inputs:
        path = root / name
        files = (
            sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
            if path.is_dir()
            else [path]
        )
        for f in files:
            digest.update(str(f.relative_to(root)).encode())
            digest.update(b"\0")
            digest.update(f.read_bytes())
            digest.update(b"\0")
    return digest.hexdigest()[:16]


def model_path(settings: Settings, root: Path = REPO_ROOT) -> Path:
    return settings.models_dir / f"kindred-{inputs_hash(root)}.tar.gz"


def train_if_needed(settings: Settings, root: Path = REPO_ROOT, force: bool = False) -> Path:
    """The model for the current inputs, training it first if the cache doesn't have it."""
    from bot.nlu.encoder import prepare_encoder

    target = model_path(settings, root)
    if target.exists() and not force:
        log.info("model up to date: %s", target)
        return target
    prepare_encoder(settings.encoder_dir)
    settings.models_dir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    log.info("training %s (inputs changed since the last cached model)", target.name)
    cmd = [
        *rasa_command(root, "train"),
        "--out",
        str(settings.models_dir),
        "--fixed-model-name",
        target.name.removesuffix(".tar.gz"),
    ]
    log_path = settings.var_dir / "logs" / "train.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as out:
        result = subprocess.run(cmd, cwd=root, stdout=out, stderr=subprocess.STDOUT)
    if result.returncode != 0:
        tail = log_path.read_text(errors="replace").splitlines()[-30:]
        raise RuntimeError(f"rasa train failed (exit {result.returncode}); end of {log_path}:\n" + "\n".join(tail))
    log.info("trained in %.0f s (log: %s)", time.monotonic() - started, log_path)
    return target
