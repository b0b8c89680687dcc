"""Training the tone model, cached by a hash of the tone data and code like the Rasa model.

A trained tone model is a folder: ``encoder.onnx`` + ``tokenizer.json`` (MiniLM fine-tuned on our
examples, exported like the shared encoder), ``model.pkl`` (heads and calibration) and
``validation.json`` (the fifth of the examples held out from fine-tuning, used for calibration
and for the per-label scores of ``scripts/bot tone eval``).
"""

from __future__ import annotations

import json
import logging
import os
import pickle
import shutil
import time
from pathlib import Path

import numpy as np
from sklearn.model_selection import train_test_split

from bot.settings import REPO_ROOT, Settings
from bot.tone.data import ToneExample, load_examples
from bot.tone.finetune import TuneConfig
from bot.tone.model import LABELS, ToneModel
from bot.training import inputs_hash

log = logging.getLogger(__name__)

TONE_DATA = "data/tone"
TONE_INPUTS = (TONE_DATA, "bot/tone", "bot/nlu/encoder.py", "bot/nlu/onnx_graph.py", "requirements/rasa.lock")
SEED = 7
VALIDATION_SHARE = 0.2
TUNING = TuneConfig(seed=SEED)


def tone_model_path(settings: Settings, root: Path = REPO_ROOT) -> Path:
    return settings.cache_dir / "tone" / f"tone-{inputs_hash(root, TONE_INPUTS)}"


def split_examples(examples: list[ToneExample], seed: int = SEED) -> tuple[list[ToneExample], list[ToneExample]]:
    """Fine-tuning and held-out examples, stratified by label; the same for the same data and seed."""
    train, held_out = train_test_split(
        examples, test_size=VALIDATION_SHARE, random_state=seed, stratify=[e.label for e in examples]
    )
    return list(train), list(held_out)


def build_tone_model(examples: list[ToneExample], target: Path, config: TuneConfig = TUNING) -> Path:
    """Fine-tune on four fifths of ``examples``, calibrate on the rest, and write the folder ``target``."""
    from bot.nlu.encoder import SentenceEncoder, packaged_model_dir, save_encoder
    from bot.nlu.onnx_graph import build_graph
    from bot.tone.cues import CueExtractor
    from bot.tone.finetune import fine_tune

    train, held_out = split_examples(examples, config.seed)
    source = packaged_model_dir()
    tuned = fine_tune(
        source,
        [e.text for e in train],
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
    pooled = SentenceEncoder(tmp).encode(texts)
    cues = CueExtractor()
    compound = np.array([cues.extract(t).values["vader_compound"] for t in texts])
    model = ToneModel(tuned.heads).calibrate(pooled, compound, [e.distressed for e in held_out])
    (tmp / "model.pkl").write_bytes(pickle.dumps(model))
    rows = [{"text": e.text, "label": e.label, "distressed": e.distressed} for e in held_out]
    (tmp / "validation.json").write_text(json.dumps(rows, ensure_ascii=False, indent=0) + "\n")
    shutil.rmtree(target, ignore_errors=True)
    try:
        tmp.rename(target)
    except OSError:  # another process finished first
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def train_tone_if_needed(settings: Settings, root: Path = REPO_ROOT, force: bool = False) -> Path:
    """The tone model folder for the current data and code, trained first if the cache doesn't have it."""
    target = tone_model_path(settings, root)
    if (target / "model.pkl").exists() and not force:
        return target
    started = time.monotonic()
    build_tone_model(load_examples(root / TONE_DATA), target)
    log.info("trained the tone model in %.1f s: %s", time.monotonic() - started, target)
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
