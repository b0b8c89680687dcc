"""action_score_tone: every user turn gets its tone, trend, timeline and escalation decision in slots."""

from __future__ import annotations

from typing import Any

import pytest

from actions.care import ActionEscalate
from actions.runtime import Runtime
from actions.tone import (
    CRISIS_OPENING,
    OFFER_AGAIN_TEXT,
    OFFER_TEXT,
    RESOURCES,
    ActionOfferHuman,
    ActionScoreTone,
    general_question,
    kinds_of,
)
from bot.escalation import Thresholds
from bot.tone.crisis import KINDS as CRISIS_KINDS
from tests.conftest import run_action
from tests.trackers import BRIEF, tracker


def slots(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def scored(intent: str, text: str, tone: dict[str, Any] | None, **kw: Any) -> Any:
    t = tracker(intent, text, **kw)
    if tone is not None:
        t.latest_message["tone"] = tone
    return t


def test_routine_turn_sets_every_slot(rt: Runtime, domain: dict[str, Any]) -> None:
    tone = {"label": "neutral", "distress": 0.1, "acute": False, "cues": []}
    events, messages = run_action(ActionScoreTone(), scored("payday", "when is payday", tone), domain)
    values = slots(events)
    assert set(values) == {
        *("tone", "distress", "distress_trend", "tone_timeline", "escalation", "escalation_state", "follow_up"),
        *("language", "crisis_resources"),
    }
    assert values["language"] == "en" and values["crisis_resources"] is None
    assert values["tone"] == "neutral" and values["tone_timeline"] == [["neutral", 0.1]]
    assert values["escalation"]["decision"] == "continue" and messages == [] and values["follow_up"] is None


@pytest.mark.parametrize(
    ("text", "language"), [("¿Cuándo es el día de pago?", "other"), ("gracias, when is payday?", "en")]
)
def test_the_language_slot_says_when_a_message_is_not_english(
    rt: Runtime, domain: dict[str, Any], text: str, language: str
) -> None:
    """Spanish got "that's outside what I can help with"; the slot picks the "I only read English" reply."""
    events, _ = run_action(ActionScoreTone(), scored("out_of_scope", text, None), domain)
    assert slots(events)["language"] == language


def test_missing_tone_counts_as_neutral(rt: Runtime, domain: dict[str, Any]) -> None:
    """An NLU without a tone (or a degraded one) never breaks the turn."""
    events, _ = run_action(ActionScoreTone(), scored("payday", "payday", None), domain)
    assert slots(events)["distress"] == 0.0 and slots(events)["escalation"]["reason"] == "routine"


def test_a_request_for_a_person_inside_another_request_escalates(rt: Runtime, domain: dict[str, Any]) -> None:
    """The intent is the payslip, but the employee asked for a person: that wins, and the evidence keeps the topic."""
    tone = {"label": "frustrated", "distress": 0.5, "acute": False, "cues": []}
    text = "i need to speak to someone in payroll about my payslip, its wrong"
    events, _ = run_action(ActionScoreTone(), scored("payslip", text, tone), domain)
    escalation = slots(events)["escalation"]
    assert (escalation["decision"], escalation["reason"]) == ("escalate", "explicit_request")
    assert escalation["evidence"]["intent"] == "payslip"
    events, _ = run_action(
        ActionScoreTone(), scored("payslip", "i talked to someone in payroll, still wrong", tone), domain
    )
    assert slots(events)["escalation"]["reason"] != "explicit_request"


def test_crisis_is_flagged_for_the_escalation(rt: Runtime, domain: dict[str, Any]) -> None:
    tone = {
        "label": "sad",
        "distress": 0.99,
        "acute": True,
        "cues": ["crisis language: want to die"],
        "crisis_kinds": ["self_harm"],
    }
    events, messages = run_action(ActionScoreTone(), scored("out_of_scope", "i want to die", tone), domain)
    escalation = slots(events)["escalation"]
    assert (escalation["decision"], escalation["reason"], escalation["crisis"]) == ("escalate", "crisis", True)
    assert escalation["evidence"]["crisis_kinds"] == ["self_harm"]
    assert messages == []  # Rasa drops messages from slot extraction: action_escalate sends the resources
    # ... and while people have the chat (Rasa paused) the handoff service sends these, read from the slot
    resources = slots(events)["crisis_resources"]
    assert resources.startswith(CRISIS_OPENING) and "988" in resources and "Domestic" not in resources


@pytest.mark.parametrize(
    ("kinds", "expected", "absent"),
    [
        (["self_harm"], ["988", "911", "1-800-555-0199"], ["Domestic Violence", "RAINN"]),
        (["abuse"], ["Domestic Violence Hotline", "1-800-799-7233", "911"], ["Suicide", "RAINN"]),
        (["sexual_assault"], ["RAINN", "1-800-656-4673", "911"], ["Suicide", "Domestic"]),
        (["violence"], ["HR and Security", "911"], ["Suicide", "Domestic", "RAINN"]),
        (["threat"], ["call 911", "988"], ["Domestic", "RAINN", "danger right now"]),
        (["self_harm", "abuse"], ["988", "1-800-799-7233"], ["RAINN"]),
        (None, ["988", "1-800-799-7233", "1-800-656-4673", "911"], []),  # unknown: every resource
        ([], ["988", "1-800-799-7233", "1-800-656-4673"], []),
        ("abuse", ["988", "1-800-799-7233", "1-800-656-4673"], []),  # not a list: unknown, not letters
        (["something_new"], ["988", "1-800-799-7233", "1-800-656-4673"], []),
    ],
)
def test_crisis_resources_fit_what_was_said_and_come_first(
    rt: Runtime, domain: dict[str, Any], kinds: object, expected: list[str], absent: list[str]
) -> None:
    evidence = {} if kinds is None else {"crisis_kinds": kinds}
    decision = {"decision": "escalate", "reason": "crisis", "evidence": evidence, "crisis": True}
    t = tracker("out_of_scope", "i can't take this", slots={"escalation": decision})
    _, messages = run_action(ActionEscalate(), t, domain)
    first = messages[0]["text"]
    assert first.startswith(CRISIS_OPENING) and "1-800-555-0199" in first  # a caring line first; the EAP last
    assert all(e in first for e in expected) and not any(a in first for a in absent), first
    # Nobody is online in unit tests: the ticket reply points back to the numbers, and starts cleanly.
    assert "request #" in messages[1]["text"] and "numbers above" in messages[1]["text"]
    assert messages[1]["text"] == messages[1]["text"].strip()
    ticket = rt.store.tickets("E1001", limit=1)[0]
    assert ticket.summary.startswith("Urgent request to") and "crisis" not in ticket.summary


def test_a_complaint_is_offered_someone_from_the_team_that_can_fix_it(rt: Runtime, domain: dict[str, Any]) -> None:
    tone = {"label": "frustrated", "distress": 0.3, "acute": False, "cues": []}
    events, _ = run_action(ActionScoreTone(), scored("payslip", "my payslip is wrong again", tone), domain)
    escalation = slots(events)["escalation"]
    assert (escalation["decision"], escalation["reason"], escalation["evidence"]["complaint"]) == (
        "offer",
        "complaint",
        ["wrong"],
    )
    t = tracker("payslip", "my payslip is wrong again", slots={"escalation": escalation})
    _, messages = run_action(ActionOfferHuman(), t, domain)
    assert "someone from Payroll can look into it" in messages[0]["text"] and messages[0]["text"] != OFFER_TEXT


def test_an_offer_after_a_no_says_so(rt: Runtime, domain: dict[str, Any]) -> None:
    """Offered again after a "no thanks" (acute venting, or distress still building): not the first-time text."""
    escalation = {"decision": "offer", "reason": "acute_distress", "evidence": {}}
    _, messages = run_action(ActionOfferHuman(), tracker("deny", "whatever", slots={"escalation": escalation}), domain)
    assert messages[0]["text"] == OFFER_AGAIN_TEXT and len(messages[0]["buttons"]) == 2


def test_every_crisis_kind_has_its_resources() -> None:
    assert set(RESOURCES) == set(CRISIS_KINDS)
    assert kinds_of(["threat", "self_harm", 3, "x"]) == ("self_harm", "threat") and kinds_of("abuse") == ()


def test_moderate_distress_offers_a_person_once(rt: Runtime, domain: dict[str, Any]) -> None:
    """The offer counts once action_offer_human has shown it; after that the employee isn't asked again."""
    tone = {"label": "frustrated", "distress": Thresholds().moderate + 0.01, "acute": False, "cues": []}
    events, _ = run_action(ActionScoreTone(), scored("payday", "ugh, when is payday", tone), domain)
    assert slots(events)["escalation"]["decision"] == "offer"
    state = slots(events)["escalation_state"]
    assert state["offered"] is False
    shown, messages = run_action(
        ActionOfferHuman(), tracker("payday", "ugh", slots={"escalation_state": state}), domain
    )
    assert messages[0]["text"] == OFFER_TEXT and len(messages[0]["buttons"]) == 2
    assert messages[1]["custom"] == {"handoff_offer": True}, "the handoff service learns the offer was shown"
    state = slots(shown)["escalation_state"]
    assert (
        state["offered"] and state["offer_pending"] and state["scored"] == slots(events)["escalation_state"]["scored"]
    )
    t = scored("payslip", "and my payslip", tone, slots={"escalation_state": state})
    events, _ = run_action(ActionScoreTone(), t, domain)
    assert slots(events)["escalation"]["reason"] == "already_offered"


def test_mild_wording_gets_an_offer_not_an_acute_escalation(rt: Runtime, domain: dict[str, Any]) -> None:
    """The tone's intensity reaches the policy: sure of upset but mildly worded is offered a person."""
    mild = {"label": "anxious", "distress": 0.99, "acute": False, "cues": [], "intensity": 0.3}
    events, _ = run_action(ActionScoreTone(), scored("taxes", "a bit worried about my taxes", mild), domain)
    assert slots(events)["escalation"]["decision"] == "offer"
    strong = {**mild, "intensity": 0.9}
    events, _ = run_action(ActionScoreTone(), scored("taxes", "i'm terrified about my taxes!!", strong), domain)
    assert slots(events)["escalation"]["reason"] == "acute_distress"


def test_form_answers_do_not_escalate(rt: Runtime, domain: dict[str, Any]) -> None:
    """The 'Sick leave' button parses as health_leave; inside the leave form it is an answer, not a topic."""
    tone = {"label": "neutral", "distress": 0.1, "acute": False, "cues": []}
    t = scored("health_leave", "sick leave", tone, active_loop="pto_form", requested_slot="leave_type")
    events, _ = run_action(ActionScoreTone(), t, domain)
    assert slots(events)["escalation"]["decision"] == "continue"


def test_repeat_contact_lowers_the_bar(rt: Runtime, domain: dict[str, Any]) -> None:
    """Sam has an open hardware ticket; a distressed hardware report escalates below the usual acute level."""
    distress = Thresholds().acute - 0.05
    tone = {"label": "angry", "distress": distress, "acute": False, "cues": []}
    events, _ = run_action(
        ActionScoreTone(), scored("hardware_issue", "scanner STILL broken", tone, employee=BRIEF), domain
    )
    escalation = slots(events)["escalation"]
    assert escalation["reason"] == "acute_distress" and escalation["evidence"]["repeat_contact"] is True
    events, _ = run_action(ActionScoreTone(), scored("payday", "when is payday", tone, employee=BRIEF), domain)
    assert slots(events)["escalation"]["evidence"]["repeat_contact"] is False


def test_each_message_is_scored_once(rt: Runtime, domain: dict[str, Any]) -> None:
    """Rasa runs slot extraction again inside forms; the second run for the same message changes nothing."""
    tone = {"label": "sad", "distress": 0.5, "acute": False, "cues": []}
    first, _ = run_action(ActionScoreTone(), scored("payday", "payday?", tone), domain)
    again = scored("payday", "payday?", tone, slots={"escalation_state": slots(first)["escalation_state"]})
    events, _ = run_action(ActionScoreTone(), again, domain)
    assert events == []


def test_tickets_opened_in_this_conversation_are_not_a_repeat_contact(rt: Runtime) -> None:
    """The bot's own ticket from earlier in the same chat doesn't make the employee a repeat contact."""
    import datetime as dt

    from actions.tone import repeat_contact

    today = dt.date(2026, 3, 10)
    started = dt.datetime(2026, 3, 10, 9, 0)
    rt.store.open_ticket("E1001", "vpn", "VPN drops")  # created now, i.e. after `started` below
    assert repeat_contact(rt.store, "E1001", "vpn_issue", "c", today, started=None)
    assert not repeat_contact(rt.store, "E1001", "vpn_issue", "c", today, started=started - dt.timedelta(days=1))
    # Sam's scanner ticket is from three days before the conversation: a real repeat contact.
    assert repeat_contact(rt.store, "E1003", "hardware_issue", "c", today, started=started)


def test_external_intents_are_not_scored(rt: Runtime, domain: dict[str, Any]) -> None:
    """EXTERNAL_handed_back is the handoff service, not the employee: no tone, no timeline entry, no decision."""
    state = {"turns": 3, "escalated": True, "timeline": [["angry", 0.9]], "scored": "earlier"}
    t = tracker("EXTERNAL_handed_back", "EXTERNAL: EXTERNAL_handed_back", slots={"escalation_state": state})
    t.latest_message["intent"] = {"name": "EXTERNAL_handed_back"}
    assert run_action(ActionScoreTone(), t, domain) == ([], [])


def test_messages_while_paused_are_scored_quietly(rt: Runtime, domain: dict[str, Any]) -> None:
    """A person has the chat (Rasa paused): the tone slots update, nothing is said, no second escalation."""
    escalated = {"turns": 2, "escalated": True, "timeline": [["angry", 0.9], ["angry", 0.95]]}
    tone = {"label": "angry", "distress": 0.99, "acute": False, "cues": []}
    t = scored("payday", "still waiting!!", tone, slots={"escalation_state": escalated})
    t._paused = True
    events, messages = run_action(ActionScoreTone(), t, domain)
    assert messages == [] and slots(events)["escalation"]["reason"] == "already_escalated"
    assert slots(events)["tone_timeline"][-1] == ["angry", 0.99]


def _ask_in_turn(texts: list[str], intent: str, domain: dict[str, Any]) -> list[dict[str, Any]]:
    """Each text as the next user turn after an answer; the escalation slot of every turn."""
    tone = {"label": "neutral", "distress": 0.1, "acute": False, "cues": []}
    history: list[dict[str, Any]] = []
    state, decisions = None, []
    for text in texts:
        t = scored(intent, text, tone, slots={"escalation_state": state, "answered_intent": intent}, events=history)
        values = slots(run_action(ActionScoreTone(), t, domain)[0])
        state = values["escalation_state"]
        decisions.append(values["escalation"])
        history += [
            {"event": "user", "text": text, "parse_data": {"intent": {"name": intent, "confidence": 0.95}}},
            {"event": "action", "name": "action_answer"},
        ]
    return decisions


def test_asking_about_other_months_is_no_repeated_failure(rt: Runtime, domain: dict[str, Any]) -> None:
    """Three payslip questions in a row escalated as 'repeated failure' even when each named another month."""
    months = ["payslip for october", "payslip for september", "and august?"]
    assert [d["decision"] for d in _ask_in_turn(months, "payslip", domain)] == ["continue"] * 3
    same = ["where's my payslip", "payslip??", "i still can't find my payslip"]
    last = _ask_in_turn(same, "payslip", domain)[-1]
    assert (last["decision"], last["reason"]) == ("escalate", "repeated_failure")


def test_a_follow_up_is_marked_for_the_policy(rt: Runtime, domain: dict[str, Any]) -> None:
    tone = {"label": "neutral", "distress": 0.1, "acute": False, "cues": []}
    before = [
        {"event": "user", "text": "how many vacation days do i have", "parse_data": {}},
        {"event": "action", "name": "action_answer"},
    ]
    t = scored(
        "pto_request",
        "what about sick days?",
        tone,
        confidence=0.57,
        events=before,
        slots={"answered_intent": "pto_balance"},
    )
    values = slots(run_action(ActionScoreTone(), t, domain)[0])
    assert values["follow_up"] == "pto_balance" and values["escalation"]["evidence"]["intent"] == "pto_balance"


@pytest.mark.parametrize(
    ("text", "general"),
    [
        ("what's the bereavement leave policy?", True),
        ("how does sick pay work", True),
        ("is there a policy on harassment", True),
        ("my dad died, how many days do I get", False),
        ("what's the policy if I'm being harassed", False),
        ("my manager keeps shouting at me", False),
    ],
)
def test_a_general_question_says_nothing_about_the_writer(text: str, general: bool) -> None:
    assert general_question(text) is general
