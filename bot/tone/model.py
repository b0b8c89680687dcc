"""The tone model: labels and a calibrated distress probability for one message.

The encoder is MiniLM fine-tuned on our tone examples (:mod:`bot.tone.finetune`), with two heads
on its mean-pooled output: the seven tone labels (for agents) and "is the writer upset". The
latter is blended in equal parts with the VADER lexicon's polarity, which carries to kinds of text
we have few examples of; the mix is worth about 0.03 AUROC on public comments over either part.

Calibration uses examples the fine-tuning never saw (a fifth of ours, stratified by label): a
sigmoid first tempers the tuned model's overconfident logit, another maps the blend to a
probability, and that is shifted from our examples' base rate to ``DEPLOYMENT_PRIOR`` (an
assumption: about a quarter of the messages people write to support show distress). The operating
threshold is the middle of those within 0.01 of the best F1 on those examples reweighted to that
prior. A crisis cue makes the turn acute whatever the model says; praise marked as sarcasm ("🙄",
"/s") counts as distressed, which the encoder, reading the praise, misses.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Sequence

import numpy as np
from sklearn.linear_model import LogisticRegression

from bot.tone.cues import Cues

LABELS = ("neutral", "positive", "confused", "frustrated", "angry", "anxious", "sad")
DISTRESSED_LABELS = frozenset({"frustrated", "angry", "anxious", "sad"})
DEPLOYMENT_PRIOR = 0.25
F1_TOLERANCE = 0.01  # thresholds this close to the best F1 on held-out examples count as equally good


def shift_prior(p: np.ndarray, train_prior: float, prior: float = DEPLOYMENT_PRIOR) -> np.ndarray:
    """Bayes' rule: the same evidence read under another base rate of distress."""
    p = np.clip(p, 1e-6, 1 - 1e-6)
    odds = p / (1 - p) * (prior / (1 - prior)) / (train_prior / (1 - train_prior))
    return odds / (1 + odds)


@dataclass(frozen=True)
class ToneScore:
    """The tone of one message, with the cues that explain it."""

    label: str
    distress: float
    distressed: bool
    acute: bool = False
    cues: tuple[str, ...] = field(default_factory=tuple)
    intensity: float = 0.0  # strength of the wording (``Cues.intensity``), not a probability
    probabilities: dict[str, float] = field(default_factory=dict)
    degraded: bool = False  # True when the scorer failed or was too slow and this is the neutral default
    crisis_kinds: tuple[str, ...] = ()  # what the crisis lexicon found (``bot.tone.crisis.KINDS``)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["cues"] = list(self.cues)
        data["crisis_kinds"] = list(self.crisis_kinds)
        return data


NEUTRAL = ToneScore("neutral", 0.0, False)


