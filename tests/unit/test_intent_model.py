"""The intent model on its own: learns from embeddings and n-grams, ranks with probabilities."""

import numpy as np

from bot.nlu.intent_model import IntentModel


def test_ranks_with_probabilities_that_sum_to_one() -> None:
    rng = np.random.default_rng(0)
    texts = ["pay day when", "when paid", "vpn down", "vpn broken"] * 5
    labels = ["payday", "payday", "vpn_issue", "vpn_issue"] * 5
    centres = {"payday": rng.normal(size=8), "vpn_issue": rng.normal(size=8)}
    embeddings = np.stack([centres[label] + rng.normal(scale=0.1, size=8) for label in labels])
    model = IntentModel().fit(texts, embeddings, labels)
    ranking = model.rank("vpn is down", centres["vpn_issue"])
    assert ranking[0][0] == "vpn_issue"
    assert abs(sum(p for _, p in ranking) - 1) < 1e-6
    assert sorted(model.labels) == ["payday", "vpn_issue"]


def test_ngrams_carry_domain_words_the_embedding_misses() -> None:
    """With identical embeddings, the character n-grams alone separate 'w2' from '401k'."""
    texts = ["need my w2", "w2 form please", "w2 copy", "401k rollover", "roll my 401k", "401k transfer"] * 3
    labels = ["w2"] * 3 + ["rollover_401k"] * 3
    labels = labels * 3
    model = IntentModel().fit(texts, np.zeros((len(texts), 4)), labels)
    assert model.rank("where is the w2", np.zeros(4))[0][0] == "w2"
    assert model.rank("401k question", np.zeros(4))[0][0] == "rollover_401k"
