"""The ONNX MiniLM encoder: same numbers as the transformers model, sane on any input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.nlu.encoder import EMBEDDING_DIM, SentenceEncoder, load_encoder, packaged_model_dir
from bot.settings import load_settings

SENTENCES = ["when is my next payday", "I forgot my password again!!", "¿Dónde está mi nómina?", "ok"]


@pytest.fixture(scope="module")
def encoder() -> SentenceEncoder:
    return load_encoder(load_settings().encoder_dir)


def test_matches_the_transformers_implementation(encoder: SentenceEncoder) -> None:
    """Our hand-built graph gives the embeddings of transformers' BERT with the same weights."""
    import tensorflow as tf
    from safetensors.numpy import load_file
    from transformers import BertConfig, BertTokenizerFast, TFBertModel
    from transformers.modeling_tf_pytorch_utils import load_pytorch_state_dict_in_tf2_model

    source = packaged_model_dir()
    model = TFBertModel(BertConfig.from_pretrained(source))
    model(model.dummy_inputs, training=False)
    state = {f"bert.{k}": v for k, v in load_file(str(source / "model.safetensors")).items()}
    load_pytorch_state_dict_in_tf2_model(model, state, allow_missing_keys=False)
    tokenizer = BertTokenizerFast.from_pretrained(source)
    reference = []
    for text in SENTENCES:
        tokens = tokenizer([text], return_tensors="np")
        states = model(**tokens, training=False).last_hidden_state.numpy()[0]
        pooled = states.mean(axis=0)
        reference.append(pooled / np.linalg.norm(pooled))
    ours = encoder.encode(SENTENCES)
    assert np.allclose(ours, np.array(reference), atol=1e-4)
    del tf


def test_shape_and_normalisation(encoder: SentenceEncoder) -> None:
    vectors = encoder.encode(SENTENCES)
    assert vectors.shape == (len(SENTENCES), EMBEDDING_DIM) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_batching_does_not_change_results(encoder: SentenceEncoder) -> None:
    """Padding inside a batch is masked out: one at a time equals all at once."""
    together = encoder.encode(SENTENCES)
    alone = np.stack([encoder.encode([s])[0] for s in SENTENCES])
    assert np.allclose(together, alone, atol=1e-5)


@pytest.mark.parametrize("text", ["", "   ", "😀😀😀", "x" * 10_000, "这是什么", "\x00\x01"])
def test_odd_inputs_give_finite_vectors(encoder: SentenceEncoder, text: str) -> None:
    vector = encoder.encode([text])[0]
    assert np.isfinite(vector).all() and abs(np.linalg.norm(vector) - 1) < 1e-4


def test_meaning_is_captured(encoder: SentenceEncoder) -> None:
    """Paraphrases are closer than unrelated requests (a sanity check that the weights loaded)."""
    a, b, c = encoder.encode(["when do I get paid", "what day is payday", "my laptop screen is broken"])
    assert a @ b > a @ c + 0.2


def test_export_is_reused(tmp_path: Path) -> None:
    """A second encoder over the same folder reuses the exported graph."""
    first = SentenceEncoder(tmp_path / "enc")
    stamp = (tmp_path / "enc" / "encoder.onnx").stat().st_mtime_ns
    second = SentenceEncoder(tmp_path / "enc")
    assert (tmp_path / "enc" / "encoder.onnx").stat().st_mtime_ns == stamp
    assert np.allclose(first.encode(["hi"]), second.encode(["hi"]))