class ToneModel:
    """The fine-tuned heads plus calibration; scores the pooled tone embedding of one message."""

    def __init__(self, heads: TunedHeads, lexicon_weight: float = 0.5) -> None:
        self.heads = heads
        self.lexicon_weight = lexicon_weight
        self.threshold = 0.5
        self.train_prior = 0.5
        self._temper = LogisticRegression(C=100.0)
        self._calibrator = LogisticRegression(C=100.0)

    def calibrate(self, pooled: np.ndarray, compound: np.ndarray, distressed: Sequence[bool]) -> ToneModel:
        """Fit the calibration on held-out examples: pooled embeddings, VADER compounds, truth."""
        y = np.array(distressed, dtype=bool)
        self.train_prior = float(y.mean())
        self._temper.fit(self.heads.distress_logit(pooled).reshape(-1, 1), y)
        blended = self._blend(pooled, compound)
        self._calibrator.fit(_logit(blended).reshape(-1, 1), y)
        calibrated = shift_prior(self._calibrator.predict_proba(_logit(blended).reshape(-1, 1))[:, 1], self.train_prior)
        weights = np.where(y, DEPLOYMENT_PRIOR / self.train_prior, (1 - DEPLOYMENT_PRIOR) / (1 - self.train_prior))
        self.threshold = best_f1_threshold(calibrated, y, weights)
        return self

    def _blend(self, pooled: np.ndarray, compound: np.ndarray) -> np.ndarray:
        """Equal parts tuned model and VADER lexicon: the lexicon carries across domains we have little data for."""
        tempered = self._temper.predict_proba(self.heads.distress_logit(pooled).reshape(-1, 1))[:, 1]
        return (1 - self.lexicon_weight) * tempered + self.lexicon_weight * (1 - compound) / 2

    def distress(self, pooled: np.ndarray, compound: np.ndarray) -> np.ndarray:
        """Calibrated distress probabilities for a batch of pooled embeddings and VADER compounds."""
        blended = self._blend(pooled, compound)
        calibrated = self._calibrator.predict_proba(_logit(blended).reshape(-1, 1))[:, 1]
        return shift_prior(calibrated, self.train_prior)

    def score(self, pooled: np.ndarray, cues: Cues) -> ToneScore:
        vector = pooled.reshape(1, -1)
        label_probs = self.heads.label_probabilities(vector)[0]
        distress = float(self.distress(vector, np.array([cues.values.get("vader_compound", 0.0)]))[0])
        probabilities = {lab: round(float(p), 4) for lab, p in zip(LABELS, label_probs, strict=True)}
        acute = cues.crisis
        if acute:
            distress = max(distress, 0.99)
        elif cues.ironic:  # the encoder takes "thanks for the amazing help 🙄" at its word
            distress = max(distress, self.threshold)
        distressed = acute or distress >= self.threshold
        # The label agrees with the distress decision: the likeliest label of the matching group.
        group = [lab for lab in probabilities if (lab in DISTRESSED_LABELS) == distressed]
        label = max(group or probabilities, key=probabilities.__getitem__)
        return ToneScore(
            label,
            round(distress, 4),
            distressed,
            acute,
            cues.evidence,
            cues.intensity,
            probabilities=probabilities,
            crisis_kinds=cues.crisis_kinds,
        )


@dataclass(frozen=True)
class TunedHeads:
    """The two linear heads trained with the encoder, on its mean-pooled output."""

    distress_weight: np.ndarray  # (hidden,)
    distress_bias: float
    label_weight: np.ndarray  # (hidden, len(LABELS)), columns in LABELS order
    label_bias: np.ndarray

    def distress_logit(self, pooled: np.ndarray) -> np.ndarray:
        return np.asarray(pooled @ self.distress_weight + self.distress_bias, dtype=np.float64)

    def label_probabilities(self, pooled: np.ndarray) -> np.ndarray:
        logits = pooled @ self.label_weight + self.label_bias
        exp = np.exp(logits - logits.max(axis=1, keepdims=True))
        return np.asarray(exp / exp.sum(axis=1, keepdims=True))


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def best_f1_threshold(
    scores: np.ndarray, truth: np.ndarray, weights: np.ndarray | None = None, tolerance: float = F1_TOLERANCE
) -> float:
    """The middle of the thresholds in [0.1, 0.9] whose (weighted) F1 is within ``tolerance`` of the best.

    On our own examples the F1 curve is flat over a wide range, so its highest point moves with small
    changes to the data (0.30 one training, 0.56 the next); the middle of the plateau does not."""
    w = np.ones(len(truth)) if weights is None else weights
    grid = np.round(np.arange(0.1, 0.91, 0.02), 2)
    f1s = []
    for t in grid:
        flag = scores >= t
        tp = float(np.sum(w[flag & truth]))
        precision = tp / max(float(np.sum(w[flag])), 1e-9)
        recall = tp / max(float(np.sum(w[truth])), 1e-9)
        f1s.append(2 * precision * recall / max(precision + recall, 1e-9))
    near_best = grid[np.array(f1s) >= max(f1s) - tolerance]
    return float(near_best[len(near_best) // 2])
