"""Scoring one message's tone within a deadline: a conversation never breaks because of tone.

``ToneScorer`` combines the cue extractor and the trained model. ``score_within`` runs it on a
worker thread and gives the neutral score (marked ``degraded``) with a logged warning when the
scorer fails or takes longer than the deadline.
"""

from __future__ import annotations

import concurrent.futures
import logging

import numpy as np

from bot.tone.cues import CueExtractor
from bot.tone.model import NEUTRAL, ToneModel, ToneScore

log = logging.getLogger(__name__)
DEGRADED = ToneScore(NEUTRAL.label, NEUTRAL.distress, False, degraded=True)


class ToneScorer:
    def __init__(self, model: ToneModel, cues: CueExtractor | None = None) -> None:
        self._model = model
        self._cues = cues or CueExtractor()
        self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="tone")

    def score(self, text: str, embedding: np.ndarray) -> ToneScore:
        return self._model.score(embedding, self._cues.extract(text))

    def score_within(self, text: str, embedding: np.ndarray, deadline_s: float) -> ToneScore:
        """The tone, or the neutral default when scoring fails or misses the deadline."""
        future = self._pool.submit(self.score, text, embedding)
        try:
            return future.result(timeout=deadline_s)
        except concurrent.futures.TimeoutError:
            log.warning("tone scoring took longer than %.0f ms; going on with a neutral tone", deadline_s * 1000)
        except Exception:
            log.warning("tone scoring failed; going on with a neutral tone", exc_info=True)
        try:
            crisis = self._cues.crisis_terms(text)  # never lose a crisis cue to a slow or broken model
        except Exception:
            log.warning("crisis check failed", exc_info=True)
            crisis = []
        if crisis:
            return ToneScore(
                "sad", 0.99, True, acute=True, cues=(f"crisis language: {', '.join(crisis)}",), degraded=True
            )
        return DEGRADED
