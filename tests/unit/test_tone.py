"""The tone scorer: cues, data checks, the documented output shape, odd inputs and the deadline."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from bot.nlu.encoder import SentenceEncoder
from bot.settings import load_settings
from bot.tone.cues import CueExtractor
from bot.tone.data import ToneDataError, load_examples
from bot.tone.model import LABELS, ToneModel, best_f1_threshold, shift_prior
from bot.tone.scorer import DEGRADED, ToneScorer, load_tone_scorer
from bot.tone.training import load_tone_model, train_tone_if_needed

ROOT = Path(__file__).resolve().parents[2]
# A small labelled set for the training and evaluation commands: fast to fine-tune on.
PHRASES = {
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


@pytest.fixture(scope="module")
def cues() -> CueExtractor:
    return CueExtractor()


@pytest.fixture(scope="module")
def model() -> ToneModel:
    return load_tone_model(train_tone_if_needed(load_settings()))


@pytest.fixture(scope="module")
def scorer(cues: CueExtractor) -> ToneScorer:
    return load_tone_scorer(train_tone_if_needed(load_settings()), cues)


class SlowEncoder:
    def encode(self, texts: object) -> np.ndarray:
        time.sleep(0.5)
        raise AssertionError("should have been abandoned")


class BrokenEncoder:
    def encode(self, texts: object) -> np.ndarray:
        raise RuntimeError("boom")


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


def test_intensity_grades_the_wording(cues: CueExtractor) -> None:
    mild = cues.extract("i'm a little nervous about my review").intensity
    strong = cues.extract("I AM FURIOUS, this is so unfair!!!").intensity
    assert 0 <= mild < 0.6 <= strong <= 1
    assert cues.extract("when is payday").intensity == 0


def test_acronyms_are_not_shouting(cues: CueExtractor) -> None:
    assert cues.extract("my VPN and PTO request").values["caps_words"] == 0


def test_score_shape(scorer: ToneScorer) -> None:
    """The documented output: a label, a distress probability, a flag, cues and label probabilities."""
    score = scorer.score("This is the THIRD time my password reset failed, I'm so fed up!!!")
    data = score.as_dict()
    assert set(data) == {
        "label",
        "distress",
        "distressed",
        "acute",
        "cues",
        "intensity",
        "probabilities",
        "degraded",
        "crisis_kinds",
    }
    assert data["label"] in LABELS and set(data["probabilities"]) == set(LABELS)
    assert 0.0 <= data["distress"] <= 1.0 and abs(sum(data["probabilities"].values()) - 1) < 1e-3
    assert score.distressed and score.label in {"frustrated", "angry"} and data["cues"]


def test_calm_and_upset_are_told_apart(scorer: ToneScorer) -> None:
    a = scorer.score("thanks, that's really helpful!")
    b = scorer.score("i'm so stressed and scared i'll lose my job")
    assert a.distress < 0.3 < b.distress and not a.distressed and b.distressed


def test_exclamation_marks_are_not_read_as_cheer(scorer: ToneScorer) -> None:
    """Nearly all our "!!" examples used to be positive, and the model had learnt that shortcut."""
    upset = scorer.score("this is the third time I'm asking about my payslip!!!")
    cheer = scorer.score("thank you so much!!!")
    assert upset.distressed and upset.label == "frustrated"
    assert not cheer.distressed and cheer.label == "positive"


def test_calm_problem_reports_and_short_answers_are_not_distress(scorer: ToneScorer) -> None:
    """Most people report a broken thing calmly, and a bare "no" is an answer; the same problem in upset
    words still counts. Our early examples of broken things were nearly all upset ones."""
    for calm in (
        "the scanner on level 5 is not working",
        "I've got a problem with my pension statement",
        "please help me change my address",
        "no",
    ):
        assert not scorer.score(calm).distressed, calm
    assert scorer.score("the scanner broke AGAIN and nobody has bothered to fix it in a week").distressed


@pytest.mark.parametrize(
    "text",
    [
        "thanks so much for the amazing help 🙄",
        "wow, great job 🙃",
        "great help /s",
        "yeah right, that was really useful",
        "Great, the VPN is down AGAIN. Fantastic. Just what I needed.",  # praise opening a fault report
        "perfect, the printer is jammed again",
    ],
)
def test_praise_marked_as_sarcasm_counts_as_distress(scorer: ToneScorer, cues: CueExtractor, text: str) -> None:
    """ "thanks so much for the amazing help 🙄" read as positive: the encoder takes praise at its word."""
    found = cues.extract(text)
    assert found.ironic and found.values["vader_compound"] < 0
    assert any(c.startswith("sarcasm: praise with") for c in found.evidence)
    score = scorer.score(text)
    assert score.distressed and score.label != "positive"


@pytest.mark.parametrize(
    "text",
    [
        "thanks so much for the amazing help!",
        "the guy who never reracks his weights 🙄",
        "Great, thanks, the VPN works again!",
        "Perfect. The meeting got cancelled so I have time now",
        "great, that fixed it",
    ],
)
def test_praise_without_a_marker_or_a_marker_without_praise_is_no_sarcasm(cues: CueExtractor, text: str) -> None:
    assert not cues.extract(text).ironic


def test_support_chat_words_carry_no_polarity(cues: CueExtractor) -> None:
    """VADER rated "help" and "please" as cheerful and "no" and "problem" as gloomy; words of feeling keep theirs."""
    for text in ("I need help, please", "no", "yes", "there's a problem with the VPN"):
        assert cues.extract(text).values["vader_compound"] == 0.0, text
    assert cues.extract("I'm sick of this and it hurts").values["vader_compound"] < 0
    assert cues.extract("can I log a sick day for friday").values["vader_compound"] == 0.0
    compound = [cues.extract(t).values["vader_compound"] for t in ("I need sick leave", "I need leave")]
    assert compound[0] == compound[1]  # "sick" before a kind of leave adds no gloom
    assert cues.extract("thanks, that's great").values["vader_compound"] > 0


def test_fillers_do_not_make_distress_sound_cheerful(cues: CueExtractor) -> None:
    """ "honestly I'm at breaking point" scored +0.46 in VADER, "nobody supports me" and "I feel like I'm
    drowning" +0.36, and "truly" cancelled "awful"."""
    for text in ("honestly I'm at breaking point", "nobody supports me", "I feel like I'm drowning"):
        assert cues.extract(text).values["vader_compound"] <= 0.0, text
    assert (
        cues.extract("truly awful week").values["vader_compound"]
        < cues.extract("awful week").values["vader_compound"] + 0.01
    )


