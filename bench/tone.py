"""Benchmark tone scoring of one message (tone encoder + spaCy cues + heads), and loading it.

    scripts/py -m bench.tone [--rounds N]

Prints a table and writes bench/results/tone.json. Targets: p50 <= 10 ms, p99 <= 30 ms, load <= 5 s.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from bench.nlu import MESSAGES, percentiles

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=1000)
    args = parser.parse_args()
    started = time.perf_counter()
    import onnxruntime  # noqa: F401  (imports timed apart: spaCy pulls in TensorFlow via thinc,
    import spacy  # noqa: F401         which the Rasa server has loaded anyway)

    imports_s = time.perf_counter() - started
    from bot.nlu.encoder import SentenceEncoder
    from bot.settings import load_settings
    from bot.tone.cues import CueExtractor
    from bot.tone.scorer import embed, load_tone_scorer
    from bot.tone.training import load_tone_model, train_tone_if_needed

    settings = load_settings()
    model_path = train_tone_if_needed(settings)
    started = time.perf_counter()
    scorer = load_tone_scorer(model_path)  # what Rasa's ToneAnnotator loads
    load_s = time.perf_counter() - started
    # Untimed: the heads and cues alone, on embeddings computed once up front.
    model, cues = load_tone_model(model_path), CueExtractor()
    pooled = dict(zip(MESSAGES, embed(SentenceEncoder(model_path, prepare=False), MESSAGES), strict=True))
    for text in MESSAGES:
        scorer.score(text)
    end_to_end, scoring_only = [], []
    for i in range(args.rounds):
        text = MESSAGES[i % len(MESSAGES)]
        t0 = time.perf_counter()
        scorer.score(text)
        t1 = time.perf_counter()
        model.score(pooled[text], cues.extract(text))
        t2 = time.perf_counter()
        end_to_end.append(t1 - t0)
        scoring_only.append(t2 - t1)
    results = {
        "cpus": os.cpu_count(),
        "imports_s": round(imports_s, 3),
        "load_s": round(load_s, 3),
        "message_with_encoder": percentiles(end_to_end),
        "head_and_cues_only": percentiles(scoring_only),
    }
    rows = [
        ("imports in a cold process (s)", results["imports_s"], "-"),
        ("load: tone encoder + heads + spaCy matchers (s)", results["load_s"], "<= 5"),
        (
            "one message incl. tone encoder p50 / p99 (ms)",
            f"{results['message_with_encoder']['p50_ms']} / {results['message_with_encoder']['p99_ms']}",
            "<= 10 / <= 30",
        ),
        (
            "cues + heads only p50 / p99 (ms)",
            f"{results['head_and_cues_only']['p50_ms']} / {results['head_and_cues_only']['p99_ms']}",
            "-",
        ),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"{'measure'.ljust(width)}  {'value':>16}  target")
    for name, value, target in rows:
        print(f"{name.ljust(width)}  {value!s:>16}  {target}")
    out = ROOT / "bench" / "results" / "tone.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"saved {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
