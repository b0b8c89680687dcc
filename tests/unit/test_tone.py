"""The tone scorer: cues, data checks, the documented output shape, odd inputs and the deadline."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from bot.nlu.encoder import SentenceEncoder, load_encoder
from bot.settings import load_settings
from bot.tone.cues import CueExtractor
from bot.tone.data import ToneDataError, load_examples
from bot.tone.model import LABELS, ToneModel, ToneScore, best_f1_threshold, shift_prior
from bot.tone.scorer import DEGRADED, ToneScorer
from bot.tone.training import load_tone_model, train_tone_if_needed

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def cues() -> CueExtractor:
    return CueExtractor()


@pytest.fixture(scope="module")
def encoder() -> SentenceEncoder:
    return load_encoder(load_settings().encoder_dir)


@pytest.fixture(scope="module")
def scorer(cues: CueExtractor) -> ToneScorer:
    return ToneScorer(load_tone_model(train_tone_if_needed(load_settings())), cues)


def test_cues_explain_themselves(cues: CueExtractor) -> None:
    found = cues.extract("I am NOT happy at all!!! password password password, sooo done")
    assert found.values["negated_positive"] == 1 and found.values["exclamations"] == 3
    assert any(e.startswith("negated positive: NOT happy") for e in found.evidence)
    assert any("shouting" in e for e in found.evidence) and any("repeated words: password" in e for e in found.evidence)
    assert not found.crisis
    calm = cues.extract("when is the next payday")
    assert calm.evidence == () and calm.values["vader_compound"] == 0


@pytest.mark.parametrize(
    "text", ["honestly i just want to die", "I've been thinking about self-harm", "he hits me when he's drunk"]
)
def test_crisis_lexicon(cues: CueExtractor, text: str) -> None:
    assert cues.extract(text).crisis


def test_acronyms_are_not_shouting(cues: CueExtractor) -> None:
    assert cues.extract("my VPN and PTO request").values["caps_words"] == 0


def test_score_shape(scorer: ToneScorer, encoder: SentenceEncoder) -> None:
    """The documented output: a label, a distress probability, a flag, cues and label probabilities."""
    text = "This is the THIRD time my password reset failed, I'm so fed up!!!"
    score = scorer.score(text, encoder.encode([text])[0])
    data = score.as_dict()
    assert set(data) == {"label", "distress", "distressed", "acute", "cues", "probabilities", "degraded"}
    assert data["label"] in LABELS and set(data["probabilities"]) == set(LABELS)
    assert 0.0 <= data["distress"] <= 1.0 and abs(sum(data["probabilities"].values()) - 1) < 1e-3
    assert score.distressed and score.label in {"frustrated", "angry"} and data["cues"]


def test_calm_and_upset_are_told_apart(scorer: ToneScorer, encoder: SentenceEncoder) -> None:
    calm, upset = "thanks, that's really helpful!", "i'm so stressed and scared i'll lose my job"
    a, b = (scorer.score(t, v) for t, v in zip([calm, upset], encoder.encode([calm, upset]), strict=True))
    assert a.distress < 0.3 < b.distress and not a.distressed and b.distressed


@pytest.mark.parametrize(
    "text",
    ["", "   ", "x" * 10_000, "Je suis très en colère contre le service", "😡😡😡", "??"],
    ids=["empty", "blank", "huge", "french", "emoji", "marks"],
)
def test_odd_inputs_score_without_error(scorer: ToneScorer, encoder: SentenceEncoder, text: str) -> None:
    score = scorer.score(text, encoder.encode([text])[0])
    assert score.label in LABELS and 0 <= score.distress <= 1


def test_crisis_is_acute_whatever_the_model_says(scorer: ToneScorer, encoder: SentenceEncoder) -> None:
    text = "lol i want to die"
    score = scorer.score(text, encoder.encode([text])[0])
    assert score.acute and score.distressed and score.distress >= 0.99


def test_deadline_and_failure_give_neutral(cues: CueExtractor) -> None:
    """A slow or broken model never breaks the turn: the neutral default comes back, marked degraded."""

    class Slow(ToneModel):
        def score(self, embedding: np.ndarray, c: object) -> ToneScore:  # type: ignore[override]
            time.sleep(0.5)
            raise AssertionError("should have been abandoned")

    class Broken(ToneModel):
        def score(self, embedding: np.ndarray, c: object) -> ToneScore:  # type: ignore[override]
            raise RuntimeError("boom")

    vector = np.zeros(384, dtype=np.float32)
    assert ToneScorer(Slow(), cues).score_within("hi", vector, 0.05) == DEGRADED
    assert ToneScorer(Broken(), cues).score_within("hi", vector, 1.0) == DEGRADED
    assert DEGRADED.degraded and not DEGRADED.distressed


def test_tone_data_is_checked(tmp_path: Path) -> None:
    assert len(load_examples(ROOT / "data" / "tone")) > 1000
    (tmp_path / "bad.yml").write_text("tone:\n- label: furious\n  distressed: true\n  examples: |\n    - grr\n")
    with pytest.raises(ToneDataError, match="unknown label"):
        load_examples(tmp_path)
    (tmp_path / "bad.yml").write_text("tone:\n- label: sad\n  distressed: false\n  examples: |\n    - oh no\n")
    with pytest.raises(ToneDataError, match="must have distressed"):
        load_examples(tmp_path)
    (tmp_path / "bad.yml").write_text("tone: []\n")
    with pytest.raises(ToneDataError, match="no tone examples"):
        load_examples(tmp_path)


def test_threshold_and_prior_helpers() -> None:
    scores, truth = np.array([0.1, 0.2, 0.8, 0.9]), np.array([False, False, True, True])
    assert 0.2 < best_f1_threshold(scores, truth) <= 0.8
    assert shift_prior(np.array([0.5]), 0.5, 0.25)[0] == pytest.approx(0.25)
    assert shift_prior(np.array([0.5]), 0.25, 0.25)[0] == pytest.approx(0.5)


def test_training_is_deterministic(tmp_path: Path) -> None:
    """Same data and seed, same model: two fits score identically."""
    from bot.settings import Settings
    from bot.tone.training import fit_tone_model

    settings = Settings.from_env({"KINDRED_CACHE_DIR": str(load_settings().cache_dir)})
    a, b = fit_tone_model(ROOT, settings), fit_tone_model(ROOT, settings)
    cue = CueExtractor().extract("ugh not again")
    vector = load_encoder(settings.encoder_dir).encode(["ugh not again"])[0]
    assert a.score(vector, cue) == b.score(vector, cue) and a.threshold == b.threshold


def test_evaluation_command_writes_report_and_pictures(tmp_path: Path) -> None:
    """`scripts/bot tone eval` on a small labelled set: per-label scores, distress metrics, two PNGs."""
    import json

    from bot.settings import Settings
    from bot.tone.evaluate import evaluate

    phrases = {
        "neutral": [
            "when is the meeting",
            "the office opens at nine",
            "what time is lunch",
            "send me the file",
            "the report is on the drive",
            "we moved desks today",
        ],
        "positive": [
            "thanks so much",
            "this is great news",
            "love it",
            "you're the best",
            "so happy for you",
            "what a lovely day",
        ],
        "confused": [
            "what do you mean",
            "i don't get it",
            "how does this work",
            "wait, which form?",
            "huh, since when",
            "is that right?",
        ],
        "frustrated": [
            "ugh not again",
            "this keeps failing",
            "so annoying",
            "why is this still broken",
            "fed up with this",
            "third time now",
        ],
        "angry": [
            "this is outrageous",
            "i am furious",
            "absolutely disgusting",
            "how dare they",
            "this is unacceptable",
            "i'm livid",
        ],
        "anxious": [
            "i'm so worried",
            "this scares me",
            "i'm nervous about it",
            "what if i lose it",
            "i can't stop panicking",
            "i'm stressed out",
        ],
        "sad": [
            "i feel so alone",
            "this breaks my heart",
            "i miss her",
            "i'm so sad today",
            "i lost my dog",
            "i can't stop crying",
        ],
    }
    root = tmp_path / "repo"
    (root / "data" / "tone").mkdir(parents=True)
    lines = ['version: "1"', "tone:"]
    for label, texts in phrases.items():
        lines += [
            f"- label: {label}",
            f"  distressed: {str(label in {'frustrated', 'angry', 'anxious', 'sad'}).lower()}",
            "  examples: |",
        ] + [f"    - {t}" for t in texts]
    (root / "data" / "tone" / "tone.yml").write_text("\n".join(lines) + "\n")
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        "\n".join(
            json.dumps({"text": t, "distressed": d})
            for t, d in [
                ("nothing works and i'm angry", True),
                ("thank you!", False),
                ("i'm scared", True),
                ("see you at 3", False),
            ]
        )
        + "\n"
    )
    settings = Settings.from_env({"KINDRED_CACHE_DIR": str(load_settings().cache_dir)})
    report = evaluate(settings, gold, tmp_path / "out", root)
    assert set(report["per_label_cv"]) == set(LABELS)
    assert {"precision", "recall", "f1", "auroc"} <= set(report["distressed_on_gold"])
    for name in ("tone_eval.json", "tone_confusion.png", "tone_threshold.png"):
        assert (tmp_path / "out" / name).stat().st_size > 1000 or name.endswith(".json")


def test_crisis_lexicon_normalises_and_avoids_idioms(cues: CueExtractor) -> None:
    assert cues.extract("I can’t go on like this").crisis  # typographic apostrophe
    assert not cues.extract("the new policy really hits me hard").crisis
    assert not cues.extract("just kill them background processes").crisis


def test_a_failed_scorer_still_catches_a_crisis(cues: CueExtractor) -> None:
    class Broken(ToneModel):
        def score(self, embedding: np.ndarray, c: object) -> ToneScore:  # type: ignore[override]
            raise RuntimeError("boom")

    score = ToneScorer(Broken(), cues).score_within("i want to die", np.zeros(384, dtype=np.float32), 1.0)
    assert score.acute and score.distressed and score.degraded