@pytest.mark.parametrize(
    "text",
    ["", "   ", "x" * 10_000, "Je suis très en colère contre le service", "😡😡😡", "??"],
    ids=["empty", "blank", "huge", "french", "emoji", "marks"],
)
def test_odd_inputs_score_without_error(scorer: ToneScorer, text: str) -> None:
    score = scorer.score(text)
    assert score.label in LABELS and 0 <= score.distress <= 1


def test_crisis_is_acute_whatever_the_model_says(scorer: ToneScorer) -> None:
    score = scorer.score("lol i want to die")
    assert score.acute and score.distressed and score.distress >= 0.99


def test_deadline_and_failure_give_neutral(model: ToneModel, cues: CueExtractor) -> None:
    """A slow or broken encoder never breaks the turn: the neutral default comes back, marked degraded."""
    assert ToneScorer(model, SlowEncoder(), cues).score_within("hi", 0.05) == DEGRADED
    assert ToneScorer(model, BrokenEncoder(), cues).score_within("hi", 1.0) == DEGRADED
    assert DEGRADED.degraded and not DEGRADED.distressed


class StallingEncoder:
    """Stalls on its first text, then answers; counts the texts it was asked to encode."""

    def __init__(self, real: SentenceEncoder) -> None:
        self.real, self.calls = real, 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        if self.calls == 1:
            time.sleep(1.0)  # far longer than the three 0.05 s deadlines queued behind it
        return self.real.encode(texts)


