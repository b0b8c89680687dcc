"""The training data: the required intents, enough varied examples, valid for Rasa, written by us."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from bot.validation import validate_data

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"
WORK_INTENTS = [
    "pto_request",
    "pto_request_status",
    "pto_cancel",  # ours: withdrawing a request started a new booking
    "pto_balance",
    "pto_used",
    "next_holiday",
    "payday",
    "income",
    "taxes",
    "w2",
    "direct_deposit",
    "insurance",
    "insurance_change",
    "rollover_401k",
    "meeting_schedule",
    "schedule_meeting",
    "password_reset",
    "account_locked",
    "vpn_issue",
    "hardware_issue",
    "software_access",
    "ticket_status",
    "onboarding",
    "payslip",
    "expense_claim",
    "update_personal_details",
    "policy_question",
]
SENSITIVE = ["report_harassment", "bereavement", "health_leave", "job_security"]
CONVERSATION = [
    "greet",
    "goodbye",
    "thank_you",
    "bot_challenge",
    "affirm",
    "deny",
    "help",
    "request_human",
    "out_of_scope",
]
EXTERNAL = ["EXTERNAL_handed_back"]  # triggered by the handoff service over the HTTP API, never typed


def nlu_examples() -> dict[str, list[str]]:
    examples: dict[str, list[str]] = {}
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        for block in yaml.safe_load(path.read_text()).get("nlu") or []:
            if "intent" in block:
                lines = [line.strip()[2:] for line in block["examples"].splitlines() if line.strip().startswith("- ")]
                examples.setdefault(block["intent"], []).extend(lines)
    return examples


def normalise(text: str) -> str:
    """Lower case without ASCII punctuation; emoji stay ("👍" and "🙏" are different examples)."""
    return " ".join(re.sub(r"[!-/:-@\[-`{-~]", "", text.lower()).split())


def test_domain_has_exactly_the_agreed_intents() -> None:
    """The agreed intents have examples; the external ones have none, so the classifier never predicts them."""
    domain = yaml.safe_load((ROOT / "domain.yml").read_text())
    assert sorted(domain["intents"]) == sorted(WORK_INTENTS + SENSITIVE + CONVERSATION + EXTERNAL)
    assert sorted(nlu_examples()) == sorted(WORK_INTENTS + SENSITIVE + CONVERSATION)


def test_enough_distinct_examples_per_intent() -> None:
    """At least 40 distinct examples for each work intent, 30 for the rest; no example under two intents."""
    examples = nlu_examples()
    for intent, lines in examples.items():
        assert len({normalise(x) for x in lines}) >= (40 if intent in WORK_INTENTS else 30), intent
    owner: dict[str, str] = {}
    for intent, lines in examples.items():
        for line in lines:
            assert owner.setdefault(normalise(line), intent) == intent, f"{line!r} is under two intents"


@pytest.mark.skipif(not EVAL.exists(), reason="evaluation sets not present")
def test_no_evaluation_sentence_was_copied() -> None:
    """The evaluation sets are for measuring only: none of their sentences is in our data or tests."""
    ours = {normalise(x) for lines in nlu_examples().values() for x in lines}
    for path in sorted((ROOT / "data" / "tone").glob("*.yml")):  # every tone file, not only tone.yml
        ours |= {
            normalise(line.strip()[2:])
            for block in yaml.safe_load(path.read_text())["tone"]
            for line in block["examples"].splitlines()
            if line.strip().startswith("- ")
        }
    for name in ("intents_dev.jsonl", "tone_dev.jsonl"):
        for line in (EVAL / name).read_text().splitlines():
            text = normalise(json.loads(line)["text"])
            assert len(text) < 12 or text not in ours, f"evaluation sentence copied from {name}: {text!r}"
    test_text = " ".join(p.read_text().lower() for p in (ROOT / "tests").rglob("*.py"))
    for line in (EVAL / "intents_dev.jsonl").read_text().splitlines():
        text = json.loads(line)["text"].lower()
        assert len(text) < 25 or text not in test_text


def test_rasa_data_validate_is_clean() -> None:
    """`rasa data validate` reports nothing (besides its known false alarm about form questions)."""
    assert validate_data(ROOT) == []
