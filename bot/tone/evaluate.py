"""Tone evaluation: per-label scores by cross-validation on our examples, distress on a labelled file.

    scripts/bot tone eval [--data FILE.jsonl] [--out DIR]

Per label (precision, recall, F1) and the confusion matrix come from 5-fold cross-validation on
data/tone (the only data with our labels). ``distressed`` precision/recall/F1 and the AUROC of
``distress`` are measured on ``--data`` (JSON lines with ``text`` and ``distressed``), e.g. the
dev split in ../shared/eval, and on the cross-validation folds. PNGs: confusion matrix and the
precision/recall/F1 curve over the distress threshold.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support, roc_auc_score
from sklearn.model_selection import StratifiedKFold

from bot.settings import REPO_ROOT, Settings
from bot.tone.cues import CueExtractor
from bot.tone.data import load_examples
from bot.tone.model import LABELS, ToneModel
from bot.tone.training import SEED, TONE_DATA


def distress_metrics(scores: np.ndarray, truth: np.ndarray, threshold: float) -> dict[str, float]:
    flag = scores >= threshold
    p, r, f, _ = precision_recall_fscore_support(truth, flag, average="binary", zero_division=0)
    return {
        "precision": round(float(p), 4),
        "recall": round(float(r), 4),
        "f1": round(float(f), 4),
        "auroc": round(float(roc_auc_score(truth, scores)), 4),
        "threshold": threshold,
        "n": len(truth),
        "n_distressed": int(truth.sum()),
    }


def evaluate(settings: Settings, data: Path | None, out: Path, root: Path = REPO_ROOT) -> dict[str, Any]:
    from bot.nlu.encoder import load_encoder

    encoder, cues = load_encoder(settings.encoder_dir), CueExtractor()
    examples = load_examples(root / TONE_DATA)
    texts = [e.text for e in examples]
    embeddings = encoder.encode(texts)
    cue_objects = [cues.extract(t) for t in texts]
    cue_vectors = np.stack([c.vector() for c in cue_objects])
    labels = np.array([e.label for e in examples])
    truth = np.array([e.distressed for e in examples])
    predicted = np.empty(len(examples), dtype=object)
    distress = np.zeros(len(examples))
    for train, test in StratifiedKFold(5, shuffle=True, random_state=SEED).split(texts, labels):
        model = ToneModel(seed=SEED).fit(embeddings[train], cue_vectors[train], labels[train], truth[train])
        for i in test:
            score = model.score(embeddings[i], cue_objects[i])
            predicted[i], distress[i] = score.label, score.distress
    p, r, f, support = precision_recall_fscore_support(labels, predicted, labels=list(LABELS), zero_division=0)
    report: dict[str, Any] = {
        "per_label_cv": {
            lab: {
                "precision": round(float(p[i]), 4),
                "recall": round(float(r[i]), 4),
                "f1": round(float(f[i]), 4),
                "support": int(support[i]),
            }
            for i, lab in enumerate(LABELS)
        },
    }
    full = ToneModel(seed=SEED).fit(embeddings, cue_vectors, labels, truth)
    report["distressed_cv"] = distress_metrics(distress, truth, full.threshold)
    curves = {}
    if data is not None:
        rows = [json.loads(line) for line in data.read_text().splitlines() if line.strip()]
        vectors = encoder.encode([row["text"] for row in rows])
        scores = np.array([full.score(vectors[i], cues.extract(row["text"])).distress for i, row in enumerate(rows)])
        gold = np.array([bool(row["distressed"]) for row in rows])
        report[f"distressed_on_{data.stem}"] = distress_metrics(scores, gold, full.threshold)
        curves[data.stem] = (scores, gold)
    out.mkdir(parents=True, exist_ok=True)
    _plot(out, confusion_matrix(labels, predicted, labels=list(LABELS)), curves, full.threshold)
    (out / "tone_eval.json").write_text(json.dumps(report, indent=2) + "\n")
    return report


def _plot(out: Path, matrix: np.ndarray, curves: dict[str, tuple[np.ndarray, np.ndarray]], threshold: float) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.5, 5.5))
    ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(LABELS)), LABELS, rotation=45, ha="right")
    ax.set_yticks(range(len(LABELS)), LABELS)
    for (i, j), v in np.ndenumerate(matrix):
        ax.text(j, i, str(v), ha="center", va="center", color="white" if v > matrix.max() / 2 else "black")
    ax.set_xlabel("predicted")
    ax.set_ylabel("labelled")
    ax.set_title("Tone labels, 5-fold cross-validation on data/tone")
    fig.tight_layout()
    fig.savefig(out / "tone_confusion.png", dpi=110)
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(6.5, 4.5))
    grid = np.arange(0.05, 0.96, 0.01)
    for name, (scores, gold) in curves.items():
        rows = [distress_metrics(scores, gold, float(t)) for t in grid]
        for key in ("precision", "recall", "f1"):
            ax.plot(grid, [row[key] for row in rows], label=f"{key} ({name})")
    ax.axvline(threshold, color="grey", linestyle="--", label=f"operating threshold {threshold:.2f}")
    ax.set_xlabel("distress threshold")
    ax.set_ylim(0, 1)
    ax.legend(fontsize=8)
    ax.set_title("Distress: precision, recall and F1 by threshold")
    fig.tight_layout()
    fig.savefig(out / "tone_threshold.png", dpi=110)
    plt.close(fig)


def print_report(report: dict[str, Any]) -> None:
    print(f"{'label':<12} {'precision':>9} {'recall':>7} {'f1':>6} {'n':>5}")
    for label, row in report["per_label_cv"].items():
        print(f"{label:<12} {row['precision']:>9.3f} {row['recall']:>7.3f} {row['f1']:>6.3f} {row['support']:>5}")
    for key, row in report.items():
        if key.startswith("distressed"):
            print(
                f"{key}: P {row['precision']:.3f} R {row['recall']:.3f} F1 {row['f1']:.3f} AUROC {row['auroc']:.3f} "
                f"(threshold {row['threshold']}, n={row['n']})"
            )