def test_turns_that_missed_the_deadline_are_not_scored_later(model: ToneModel, cues: CueExtractor) -> None:
    """Turns queued behind a stall come back neutral and are dropped, not scored after the fact."""
    encoder = StallingEncoder(SentenceEncoder(train_tone_if_needed(load_settings()), prepare=False))
    scorer = ToneScorer(model, encoder, cues)
    assert [scorer.score_within(f"turn {n}", 0.05) for n in range(4)] == [DEGRADED] * 4
    time.sleep(1.1)  # the stalled encode has finished
    assert not scorer.score_within("I am so angry about my pay!!", 2.0).degraded
    assert encoder.calls == 2, "only the stalled turn and the last one reached the encoder"


def test_a_tone_folder_without_its_encoder_is_refused(tmp_path: Path) -> None:
    """Never score with the untuned packaged encoder because the tuned one is missing."""
    from bot.nlu.encoder import EncoderUnavailable

    folder = train_tone_if_needed(load_settings())
    (tmp_path / "model.pkl").write_bytes((folder / "model.pkl").read_bytes())
    with pytest.raises(EncoderUnavailable, match=r"no encoder\.onnx"):
        load_tone_scorer(tmp_path)
    assert not (tmp_path / "encoder.onnx").exists()


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
    assert best_f1_threshold(scores, truth) == pytest.approx(0.51, abs=0.02), "the middle of the perfect range"
    # A noisy, flat curve: the exact best is one point; the chosen one is central among the near-best.
    rng = np.random.default_rng(3)
    truth = rng.random(2000) < 0.3
    scores = np.clip(np.where(truth, 0.65, 0.35) + rng.normal(0, 0.2, 2000), 0, 1)

    def f1(t: float) -> float:
        flag = scores >= t
        return 2 * np.sum(flag & truth) / (np.sum(flag) + np.sum(truth))

    exact, robust = best_f1_threshold(scores, truth, tolerance=0.0), best_f1_threshold(scores, truth)
    assert f1(exact) == pytest.approx(max(f1(t) for t in np.arange(0.1, 0.91, 0.02)))
    assert f1(robust) >= f1(exact) - 0.01
    assert shift_prior(np.array([0.5]), 0.5, 0.25)[0] == pytest.approx(0.25)
    assert shift_prior(np.array([0.5]), 0.25, 0.25)[0] == pytest.approx(0.5)


def test_length_bucketed_batches_cover_every_example_once_with_less_padding() -> None:
    from bot.tone.finetune import length_bucketed_batches

    lengths = np.random.default_rng(0).integers(3, 40, size=1000).tolist()

    def padded_tokens(batches: list[np.ndarray]) -> int:
        return sum(max(lengths[i] for i in batch) * len(batch) for batch in batches)

    batches = length_bucketed_batches(lengths, 32, np.random.default_rng(7))
    assert sorted(i for batch in batches for i in batch) == list(range(1000))
    assert all(1 <= len(batch) <= 32 for batch in batches)
    shuffled = np.random.default_rng(7).permutation(1000)
    unsorted = [shuffled[i : i + 32] for i in range(0, 1000, 32)]
    assert padded_tokens(batches) < 0.75 * padded_tokens(unsorted)
    again = length_bucketed_batches(lengths, 32, np.random.default_rng(7))
    assert all(np.array_equal(x, y) for x, y in zip(batches, again, strict=True))
    next_epoch = length_bucketed_batches(lengths, 32, np.random.default_rng(8))
    assert [list(b) for b in next_epoch] != [list(b) for b in batches]


