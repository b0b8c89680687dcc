"""Rasa graph components: the sentence embedding, the tone, and an intent classifier.

``SentenceEmbedder`` puts the MiniLM embedding on each message; ``EmbeddingIntentClassifier``
(logistic regression on that embedding plus character n-grams) reads it. ``ToneAnnotator`` runs
its own encoder (MiniLM fine-tuned for tone), so a user turn costs two encoder passes (~4 ms each).
"""

from __future__ import annotations

import logging
import pickle
from pathlib import Path
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.clauses import questions_in_story, split_questions
from bot.nlu.encoder import load_encoder
from bot.nlu.intent_model import IntentModel
from bot.settings import load_settings

log = logging.getLogger(__name__)

EMBEDDING = "sentence_embedding"
TONE = "tone"
ALSO = "also"  # a second question in the same message: {"intent", "confidence", "text"} (bot.nlu.clauses)


def _text(message: Message) -> str:
    return str(message.get(TEXT) or "")


class ConfiguredComponent(GraphComponent):
    """A component that needs nothing but its configuration to be built."""

    def __init__(self, config: dict[str, Any]) -> None:
        self._config = config

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ConfiguredComponent:
        return cls(config)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class SentenceEmbedder(ConfiguredComponent):
    """Adds the MiniLM sentence embedding of each message's text under ``sentence_embedding``."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"model_dir": None, "batch_size": 64}

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__(config)
        self._model_dir = Path(config["model_dir"] or load_settings().encoder_dir)
        self._batch_size = int(config["batch_size"])

    def _embed(self, messages: list[Message]) -> None:
        todo = [m for m in messages if m.get(TEXT) is not None and m.get(EMBEDDING) is None]
        if not todo:
            return
        vectors = load_encoder(self._model_dir).encode([_text(m) for m in todo], self._batch_size)
        for message, vector in zip(todo, vectors, strict=True):
            message.set(EMBEDDING, vector)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self._embed([m for m in training_data.training_examples if m.get(TEXT)])
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        self._embed(messages)
        return messages


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class EmbeddingIntentClassifier(GraphComponent, IntentClassifier):
    """Intent from the shared sentence embedding and character n-grams (see :mod:`bot.nlu.intent_model`)."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "C": 32.0,
            "ngram_weight": 1.0,
            "ranking_length": 10,
            "random_seed": 7,
            "second_question_confidence": 0.7,
            "encoder_dir": None,
        }

    def __init__(
        self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource, model: IntentModel | None = None
    ) -> None:
        self._config = config
        self._storage = model_storage
        self._resource = resource
        self._model = model

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> EmbeddingIntentClassifier:
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> EmbeddingIntentClassifier:
        try:
            with model_storage.read_from(resource) as folder:
                model = pickle.loads((folder / "intent_model.pkl").read_bytes())
        except (ValueError, FileNotFoundError):
            log.warning("no trained intent model found; every message will be left without an intent")
            model = None
        return cls(config, model_storage, resource, model)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if m.get(EMBEDDING) is not None]
        if not examples:
            log.warning("no intent examples with embeddings; skipping intent training")
            return self._resource
        model = IntentModel(
            C=float(self._config["C"]),
            ngram_weight=float(self._config["ngram_weight"]),
            seed=int(self._config["random_seed"]),
        )
        model.fit(
            [_text(m) for m in examples],
            np.stack([m.get(EMBEDDING) for m in examples]),
            [str(m.get(INTENT)) for m in examples],
        )
        with self._storage.write_to(self._resource) as folder:
            (folder / "intent_model.pkl").write_bytes(pickle.dumps(model))
        self._model = model
        return self._resource

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            vector = message.get(EMBEDDING)
            if self._model is None or vector is None:
                message.set(INTENT, {"name": None, "confidence": 0.0}, add_to_output=True)
                continue
            ranking = self._model.rank(_text(message), vector)[: int(self._config["ranking_length"])]
            top_name, top_conf = ranking[0]
            message.set(INTENT, {"name": top_name, "confidence": top_conf}, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [{"name": n, "confidence": c} for n, c in ranking], add_to_output=True)
            also = self._second_question(_text(message), top_name)
            if also is not None:
                message.set(ALSO, also, add_to_output=True)
        return messages

    def _second_question(self, text: str, main: str) -> dict[str, Any] | None:
        """When ``text`` is two questions, one of them ``main``: the other's intent and words."""
        if self._model is None:
            return None
        sure = float(self._config["second_question_confidence"])
        pair = split_questions(text)
        found = self._classify(list(pair)) if pair else []
        names = [name for _, name, _ in found]
        if found and main in names and len(set(names)) == 2 and all(conf >= sure for _, _, conf in found):
            clause, name, conf = next(f for f in found if f[1] != main)
            return {"intent": name, "confidence": conf, "text": clause}
        # A story with a question in it: the first confident question about something else.
        story = self._classify(questions_in_story(text))
        return next(({"intent": n, "confidence": c, "text": q} for q, n, c in story if n != main and c >= sure), None)

    def _classify(self, clauses: list[str]) -> list[tuple[str, str, float]]:
        """Each clause with its likeliest intent and that intent's confidence."""
        if not clauses or self._model is None:
            return []
        folder = Path(self._config["encoder_dir"] or load_settings().encoder_dir)
        vectors = load_encoder(folder).encode(clauses)
        return [(clause, *self._model.rank(clause, vector)[0]) for clause, vector in zip(clauses, vectors, strict=True)]


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class ToneAnnotator(ConfiguredComponent):
    """Adds the tone of each message (label, calibrated distress, cues) to the parse result.

    The tone has its own encoder (MiniLM fine-tuned for tone), so a turn costs two encoder passes,
    the shared one for intents and this one. The tone model is trained separately (``scripts/bot
    tone train``) and loaded from the cache; a missing model is trained on first use (in a child
    process). Failures and slow scoring give a neutral tone, never a failed parse.
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"deadline_ms": 250}

    def __init__(self, config: dict[str, Any]) -> None:
        from bot.tone.scorer import ToneScorer, load_tone_scorer
        from bot.tone.training import train_tone_if_needed

        super().__init__(config)
        self._deadline = float(config["deadline_ms"]) / 1000
        self._scorer: ToneScorer | None = None
        try:
            self._scorer = load_tone_scorer(train_tone_if_needed(load_settings()))
        except Exception:
            log.warning("the tone model could not be loaded; every turn gets a neutral tone", exc_info=True)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        from bot.tone.scorer import DEGRADED

        for message in messages:
            if self._scorer is None:
                score = DEGRADED
            else:
                score = self._scorer.score_within(_text(message), self._deadline)
            message.set(TONE, score.as_dict(), add_to_output=True)
        return messages
