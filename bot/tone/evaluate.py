"""Tone evaluation: per-label scores on the held-out fifth of our examples, distress on a labelled file.

    scripts/bot tone eval [--data FILE.jsonl] [--out DIR]

Per label (precision, recall, F1) and the confusion matrix come from the examples the trained
model held out from fine-tuning (``validation.json`` in its folder: the only data with our labels
that the encoder never saw; the calibration was fitted on them, the labels were not).
``distressed`` precision/recall/F1 and the AUROC of ``distress`` are measured there and on
``--data`` (JSON lines with ``text`` and ``distressed``), e.g. the dev split in ../shared/eval.
PNGs: confusion matrix and the precision/recall/F1 curve over the distress threshold.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support, roc_auc_score

from bot.tone.model import LABELS
from bot.tone.scorer import load_tone_scorer
from bot.tone.training import load_validation


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


def evaluate(folder: Path, data: Path | None, out: Path) -> dict[str, Any]:
    """Scores of the trained tone model in ``folder``; writes the report and PNGs to ``out``."""
    scorer, held_out = load_tone_scorer(folder), load_validation(folder)
    scores = [scorer.score(e.text) for e in held_out]
    labels = np.array([e.label for e in held_out])
    truth = np.array([e.distressed for e in held_out])
    predicted = np.array([s.label for s in scores])
    distress = np.array([s.distress for s in scores])
    threshold = scorer.threshold
    p, r, f, support = precision_recall_fscore_support(labels, predicted, labels=list(LABELS), zero_division=0)
    report: dict[str, Any] = {
        "per_label_held_out": {
            lab: {
                "precision": round(float(p[i]), 4),
                "recall": round(float(r[i]), 4),
                "f1": round(float(f[i]), 4),
                "support": int(support[i]),
            }
            for i, lab in enumerate(LABELS)
        },
    }
    report["distressed_held_out"] = distress_metrics(distress, truth, threshold)
    curves = {}
    if data is not None:
        rows = [json.loads(line) for line in data.read_text().splitlines() if line.strip()]
        file_scores = np.array([scorer.score(row["text"]).distress for row in rows])
        gold = np.array([bool(row["distressed"]) for row in rows])
        report[f"distressed_on_{data.stem}"] = distress_metrics(file_scores, gold, threshold)
        curves[data.stem] = (file_scores, gold)
    out.mkdir(parents=True, exist_ok=True)
    curves["held_out"] = (distress, truth)
    _plot(out, confusion_matrix(labels, predicted, labels=list(LABELS)), curves, threshold)
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
    ax.set_title("Tone labels on the held-out fifth of data/tone")
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
    for label, row in report["per_label_held_out"].items():
        print(f"{label:<12} {row['precision']:>9.3f} {row['recall']:>7.3f} {row['f1']:>6.3f} {row['support']:>5}")
    for key, row in report.items():
        if key.startswith("distressed"):
            print(
                f"{key}: P {row['precision']:.3f} R {row['recall']:.3f} F1 {row['f1']:.3f} AUROC {row['auroc']:.3f} "
                f"(threshold {row['threshold']}, n={row['n']})"
            )
