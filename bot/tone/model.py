"""The tone classifier: labels and a calibrated distress probability from [embedding | cues].

Two logistic regressions share the features: one over the seven tone labels (for agents), one
for "is the writer upset". The latter is blended in equal parts with the VADER lexicon's polarity
(which carries to text unlike ours) and calibrated by a sigmoid fitted on cross-validated
predictions, so ``distress`` reads as a probability. Our examples are about half distressed; real traffic is not, so the probability is
shifted from the training prior to ``DEPLOYMENT_PRIOR`` (an assumption: about a quarter of the
messages people write to support show distress) and the operating threshold is the one with the
best F1 in cross-validation, with the folds reweighted to that prior. A crisis cue makes the turn
acute whatever the model says.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Sequence

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.preprocessing import StandardScaler

from bot.tone.cues import CUE_NAMES, Cues

LABELS = ("neutral", "positive", "confused", "frustrated", "angry", "anxious", "sad")
DISTRESSED_LABELS = frozenset({"frustrated", "angry", "anxious", "sad"})
DEPLOYMENT_PRIOR = 0.25
LEXICON = CUE_NAMES.index("vader_compound")


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
    probabilities: dict[str, float] = field(default_factory=dict)
    degraded: bool = False  # True when the scorer failed or was too slow and this is the neutral default

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["cues"] = list(self.cues)
        return data


NEUTRAL = ToneScore("neutral", 0.0, False)


class ToneModel:
    """Fit on embeddings, cues and labels; score one message."""

    def __init__(self, C: float = 0.3, cue_weight: float = 0.5, lexicon_weight: float = 0.5, seed: int = 7) -> None:
        self.C = C
        self.cue_weight = cue_weight
        self.seed = seed
        self.threshold = 0.5
        self.train_prior = 0.5
        self.lexicon_weight = lexicon_weight
        self._calibrator = LogisticRegression(C=100.0)
        self._scaler = StandardScaler()
        self._labels = LogisticRegression(C=4 * C, max_iter=3000, class_weight="balanced", random_state=seed)
        self._distress = LogisticRegression(C=C, max_iter=3000, class_weight="balanced", random_state=seed)

    def _features(self, embeddings: np.ndarray, cues: np.ndarray) -> np.ndarray:
        return np.hstack([embeddings, self._scaler.transform(cues) * self.cue_weight]).astype(np.float32)

    def fit(
        self, embeddings: np.ndarray, cues: np.ndarray, labels: Sequence[str], distressed: Sequence[bool]
    ) -> ToneModel:
        self._scaler.fit(cues)
        x = self._features(embeddings, cues)
        y = np.array(distressed, dtype=bool)
        self.train_prior = float(y.mean())
        self._labels.fit(x, list(labels))
        self._distress.fit(x, y)
        folds = StratifiedKFold(5, shuffle=True, random_state=self.seed)
        held_out = cross_val_predict(
            LogisticRegression(C=self.C, max_iter=3000, class_weight="balanced", random_state=self.seed),
            x,
            y,
            cv=folds,
            method="predict_proba",
        )[:, 1]
        blended = self._blend(held_out, cues[:, LEXICON])
        self._calibrator.fit(_logit(blended).reshape(-1, 1), y)
        calibrated = shift_prior(self._calibrator.predict_proba(_logit(blended).reshape(-1, 1))[:, 1], self.train_prior)
        weights = np.where(y, DEPLOYMENT_PRIOR / self.train_prior, (1 - DEPLOYMENT_PRIOR) / (1 - self.train_prior))
        self.threshold = best_f1_threshold(calibrated, y, weights)
        return self

    def _blend(self, model_probability: np.ndarray, compound: np.ndarray) -> np.ndarray:
        """Equal parts learned model and VADER lexicon: the lexicon carries across domains we have little data for."""
        return (1 - self.lexicon_weight) * model_probability + self.lexicon_weight * (1 - compound) / 2

    def distress_of(self, x: np.ndarray, compound: float) -> float:
        raw = self._distress.predict_proba(x)[:, 1]
        blended = self._blend(raw, np.array([compound]))
        calibrated = self._calibrator.predict_proba(_logit(blended).reshape(-1, 1))[:, 1]
        return float(shift_prior(calibrated, self.train_prior)[0])

    def score(self, embedding: np.ndarray, cues: Cues) -> ToneScore:
        x = self._features(embedding.reshape(1, -1), cues.vector().reshape(1, -1))
        label_probs = self._labels.predict_proba(x)[0]
        distress = self.distress_of(x, cues.values.get("vader_compound", 0.0))
        probabilities = {str(c): round(float(p), 4) for c, p in zip(self._labels.classes_, label_probs, strict=True)}
        acute = cues.crisis
        if acute:
            distress = max(distress, 0.99)
        distressed = acute or distress >= self.threshold
        # The label agrees with the distress decision: the likeliest label of the matching group.
        group = [lab for lab in probabilities if (lab in DISTRESSED_LABELS) == distressed]
        label = max(group or probabilities, key=probabilities.__getitem__)
        return ToneScore(label, round(distress, 4), distressed, acute, cues.evidence, probabilities)


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def best_f1_threshold(scores: np.ndarray, truth: np.ndarray, weights: np.ndarray | None = None) -> float:
    """The threshold in [0.1, 0.9] with the best (weighted) F1 on held-out scores."""
    w = np.ones(len(truth)) if weights is None else weights
    best, best_f1 = 0.5, -1.0
    for t in np.arange(0.1, 0.91, 0.02):
        flag = scores >= t
        tp = float(np.sum(w[flag & truth]))
        precision = tp / max(float(np.sum(w[flag])), 1e-9)
        recall = tp / max(float(np.sum(w[truth])), 1e-9)
        f1 = 2 * precision * recall / max(precision + recall, 1e-9)
        if f1 > best_f1:
            best, best_f1 = float(round(t, 2)), f1
    return best