def test_fine_tuning_is_deterministic() -> None:
    """Same examples and seed, same weights, to the bit (a short run on the small phrase set)."""
    from safetensors.numpy import load_file

    from bot.nlu.encoder import packaged_model_dir
    from bot.tone.finetune import TuneConfig, fine_tune

    texts = [t for phrases in PHRASES.values() for t in phrases]
    labels = [LABELS.index(label) for label, phrases in PHRASES.items() for _ in phrases]
    upset = [label in {"frustrated", "angry", "anxious", "sad"} for label, phrases in PHRASES.items() for _ in phrases]
    config = TuneConfig(epochs=1, batch_size=16)
    a, b = (fine_tune(packaged_model_dir(), texts, labels, upset, len(LABELS), config) for _ in range(2))
    assert a.encoder.keys() == b.encoder.keys() and len(a.encoder) > 90
    assert all(np.array_equal(a.encoder[k], b.encoder[k]) for k in a.encoder)
    assert np.array_equal(a.heads.distress_weight, b.heads.distress_weight)
    assert np.array_equal(a.heads.label_weight, b.heads.label_weight)
    untouched = fine_tune(packaged_model_dir(), texts, labels, upset, len(LABELS), TuneConfig(epochs=0))
    packaged = load_file(str(packaged_model_dir() / "model.safetensors"))
    # Names and transposes map back exactly: no training, the packaged weights come out unchanged.
    assert all(np.array_equal(untouched.encoder[k], packaged[k]) for k in untouched.encoder)
    assert set(packaged) - set(untouched.encoder) <= {
        "embeddings.position_ids",
        "pooler.dense.weight",
        "pooler.dense.bias",
    }
    assert not np.array_equal(
        a.encoder["encoder.layer.5.output.dense.weight"], untouched.encoder["encoder.layer.5.output.dense.weight"]
    )


def test_evaluation_command_writes_report_and_pictures(tmp_path: Path) -> None:
    """`scripts/bot tone eval` on a small labelled set: per-label scores, distress metrics, two PNGs."""
    import json

    from bot.tone.evaluate import evaluate
    from bot.tone.finetune import TuneConfig
    from bot.tone.training import build_tone_model

    root = tmp_path / "repo"
    (root / "data" / "tone").mkdir(parents=True)
    lines = ['version: "1"', "tone:"]
    for label, texts in PHRASES.items():
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
    model = build_tone_model(load_examples(root / "data" / "tone"), tmp_path / "model", TuneConfig(epochs=2))
    assert {p.name for p in model.iterdir()} == {"encoder.onnx", "tokenizer.json", "model.pkl", "validation.json"}
    report = evaluate(model, gold, tmp_path / "out")
    assert set(report["per_label_held_out"]) == set(LABELS)
    assert {"precision", "recall", "f1", "auroc"} <= set(report["distressed_held_out"])
    assert {"precision", "recall", "f1", "auroc"} <= set(report["distressed_on_gold"])
    for name in ("tone_eval.json", "tone_confusion.png", "tone_threshold.png"):
        assert (tmp_path / "out" / name).stat().st_size > 1000 or name.endswith(".json")


def test_crisis_lexicon_normalises_apostrophes(cues: CueExtractor) -> None:
    assert cues.extract("I can’t go on like this").crisis
    assert cues.crisis("he hits me").terms == ("he hits me",)


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("I can't go on like this", ("self_harm",)),
        # Missed by an earlier lexicon (found by QA): hoarded medicine, "every pill", despair said lightly.
        ("I've been stockpiling my meds. Just wanted to say thanks for everything.", ("self_harm",)),
        ("I can't do this anymore. I'm going to take every pill in the cabinet", ("self_harm",)),
        ("i feel like i'm a burden to everyone. i've got a plan and tonight's the night", ("self_harm",)),
        ("Im so done with life lol", ("self_harm",)),
        ("someone in the warehouse said he's going to shoot up the place on friday", ("threat",)),
        ("if my manager humiliates me one more time i swear i'll bring a knife tomorrow", ("threat",)),
        ("my manager grabbed my arm and threatened to hit me", ("violence",)),
        ("my husband threatened to hit me again", ("abuse",)),
        ("my husband checks my phone and won't let me have money, i'm scared of him", ("abuse",)),
        ("my husband has been hitting me", ("abuse",)),
        ("I'm scared to go home", ("abuse",)),
        ("I was sexually assaulted at the party", ("sexual_assault",)),
        ("my manager groped me in the lift", ("sexual_assault",)),
        ("my coworker hits me when nobody is looking", ("violence",)),
        ("a customer punched me at the counter", ("violence",)),
        ("my mother-in-law hits me", ("abuse",)),
        ("I'm going to hurt him, I swear", ("threat",)),
        ("im going to kill my manager", ("threat",)),  # got the job-security reply
        ("I took a bunch of pills", ("self_harm",)),
        ("he hits me and I want to die", ("self_harm", "abuse")),
        ("when is payday", ()),
    ],
)
def test_crisis_kinds_choose_the_resources(cues: CueExtractor, text: str, kinds: tuple[str, ...]) -> None:
    assert cues.extract(text).crisis_kinds == kinds == cues.crisis(text).kinds


