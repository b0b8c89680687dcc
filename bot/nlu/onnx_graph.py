"""Build an ONNX graph of MiniLM (BERT) straight from the packaged safetensors weights.

No exporter, torch or TensorFlow is needed: the graph below is the BERT forward pass written
with standard ONNX ops (opset 17), ending in mean pooling and L2 normalisation so that one
run gives the sentence embedding. ONNX Runtime then fuses and runs it on the CPU.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Mapping

import numpy as np

OPSET = 17


def build_model(model_dir: Path):  # type: ignore[no-untyped-def]
    """The fp32 ONNX ``ModelProto`` for the BERT checkpoint in ``model_dir``."""
    from safetensors.numpy import load_file

    config = json.loads((model_dir / "config.json").read_text())
    return build_graph(load_file(str(model_dir / "model.safetensors")), config)


def build_graph(weights: Mapping[str, np.ndarray], config: Mapping[str, object], normalize: bool = True):  # type: ignore[no-untyped-def]
    """The graph for BERT ``weights`` (safetensors names); output ``embedding`` is the mean of the
    last hidden states, L2-normalised unless ``normalize`` is False (heads trained on the raw mean)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    heads = int(config["num_attention_heads"])
    hidden = int(config["hidden_size"])
    eps = float(config.get("layer_norm_eps", 1e-12))
    head_dim = hidden // heads
    w = {k.removeprefix("bert."): np.asarray(v, dtype=np.float32) for k, v in weights.items()}

    inits: list = []
    nodes: list = []

    def const(name: str, value: np.ndarray) -> str:
        inits.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    def node(op: str, inputs: list[str], name: str, **attrs: object) -> str:
        nodes.append(helper.make_node(op, inputs, [name], name=name, **attrs))
        return name

    def layer_norm(x: str, prefix: str, out: str) -> str:
        g = const(prefix + ".weight", w[prefix + ".weight"])
        b = const(prefix + ".bias", w[prefix + ".bias"])
        return node("LayerNormalization", [x, g, b], out, axis=-1, epsilon=eps)

    def linear(x: str, weight: np.ndarray, bias: np.ndarray, out: str) -> str:
        mm = node("MatMul", [x, const(out + ".W", np.ascontiguousarray(weight.T))], out + ".mm")
        return node("Add", [mm, const(out + ".b", bias)], out)

    # Embeddings: word + position + token type 0.
    length = node(
        "Gather", [node("Shape", ["input_ids"], "ids_shape"), const("one_idx", np.array(1, np.int64))], "seq_len"
    )
    positions = node(
        "Range", [const("zero", np.array(0, np.int64)), length, const("one", np.array(1, np.int64))], "positions"
    )
    words = node("Gather", [const("word_emb", w["embeddings.word_embeddings.weight"]), "input_ids"], "words")
    pos = node("Gather", [const("pos_emb", w["embeddings.position_embeddings.weight"]), positions], "pos")
    emb = node(
        "Add",
        [node("Add", [words, pos], "emb0"), const("type_emb", w["embeddings.token_type_embeddings.weight"][0])],
        "emb1",
    )
    x = layer_norm(emb, "embeddings.LayerNorm", "emb")

    maskf = node("Cast", ["attention_mask"], "maskf", to=TensorProto.FLOAT)
    mask4 = node("Unsqueeze", [maskf, const("axes12", np.array([1, 2], np.int64))], "mask4")
    bias = node(
        "Mul",
        [
            node("Sub", [const("onef", np.array(1.0, np.float32)), mask4], "inv_mask"),
            const("neg", np.array(-1e9, np.float32)),
        ],
        "mask_bias",
    )
    scale = const("scale", np.array(1.0 / np.sqrt(head_dim), np.float32))
    split_shape = const("split_shape", np.array([0, 0, heads, head_dim], np.int64))
    merge_shape = const("merge_shape", np.array([0, 0, hidden], np.int64))
    sqrt2 = const("sqrt2", np.array(np.sqrt(2.0), np.float32))
    half = const("half", np.array(0.5, np.float32))

    for i in range(int(config["num_hidden_layers"])):
        p = f"encoder.layer.{i}."
        qkv = []
        for part in ("query", "key", "value"):
            proj = linear(
                x, w[p + f"attention.self.{part}.weight"], w[p + f"attention.self.{part}.bias"], f"l{i}.{part}"
            )
            shaped = node("Reshape", [proj, split_shape], f"l{i}.{part}.r")
            perm = [0, 2, 3, 1] if part == "key" else [0, 2, 1, 3]
            qkv.append(node("Transpose", [shaped], f"l{i}.{part}.t", perm=perm))
        scores = node(
            "Add",
            [node("Mul", [node("MatMul", [qkv[0], qkv[1]], f"l{i}.qk"), scale], f"l{i}.qk_s"), bias],
            f"l{i}.scores",
        )
        probs = node("Softmax", [scores], f"l{i}.probs", axis=-1)
        ctx = node("Transpose", [node("MatMul", [probs, qkv[2]], f"l{i}.ctx0")], f"l{i}.ctx1", perm=[0, 2, 1, 3])
        ctx = node("Reshape", [ctx, merge_shape], f"l{i}.ctx")
        att = linear(ctx, w[p + "attention.output.dense.weight"], w[p + "attention.output.dense.bias"], f"l{i}.ao")
        x = layer_norm(node("Add", [x, att], f"l{i}.res1"), p + "attention.output.LayerNorm", f"l{i}.ln1")
        inner = linear(x, w[p + "intermediate.dense.weight"], w[p + "intermediate.dense.bias"], f"l{i}.ff1")
        erf = node("Erf", [node("Div", [inner, sqrt2], f"l{i}.gdiv")], f"l{i}.gerf")
        gelu = node(
            "Mul",
            [
                node("Mul", [inner, half], f"l{i}.ghalf"),
                node("Add", [erf, const(f"l{i}.gone", np.array(1.0, np.float32))], f"l{i}.gadd"),
            ],
            f"l{i}.gelu",
        )
        out = linear(gelu, w[p + "output.dense.weight"], w[p + "output.dense.bias"], f"l{i}.ff2")
        x = layer_norm(node("Add", [x, out], f"l{i}.res2"), p + "output.LayerNorm", f"l{i}.ln2")

    mask3 = node("Unsqueeze", [maskf, const("axis2", np.array([2], np.int64))], "mask3")
    axis1 = const("axis1", np.array([1], np.int64))
    summed = node("ReduceSum", [node("Mul", [x, mask3], "masked"), axis1], "summed", keepdims=0)
    count = node(
        "Max",
        [node("ReduceSum", [mask3, axis1], "count0", keepdims=0), const("tiny", np.array(1e-9, np.float32))],
        "count",
    )
    if normalize:
        pooled = node("Div", [summed, count], "pooled")
        norm = node(
            "Max",
            [node("ReduceL2", [pooled], "norm0", axes=[1], keepdims=1), const("tiny2", np.array(1e-12, np.float32))],
            "norm",
        )
        nodes.append(helper.make_node("Div", [pooled, norm], ["embedding"], name="embedding"))
    else:
        nodes.append(helper.make_node("Div", [summed, count], ["embedding"], name="embedding"))

    graph = helper.make_graph(
        nodes,
        "minilm_sentence_embedding",
        [
            helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "tokens"]),
            helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "tokens"]),
        ],
        [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, ["batch", hidden])],
        initializer=inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="kindred-desk")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model
