"""Fine-tuning MiniLM on our tone examples, in TensorFlow, without torch or a model hub.

A frozen sentence embedding only knows what a sentence is about, not how its writer feels: a
logistic regression on it stays near 0.81 AUROC on public comments. Fine-tuning all six layers
with two small heads on the mean-pooled tokens (distressed yes/no, and the seven tone labels, the
latter at half weight) learns how upset people write rather than what they write about.

The packaged safetensors weights are loaded into ``TFBertModel`` with transformers' converter
(keys prefixed ``bert.``); the tuned weights come back under the same names, ready for
:func:`bot.nlu.onnx_graph.build_graph`. Training is deterministic for a seed (TensorFlow's op
determinism). Batches group examples of similar length, so little compute goes to padding. Two
epochs, not three: the third fits our own writing more closely and did no better on public
comments. About 5 minutes on a slow 2-core machine for 4.3k examples.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from bot.nlu.encoder import TokenIds, pad_batch
from bot.tone.model import TunedHeads

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TuneConfig:
    epochs: int = 2
    learning_rate: float = 3e-5
    batch_size: int = 32
    label_loss_weight: float = 0.5
    dropout: float = 0.1
    seed: int = 7


DEFAULT = TuneConfig()


@dataclass(frozen=True)
class TunedWeights:
    """The tuned encoder (named as in the packaged safetensors) and the two heads on its pooled output."""

    encoder: dict[str, np.ndarray]
    heads: TunedHeads


def length_bucketed_batches(
    lengths: Sequence[int], batch_size: int, rng: np.random.Generator, window: int = 16
) -> list[np.ndarray]:
    """One epoch of shuffled batches whose examples have similar lengths.

    Each batch is padded to its longest example, so random batches spend about half their compute
    on padding. Here a shuffled window of ``window`` batches' worth of examples is sorted by length
    and cut into batches, and the batches are shuffled: every example once, a new order each epoch.
    """
    order = rng.permutation(len(lengths))
    span = batch_size * window
    batches: list[np.ndarray] = []
    for start in range(0, len(order), span):
        chunk = order[start : start + span]
        chunk = chunk[np.argsort([lengths[i] for i in chunk], kind="stable")]
        batches += [chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size)]
    return [batches[i] for i in rng.permutation(len(batches))]


def fine_tune(
    model_dir: Path,
    texts: Sequence[str],
    labels: Sequence[int],
    distressed: Sequence[bool],
    n_labels: int,
    config: TuneConfig = DEFAULT,
) -> TunedWeights:
    """Fine-tune the checkpoint in ``model_dir`` on the examples; same inputs and seed, same weights."""
    import tensorflow as tf
    from safetensors.numpy import load_file
    from transformers import BertConfig, TFBertModel
    from transformers.modeling_tf_pytorch_utils import (
        convert_tf_weight_name_to_pt_weight_name,
        load_pytorch_state_dict_in_tf2_model,
    )

    tf.keras.utils.set_random_seed(config.seed)
    tf.config.experimental.enable_op_determinism()
    bert = TFBertModel(BertConfig.from_json_file(str(model_dir / "config.json")))
    bert(tf.constant([[101, 102]]))
    state = {f"bert.{k.removeprefix('bert.')}": v for k, v in load_file(str(model_dir / "model.safetensors")).items()}
    state.pop("bert.embeddings.position_ids", None)
    load_pytorch_state_dict_in_tf2_model(bert, state, allow_missing_keys=False)

    encodings = TokenIds(model_dir / "tokenizer.json")(texts)

    distress_head = tf.keras.layers.Dense(1, name="distress_head")
    label_head = tf.keras.layers.Dense(n_labels, name="label_head")
    dropout = tf.keras.layers.Dropout(config.dropout, seed=config.seed)
    for head in (distress_head, label_head):
        head.build((None, bert.config.hidden_size))

    def pooled(ids: tf.Tensor, mask: tf.Tensor, training: bool) -> tf.Tensor:
        hidden = bert(input_ids=ids, attention_mask=mask, training=training).last_hidden_state
        weights = tf.cast(mask, tf.float32)[:, :, None]
        return tf.reduce_sum(hidden * weights, 1) / tf.maximum(tf.reduce_sum(weights, 1), 1e-9)

    optimizer = tf.keras.optimizers.Adam(config.learning_rate)
    signature = [tf.TensorSpec([None, None], tf.int32)] * 2 + [
        tf.TensorSpec([None], tf.float32),
        tf.TensorSpec([None], tf.int32),
    ]

    @tf.function(input_signature=signature)
    def step(ids: tf.Tensor, mask: tf.Tensor, upset: tf.Tensor, label: tf.Tensor) -> tf.Tensor:
        with tf.GradientTape() as tape:
            x = dropout(pooled(ids, mask, True), training=True)
            loss = tf.reduce_mean(
                tf.nn.sigmoid_cross_entropy_with_logits(upset, distress_head(x)[:, 0])
            ) + config.label_loss_weight * tf.reduce_mean(
                tf.nn.sparse_softmax_cross_entropy_with_logits(label, label_head(x))
            )
        variables = [
            v
            for v in bert.trainable_variables + distress_head.trainable_variables + label_head.trainable_variables
            if "pooler" not in v.name  # BERT's pooler is unused: mean pooling instead
        ]
        optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))  # noqa: B905 (autograph: no strict=)
        return loss

    upset = np.asarray(distressed, dtype=np.float32)
    label_ids = np.asarray(labels, dtype=np.int32)
    lengths = [len(e) for e in encodings]
    order_rng = np.random.default_rng(config.seed)
    for epoch in range(config.epochs):
        started, total, batches = time.monotonic(), 0.0, 0
        for rows in length_bucketed_batches(lengths, config.batch_size, order_rng):
            ids, mask = pad_batch([encodings[i] for i in rows], np.int32)
            total += float(step(ids, mask, upset[rows], label_ids[rows]))
            batches += 1
        log.info(
            "tone fine-tuning epoch %d: loss %.3f in %.0f s", epoch + 1, total / batches, time.monotonic() - started
        )

    encoder: dict[str, np.ndarray] = {}
    for variable in bert.weights:
        name, transpose = convert_tf_weight_name_to_pt_weight_name(variable.name, tf_weight_shape=variable.shape)
        if "pooler" in name:
            continue
        value = variable.numpy()
        encoder[name.removeprefix("bert.")] = value.T if transpose.name != "NO" else value
    distress_kernel, distress_bias = (v.numpy() for v in distress_head.weights)
    label_kernel, label_bias = (v.numpy() for v in label_head.weights)
    return TunedWeights(encoder, TunedHeads(distress_kernel[:, 0], float(distress_bias[0]), label_kernel, label_bias))
