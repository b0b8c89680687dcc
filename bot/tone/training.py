"""Training the tone model, cached by a hash of the tone data and code like the Rasa model."""

from __future__ import annotations

import logging
import pickle
import time
from pathlib import Path

import numpy as np

from bot.settings import REPO_ROOT, Settings
from bot.tone.data import load_examples
from bot.tone.model import ToneModel
from bot.training import inputs_hash

log = logging.getLogger(__name__)

TONE_DATA = "data/tone"
TONE_INPUTS = (TONE_DATA, "bot/tone", "bot/nlu/encoder.py", "bot/nlu/onnx_graph.py", "requirements/rasa.lock")
SEED = 7


def tone_model_path(settings: Settings, root: Path = REPO_ROOT) -> Path:
    return settings.cache_dir / "tone" / f"tone-{inputs_hash(root, TONE_INPUTS)}.pkl"


def fit_tone_model(root: Path, settings: Settings) -> ToneModel:
    """Encode the examples once and fit the model (deterministic for the fixed seed)."""
    from bot.nlu.encoder import load_encoder
    from bot.tone.cues import CueExtractor

    examples = load_examples(root / TONE_DATA)
    texts = [e.text for e in examples]
    embeddings = load_encoder(settings.encoder_dir).encode(texts)
    cues = CueExtractor()
    cue_vectors = np.stack([cues.extract(t).vector() for t in texts])
    return ToneModel(seed=SEED).fit(
        embeddings, cue_vectors, [e.label for e in examples], [e.distressed for e in examples]
    )


def train_tone_if_needed(settings: Settings, root: Path = REPO_ROOT, force: bool = False) -> Path:
    """The tone model for the current data and code, trained first if the cache doesn't have it."""
    target = tone_model_path(settings, root)
    if target.exists() and not force:
        return target
    started = time.monotonic()
    model = fit_tone_model(root, settings)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".partial")
    tmp.write_bytes(pickle.dumps(model))
    tmp.replace(target)
    log.info("trained the tone model in %.1f s: %s", time.monotonic() - started, target)
    return target


def load_tone_model(path: Path) -> ToneModel:
    model = pickle.loads(path.read_bytes())
    if not isinstance(model, ToneModel):
        raise TypeError(f"{path} does not hold a tone model")
    return model