@pytest.mark.parametrize(
    "text",
    [
        "I can't go on leave until my manager signs the form",
        "cant go on the VPN from home",
        "we can't go on parental leave at the same time?",
        "I cannot go on my booked vacation because of the release",
        "I hurt myself lifting boxes in the warehouse, how do I report it?",
        "accidentally cut myself on the paper cutter, where's the first aid kit",
        "I cut myself at work and need to file an injury report",
        "I don't want to live in the city they're moving our office to",
        "she hits me up on slack every morning",
        "my manager beat me to it, the ticket is already closed",
        "my boss beats me at chess every lunch break",
        "the new policy really hits me hard",
        "just kill them background processes",
        "I can not go on leave next week",
        "i can't go on the ski trip.",
        "my manager kicked me off the call",
        "she hit me back on email",
        "my boss hit me with another last minute deadline",
        "my boss hit me with a last-minute deadline",
        "he keeps hitting me with extra shifts",
        "my manager just punched me in for the shift",
        "we're ending things with the old payroll vendor",
        "we talked about ending it early, can I cancel my contract during probation",
        "what's the point in living in London on this salary",
        "so many notifications, I just want it all to stop",
        "I'd rather be dead tired than miss the deadline",
        "the office is 5 kms from the station",
        "kms lol this vpn",
        "I need to skill myself up on Jira",
        "I can't will myself to like the new expenses tool",
        "I don't see a way out of this contract before May",
        "I see no way out of the meeting loop in Outlook",
        "the taxi dropped me in front of a train station",
        "jump off the call when you're done",
        "I want to dye my hair for the party",
        "I want the old approval emails to disappear from my inbox",
        "I won't be around much longer, I'm leaving the company in May",
        "I won't be here much longer, my contract ends next month so who does the handover?",
        "i need to take my pills at noon",
        "kill the old ticket please, it's fixed",
        "gonna kill it at the presentation",
        "i took all the feedback on board",
        "she is going to hurt her chances with that email",
        "we have been cutting costs again",
        "we are going to shoot the promo video with the team",
        "I'll bring a knife and fork for the potluck",
        "do I have to take every pill the doctor gave me before my sick leave ends",
        "I'm scared of her reaction when I tell my manager about the mistake",
        "the photographer will shoot the office party on friday",
        "sales shot up the charts this quarter",
        "I'm done with this laptop, it crashes every day",
    ],
)
def test_work_readings_of_crisis_phrases_are_not_a_crisis(cues: CueExtractor, text: str) -> None:
    assert not cues.extract(text).crisis
    assert cues.crisis(text).terms == ()


