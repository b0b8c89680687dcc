"""Training the tone model, cached by a hash of the tone data and code like the Rasa model.

A trained tone model is a folder: ``encoder.onnx`` + ``tokenizer.json`` (MiniLM fine-tuned on our
examples, exported like the shared encoder), ``model.pkl`` (heads and calibration) and
``validation.json`` (the fifth of the examples held out from fine-tuning, used for calibration
and for the per-label scores of ``scripts/bot tone eval``). A folder is complete or absent: it is
written under another name and renamed into place, and one training runs at a time (a file lock).
Fine-tuning runs in a child process (``python -m bot.tone.training``): it seeds the random
generators and turns on TensorFlow's op determinism, which must not leak into a Rasa process.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import pickle
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.model_selection import train_test_split

from bot.settings import REPO_ROOT, Settings
from bot.tone.data import ToneExample, load_examples
from bot.tone.finetune import DEFAULT, TuneConfig
from bot.tone.model import LABELS, ToneModel
from bot.tone.text import spell_out_emoji
from bot.training import inputs_hash

log = logging.getLogger(__name__)

TONE_DATA = "data/tone"
TONE_INPUTS = (TONE_DATA, "bot/tone", "bot/nlu/encoder.py", "bot/nlu/onnx_graph.py", "requirements/rasa.lock")
VALIDATION_SHARE = 0.2
FILES = ("encoder.onnx", "tokenizer.json", "model.pkl", "validation.json")


def tone_model_path(settings: Settings, root: Path = REPO_ROOT) -> Path:
    return settings.cache_dir / "tone" / f"tone-{inputs_hash(root, TONE_INPUTS)}"


def split_examples(examples: list[ToneExample], seed: int) -> tuple[list[ToneExample], list[ToneExample]]:
    """Fine-tuning and held-out examples, stratified by label; the same for the same data and seed."""
    train, held_out = train_test_split(
        examples, test_size=VALIDATION_SHARE, random_state=seed, stratify=[e.label for e in examples]
    )
    return list(train), list(held_out)


def build_tone_model(examples: list[ToneExample], target: Path, config: TuneConfig = DEFAULT) -> Path:
    """Fine-tune on four fifths of ``examples``, calibrate on the rest, and write the folder ``target``."""
    from bot.nlu.encoder import SentenceEncoder, packaged_model_dir, save_encoder
    from bot.nlu.onnx_graph import build_graph
    from bot.tone.cues import CueExtractor
    from bot.tone.finetune import fine_tune
    from bot.tone.scorer import embed

    train, held_out = split_examples(examples, config.seed)
    source = packaged_model_dir()
    tuned = fine_tune(
        source,
        [spell_out_emoji(e.text) for e in train],
        [LABELS.index(e.label) for e in train],
        [e.distressed for e in train],
        len(LABELS),
        config,
    )
    bert_config = json.loads((source / "config.json").read_text())
    tmp = target.with_name(f"{target.name}.{os.getpid()}.partial")
    shutil.rmtree(tmp, ignore_errors=True)
    save_encoder(build_graph(tuned.encoder, bert_config, normalize=False), tmp)
    texts = [e.text for e in held_out]
    pooled = embed(SentenceEncoder(tmp, prepare=False), texts)
    cues = CueExtractor()
    compound = np.array([cues.extract(t).values["vader_compound"] for t in texts])
    model = ToneModel(tuned.heads).calibrate(pooled, compound, [e.distressed for e in held_out])
    (tmp / "model.pkl").write_bytes(pickle.dumps(model))
    rows = [{"text": e.text, "label": e.label, "distressed": e.distressed} for e in held_out]
    (tmp / "validation.json").write_text(json.dumps(rows, ensure_ascii=False, indent=0) + "\n")
    if target.exists():  # retraining on purpose: move the old one aside, never leave a half folder
        old = target.with_name(f"{target.name}.{os.getpid()}.old")
        target.rename(old)
        shutil.rmtree(old, ignore_errors=True)
    tmp.rename(target)
    return target


def is_complete(folder: Path) -> bool:
    return all((folder / name).exists() for name in FILES)


def train_tone_if_needed(settings: Settings, root: Path = REPO_ROOT, force: bool = False) -> Path:
    """The tone model folder for the current data and code, trained first if the cache doesn't have it."""
    target = tone_model_path(settings, root)
    if is_complete(target) and not force:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.parent / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another process may be training the same model
        if is_complete(target) and not force:
            return target
        started = time.monotonic()
        subprocess.run([sys.executable, "-m", "bot.tone.training", str(root), str(target)], check=True, cwd=REPO_ROOT)
        log.info("trained the tone model in %.1f s: %s", time.monotonic() - started, target)
    if not is_complete(target):
        raise RuntimeError(f"tone training left no complete model in {target}")
    return target


def load_tone_model(folder: Path) -> ToneModel:
    model = pickle.loads((folder / "model.pkl").read_bytes())
    if not isinstance(model, ToneModel):
        raise TypeError(f"{folder} does not hold a tone model")
    return model


def load_validation(folder: Path) -> list[ToneExample]:
    """The examples held out from fine-tuning this model."""
    rows = json.loads((folder / "validation.json").read_text())
    return [ToneExample(r["text"], r["label"], bool(r["distressed"])) for r in rows]


if __name__ == "__main__":  # the child process of train_tone_if_needed: python -m bot.tone.training ROOT TARGET
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    build_tone_model(load_examples(Path(sys.argv[1]) / TONE_DATA), Path(sys.argv[2]))
