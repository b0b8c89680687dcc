"""EscalationPolicy (the Rasa side): when it predicts action_escalate, action_offer_human or listen."""

from __future__ import annotations

from typing import Any

from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.policies import ESCALATE_ACTION, OFFER_ACTION, next_action


def tracker_with(decision: str | None, *after_user: str, paused: bool = False) -> DialogueStateTracker:
    events: list[Any] = [ActionExecuted("action_listen"), UserUttered("hi", {"name": "payday", "confidence": 1.0})]
    if decision:
        events.append(SlotSet("escalation", {"decision": decision, "reason": "x", "evidence": {}}))
    events += [ActionExecuted(name) for name in after_user]
    t = DialogueStateTracker.from_events("s", events)
    if paused:
        t._paused = True
    return t


def test_escalate_takes_the_turn_right_after_the_message() -> None:
    assert next_action(tracker_with("escalate")) == ESCALATE_ACTION  # listen, then the user message
    assert next_action(tracker_with("escalate", ESCALATE_ACTION)) == "action_listen"  # and nothing else


def test_offer_comes_after_the_answer_once() -> None:
    assert next_action(tracker_with("offer")) is None
    assert next_action(tracker_with("offer", "action_answer")) == OFFER_ACTION
    assert next_action(tracker_with("offer", "action_answer", OFFER_ACTION)) == "action_listen"
    assert next_action(tracker_with("offer", "action_cancel_form")) is None  # not between two parts of a reply
    assert next_action(tracker_with("offer", "action_cancel_form", "utter_form_cancelled")) == OFFER_ACTION


def test_nothing_while_paused_or_routine() -> None:
    assert next_action(tracker_with("escalate", paused=True)) is None
    assert next_action(tracker_with("continue", "action_answer")) is None
    assert next_action(tracker_with(None)) is None


def test_nothing_for_the_hand_back_trigger() -> None:
    """A decision left from a message sent while paused doesn't fire when the handoff service hands back."""
    events: list[Any] = [
        ActionExecuted("action_listen"),
        UserUttered("help!", {"name": "out_of_scope", "confidence": 1.0}),
        SlotSet("escalation", {"decision": "escalate", "reason": "crisis", "evidence": {}}),
        ActionExecuted("action_listen"),
        UserUttered.create_external("EXTERNAL_handed_back"),
    ]
    t = DialogueStateTracker.from_events("s", events)
    assert next_action(t) is None
    t.update(ActionExecuted("action_handed_back"))
    assert next_action(t) is None


def test_a_follow_up_is_answered_then_the_bot_listens() -> None:
    """ "and september?" marked as a follow-up by action_score_tone: answered, whatever the NLU said."""
    events: list[Any] = [
        ActionExecuted("action_listen"),
        UserUttered("and september?", {"name": "out_of_scope", "confidence": 0.33}),
        SlotSet("follow_up", "payslip"),
        SlotSet("escalation", {"decision": "continue", "reason": None, "evidence": {}}),
    ]
    t = DialogueStateTracker.from_events("s", events)
    assert next_action(t) == "action_answer"
    t.update(ActionExecuted("action_answer"))
    assert next_action(t) == "action_listen"
    escalating = DialogueStateTracker.from_events(
        "s", [*events, SlotSet("escalation", {"decision": "escalate", "reason": "crisis", "evidence": {}})]
    )
    assert next_action(escalating) == ESCALATE_ACTION  # an escalation still wins the turn
    offering = DialogueStateTracker.from_events(
        "s", [*events, SlotSet("escalation", {"decision": "offer", "reason": "x", "evidence": {}})]
    )
    offering.update(ActionExecuted("action_answer"))
    assert next_action(offering) == OFFER_ACTION  # and an offer still follows the answer
    plain = DialogueStateTracker.from_events("s", [*events, SlotSet("follow_up", None)])
    assert next_action(plain) is None
