"""EscalationPolicy: a Rasa dialogue policy that hands the turn to ``action_escalate``.

``action_score_tone`` runs the escalation policy on every user turn and stores the decision in the
``escalation`` slot. Rules cannot see that decision coming, so this policy, ranked above the
RulePolicy, acts on it:

- ``escalate``: ``action_escalate`` right after the user message, instead of the routine answer;
- ``offer``: the routine answer first, then ``action_offer_human`` once, then listen.

It also answers follow-ups ("and september?" after a payslip answer), which ``action_score_tone``
recognises from the conversation and marks in the ``follow_up`` slot: the NLU reads such a message
on its own (as out of scope, or "what about sick days?" as a leave booking), so no rule fits it.

It learns nothing; its train step only satisfies Rasa's graph. Nothing is predicted while the
conversation is paused (a person has it), nor for an ``EXTERNAL_*`` intent: the handoff service
triggers those, and a decision left over from a message sent while paused must not fire then.
"""

from __future__ import annotations

from typing import Any

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from bot.escalation import is_external

ESCALATE_ACTION = "action_escalate"
OFFER_ACTION = "action_offer_human"
ANSWER_ACTION = "action_answer"
ANSWERING_ACTIONS = frozenset({ANSWER_ACTION, "action_greet"})


def _decision(tracker: DialogueStateTracker) -> str | None:
    value = tracker.get_slot("escalation")
    return value.get("decision") if isinstance(value, dict) else None


def _intent(tracker: DialogueStateTracker) -> str | None:
    message = tracker.latest_message
    return message.intent.get("name") if message is not None else None


def _follow_up(tracker: DialogueStateTracker) -> bool:
    value = tracker.get_slot("follow_up")
    return isinstance(value, str) and bool(value) and not tracker.active_loop_name


def _actions_this_turn(tracker: DialogueStateTracker) -> list[str]:
    names: list[str] = []
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            break
        if isinstance(event, ActionExecuted) and event.action_name:
            names.append(event.action_name)
    return names


def answered(action: str | None) -> bool:
    """Actions that end the bot's reply to a turn (after which an offer can follow)."""
    return bool(action) and (
        action.startswith("utter_") or action in ANSWERING_ACTIONS or action.startswith("action_submit_")
    )


def next_action(tracker: DialogueStateTracker) -> str | None:
    """What the escalation decision asks for at this point of the turn, if anything."""
    if tracker.is_paused() or is_external(_intent(tracker)):
        return None
    decision, latest = _decision(tracker), tracker.latest_action_name
    if latest in (ESCALATE_ACTION, OFFER_ACTION):
        return ACTION_LISTEN_NAME  # the person has been brought in or offered: nothing else this turn
    if decision == "escalate" and latest == ACTION_LISTEN_NAME:
        return ESCALATE_ACTION
    if _follow_up(tracker) and latest == ACTION_LISTEN_NAME:
        return ANSWER_ACTION
    if (
        decision == "offer"
        and answered(latest)
        and not tracker.active_loop_name
        and OFFER_ACTION not in _actions_this_turn(tracker)
    ):
        return OFFER_ACTION  # the bot has answered: now offer a person, once
    if _follow_up(tracker) and latest == ANSWER_ACTION:
        return ACTION_LISTEN_NAME
    return None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class EscalationPolicy(Policy):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"priority": 7}

    def train(self, training_trackers: list[TrackerWithCachedStates], domain: Domain, **kwargs: Any) -> Resource:
        return self._resource

    def predict_action_probabilities(
        self, tracker: DialogueStateTracker, domain: Domain, rule_only_data: dict[str, Any] | None = None, **kwargs: Any
    ) -> PolicyPrediction:
        probabilities = self._default_predictions(domain)
        action = next_action(tracker)
        if action is not None and action in domain.action_names_or_texts:
            probabilities[domain.index_for_action(action)] = 1.0
        # Rasa lets a running form's "happy path" prediction overrule every other policy unless the other
        # prediction is also marked this way: an escalation must interrupt a form, so it is.
        return self._prediction(probabilities, is_no_user_prediction=action == ESCALATE_ACTION)