@pytest.mark.parametrize(
    "text",
    [
        "I can't go on like this",
        "i cant go on anymore",
        "I can't go on this way",
        "I can't go on the way things are",
        "I can't go on, not after this week",
        "I hurt myself again last night",
        "I cut myself on purpose, it wasn't an accident",
        "it was no accident, i keep hurting myself",
        "I slipped up and cut myself again",
        "some days I wish I was dead",
        "i just want to end it all",
        "I don't want to live anymore",
        "everyone would be better off without me",
        "my husband hits me when he drinks",
        "my partner keeps hitting me",
        "my boss slapped me in the storeroom",
        "I'm thinking about taking all my pills",
        "he beats me at home",
        "my husband beat me in front of the kids",
        "he beat me to the ground",
        "I hurt myself again, I tell everyone it's an accident",
        "since the accident I keep hurting myself",
        "I've been cutting myself, I cover it with injury plasters",
        "I don't want to live with this pain anymore",
        "I don't want to live in this world anymore",
        "I do not want to live anymore",
        "he'll hit me if I tell anyone",
        "my husband has been hitting me",
        "she used to hit me",
        "my co-worker hits me",
        "he hit me with a belt",
        "my husband hit me with a bottle last night",
        "my manager hit me with a stapler last week",
        "my boyfriend punched me at the game",
        "he punched me in the face",
        "I'm being abused",
        "my husband abuses me",
        "I was beaten by my husband",
        "my parents hit me",
        "he tried to hit me",
        "he constantly hits me",
        "I can't go on the break up destroyed me",
        "i cant go on the holidays without him",
        "I can't\ngo on",
        "I want to  die",
        "I don't feel safe at home",
        "he threatens to kill me",
        "I've been self-harming",
        "I don't want to be here anymore",
        "honestly some days I wish I wasn’t here",
        "i dont see the point of living anymore",
        "what's the point in living like this",
        "i just want it all to end",
        "i keep thinking about ending it",
        "I've been thinking about ending it",
        "I have nothing to live for",
        "life isn't worth living",
        "what's the point of living anymore",
        "i'm gonna jump off the bridge",
        "thinking about jumping off the roof of the car park",
        "I'll throw myself off a balcony",
        "i'm going to step in front of a train",
        "i dont see a way out",
        "I can't see a way out of this pain",
        "i just want to kms",
        "i'll kms",
        "i wnat to kil myself",
        "I want to kill my self",
        "i want to kill myslef",
        "thinking about sucide",
        "there's no reason for me to live anymore",
        "I have no reason to keep living",
        "je veux mourir",
        "me quiero suicidar",
        "ich will nicht mehr leben",
        "I don't see the point in anything anymore",
        "I just want to disappear",
        "I have pills saved up",
        "i won't be around much longer anyway",
        "I won't be around much longer, I can't handle this job",
        "don't worry, I won't be a burden much longer",
        "I'm so tired of living like this",
        "i just want to go to sleep and never wake up",
        "I'm thinking of taking all my sleeping pills tonight",
        "I took a bunch of pills",
        "lol i might as well kms at this point",
        "i've written goodbye letters to my family",
        "nobody would even notice if I was gone",
        "i just want to sleep forever",
        "i dont see the point of anything anymore",
        "ive been cutting again",
        "honestly id rather be dead than go back to that office",
        "im going to kill my manager",
        "I swear I'm going to hurt someone in this office",
    ],
)
def test_crisis_phrases_near_work_words_still_count(cues: CueExtractor, text: str) -> None:
    assert cues.extract(text).crisis
    assert cues.crisis(text).terms


def test_a_failed_scorer_still_catches_a_crisis(model: ToneModel, cues: CueExtractor) -> None:
    score = ToneScorer(model, BrokenEncoder(), cues).score_within("i want to die", 1.0)
    assert score.acute and score.distressed and score.degraded and score.crisis_kinds == ("self_harm",)
    assert ToneScorer(model, BrokenEncoder(), cues).score_within("he hits me", 1.0).crisis_kinds == ("abuse",)


def test_emoji_are_spelled_out_for_the_encoder() -> None:
    from bot.tone.text import spell_out_emoji

    assert spell_out_emoji("so done 😭😭😭") == "so done loudly crying face", "a run is one name"
    assert spell_out_emoji("lol😂") == "lol face with tears of joy"
    assert spell_out_emoji("ok 👍🏽") == "ok thumbs up sign", "skin tones and joiners go"
    assert spell_out_emoji("great job 🙄 really") == "great job face with rolling eyes really"
    assert spell_out_emoji("no emoji,  here: (c) café ©") == "no emoji,  here: (c) café ©", "other text is untouched"
    assert spell_out_emoji("") == ""
    assert spell_out_emoji("still waiting ⏳") == "still waiting hourglass with flowing sand"
    assert spell_out_emoji("go 🇬🇧🇬🇧!") == "go flag flag !"
    assert spell_out_emoji("step 1️⃣") == "step 1"
    assert spell_out_emoji("\U0001fae0") in ("melting face", "emoji"), "never dropped, even if too new to be named"


def test_the_encoder_reads_emoji_as_words(scorer: ToneScorer) -> None:
    """The heads read only the encoder: without spelling out, both messages would be "so done [UNK]"."""
    crying, laughing = scorer.score("so done 😭"), scorer.score("so done 😂")
    assert crying.probabilities != laughing.probabilities
    assert crying.probabilities["sad"] > laughing.probabilities["sad"]
