"""The intent model itself, free of Rasa: logistic regression on [MiniLM embedding | char n-grams].

The embedding carries meaning and paraphrase; the n-grams carry typos and domain words such as
"w2" or "401k" that a general-purpose encoder blurs.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression


class IntentModel:
    """Fit on (text, embedding, label) triples; rank intents for one message."""

    def __init__(self, C: float = 32.0, ngram_weight: float = 1.0, seed: int = 7) -> None:
        self.C = C
        self.ngram_weight = ngram_weight
        self.seed = seed
        self._ngrams = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 4), min_df=2, sublinear_tf=True, lowercase=True, max_features=40000
        )
        self._clf = LogisticRegression(C=C, max_iter=3000, random_state=seed, class_weight="balanced")

    def _features(self, texts: Sequence[str], embeddings: np.ndarray) -> sparse.csr_matrix:
        grams = self._ngrams.transform([t[:1000] for t in texts]) * self.ngram_weight
        return sparse.hstack([sparse.csr_matrix(embeddings), grams], format="csr")

    def fit(self, texts: Sequence[str], embeddings: np.ndarray, labels: Sequence[str]) -> IntentModel:
        self._ngrams.fit([t[:1000] for t in texts])
        self._clf.fit(self._features(texts, embeddings), list(labels))
        return self

    @property
    def labels(self) -> list[str]:
        return [str(c) for c in self._clf.classes_]

    def rank(self, text: str, embedding: np.ndarray) -> list[tuple[str, float]]:
        """Intents with probabilities, most likely first."""
        probs = self._clf.predict_proba(self._features([text], embedding.reshape(1, -1)))[0]
        order = np.argsort(-probs)
        return [(str(self._clf.classes_[i]), float(probs[i])) for i in order]
