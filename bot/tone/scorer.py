"""Scoring one message's tone within a deadline: a conversation never breaks because of tone.

``ToneScorer`` combines the tone encoder (MiniLM fine-tuned for tone, its own ONNX graph), the
cue extractor and the trained heads. ``score_within`` runs it on a
worker thread and gives the neutral score (marked ``degraded``) with a logged warning when the
scorer fails or takes longer than the deadline.
"""

from __future__ import annotations

import concurrent.futures
import logging
from pathlib import Path
from typing import Protocol, Sequence

import numpy as np

from bot.tone.cues import CueExtractor
from bot.tone.model import NEUTRAL, ToneModel, ToneScore
from bot.tone.text import spell_out_emoji

log = logging.getLogger(__name__)
DEGRADED = ToneScore(NEUTRAL.label, NEUTRAL.distress, False, degraded=True)


class Encoder(Protocol):
    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


def embed(encoder: Encoder, texts: Sequence[str]) -> np.ndarray:
    """What the tone encoder reads (emoji spelled out, as in fine-tuning), for scoring and calibration."""
    return encoder.encode([spell_out_emoji(t) for t in texts])


class ToneScorer:
    def __init__(self, model: ToneModel, encoder: Encoder, cues: CueExtractor | None = None) -> None:
        self._model = model
        self._encoder = encoder
        self._cues = cues or CueExtractor()
        self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="tone")

    @property
    def threshold(self) -> float:
        """The distress probability from which a message counts as distressed."""
        return self._model.threshold

    def score(self, text: str) -> ToneScore:
        return self._model.score(embed(self._encoder, [text])[0], self._cues.extract(text))

    def score_within(self, text: str, deadline_s: float) -> ToneScore:
        """The tone, or the neutral default when scoring fails or misses the deadline."""
        future = self._pool.submit(self.score, text)
        try:
            return future.result(timeout=deadline_s)
        except concurrent.futures.TimeoutError:
            # Not started yet (queued behind a stall): drop it, so a stall leaves no backlog of stale work.
            future.cancel()
            log.warning("tone scoring took longer than %.0f ms; going on with a neutral tone", deadline_s * 1000)
        except Exception:
            log.warning("tone scoring failed; going on with a neutral tone", exc_info=True)
        try:
            crisis = self._cues.crisis(text)  # never lose a crisis cue to a slow or broken model
        except Exception:
            log.warning("crisis check failed", exc_info=True)
            return DEGRADED
        if crisis.terms:
            evidence = (f"crisis language: {', '.join(crisis.terms)}",)
            return ToneScore("sad", 0.99, True, acute=True, cues=evidence, degraded=True, crisis_kinds=crisis.kinds)
        return DEGRADED


def load_tone_scorer(folder: Path, cues: CueExtractor | None = None) -> ToneScorer:
    """The scorer for a trained tone model folder (see :mod:`bot.tone.training`)."""
    from bot.nlu.encoder import LIVE_THREADS, SentenceEncoder
    from bot.tone.training import load_tone_model

    return ToneScorer(load_tone_model(folder), SentenceEncoder(folder, LIVE_THREADS, prepare=False), cues)
