"""When a person should take over: the escalation policy, a pure function of the conversation so far.

No I/O and no clock: :meth:`EscalationPolicy.decide` takes the state carried in the conversation,
the new turn and what the outside world says (repeat contact, agent availability) and returns a
decision with a reason code, the evidence behind it, and the next state.

Decisions, in order of precedence:

==========  =================  ===========================================================
decision    reason             when
==========  =================  ===========================================================
escalate    crisis             a crisis cue (self-harm, abuse, assault, threats); fitting resources go out first
escalate    explicit_request   the employee asks for a person (the intent, or the wording anywhere in a
                               message about something else: ``bot.person_request``)
escalate    accepted_offer     the employee says yes to an offered person
escalate    sensitive_topic    harassment, bereavement, health, job security
offer       sensitive_question a calm, impersonal question about one ("what's the bereavement leave policy?"):
                               answered, then a person offered (``Turn.general_question``)
escalate    acute_distress     distress >= ``acute`` on this turn, with an angry, anxious or sad tone
                               and strong wording (intensity >= ``acute_intensity``); after the
                               employee said no to a person, an offer instead (once more, as below)
escalate    building_distress  the decaying distress trend >= ``trend`` after ``min_turns`` turns
escalate    repeated_failure   ``failures`` fallbacks in a row, or the same request ``repeats``+1 times
offer       moderate_distress  distress >= ``moderate`` (or trend >= ``moderate_trend``), offered once;
                               a "no thanks" is respected: no second offer unless things get worse.
                               The offer counts once it is shown (``offer_shown``)
offer       complaint          something the company got wrong ("my payslip is wrong again", a rejected
                               claim: ``actions.complaints``): answered, then a person offered once
offer       building_distress  the trend crosses ``trend`` after the employee said no to a person:
                               asked once more instead of bringing someone in (or opening a
                               request) unasked; a second "no" is final
continue    routine / ...      otherwise
==========  =================  ===========================================================

Short conversational turns ("no", "yes", "hi", "thanks") are scored but neither move the trend nor
trigger an offer: a curt "no, cancel that" is an answer, not distress (a crisis cue still counts).
A sad or anxious one at ``moderate`` or more is how the employee feels, and counts like any other
turn: "no I'm not ok 😭", "i just can't anymore, bye".

Personalisation: a repeat contact (an open ticket or a recent conversation about the same thing)
lowers every distress threshold by ``repeat_contact_discount`` and needs one failure fewer.

After a person hands the conversation back (``handed_back``) the counts start again: no trend, no
failures, not escalated, so only new evidence escalates again; no second offer is made, and the
state keeps the note ``human_helped``. Intents named ``EXTERNAL_*`` are not turns of the employee
(the handoff service triggers them) and are never scored (``is_external``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from enum import Enum
from typing import Any

SENSITIVE_INTENTS = frozenset({"report_harassment", "bereavement", "health_leave", "job_security"})
FAILURE_INTENTS = frozenset({"nlu_fallback", "out_of_scope"})
NON_REQUEST_INTENTS = frozenset({"greet", "goodbye", "thank_you", "affirm", "deny", "bot_challenge", "help"})
# Frustration builds up (the trend) rather than being acute on its own.
ACUTE_TONES = frozenset({"angry", "anxious", "sad"})
# Curtness reads as frustrated or angry; a "no" or "bye" that is sad or anxious says how someone feels.
FEELING_TONES = frozenset({"anxious", "sad"})
EXTERNAL_PREFIX = "EXTERNAL_"  # intents triggered over the HTTP API (e.g. EXTERNAL_handed_back), never typed


def is_external(intent: str | None) -> bool:
    """An intent the handoff service triggered, not something the employee said."""
    return bool(intent) and str(intent).startswith(EXTERNAL_PREFIX)


class Decision(str, Enum):
    CONTINUE = "continue"
    OFFER = "offer"
    ESCALATE = "escalate"


@dataclass(frozen=True)
class Thresholds:
    acute: float = 0.94
    # The tone model is sure of "upset" for "a bit stressed" too: acute also needs strong wording
    # (lexicon negativity, intensifiers, shouting, "!!"; see ``Cues.intensity``).
    acute_intensity: float = 0.6
    moderate: float = 0.65
    trend: float = 0.6
    moderate_trend: float = 0.45
    min_turns: int = 3
    decay: float = 0.6  # weight of the past in the trend
    failures: int = 3
    repeats: int = 2
    intent_confidence: float = 0.5
    # In the middle of a form, a distressed message about a sensitive topic counts even when the NLU is
    # less sure ("my manager keeps shouting at me" while asked for a date: no offer can be shown there);
    # a calm form answer like the "Sick leave" button does not.
    distressed_topic_confidence: float = 0.35
    repeat_contact_discount: float = 0.1


@dataclass(frozen=True)
class Turn:
    """One user message as the NLU saw it."""

    intent: str | None
    confidence: float
    tone: str = "neutral"
    distress: float = 0.0
    crisis: bool = False
    cues: tuple[str, ...] = ()
    crisis_kinds: tuple[str, ...] = ()  # from bot.tone.crisis.KINDS: which support resources fit
    intensity: float = 1.0  # strength of the wording, 0..1; unknown counts as strong (distress alone decides)
    answering_form: bool = False  # a reply to a form's question: "travel" or "Sick leave" is no failure or topic
    asks_for_person: bool = False  # the wording asks for a person whatever the intent (bot.person_request)
    new_details: bool = False  # the same question about something else ("... for september" after october)
    complaint: tuple[str, ...] = ()  # the words of a complaint about pay, expenses or leave (actions.complaints)
    general_question: bool = False  # asks how something works, about no one in particular (no I, me, my)


@dataclass(frozen=True)
class Context:
    repeat_contact: bool = False
    agents_available: bool = False


@dataclass(frozen=True)
class State:
    """What the policy remembers between turns (kept in a slot)."""

    turns: int = 0
    trend: float = 0.0
    failures: int = 0
    repeats: int = 0
    last_intent: str | None = None
    offered: bool = False
    declined: bool = False
    offered_again: bool = False  # offered once more after a "no", because the distress kept building
    offer_pending: bool = False
    escalated: bool = False
    human_helped: bool = False  # a person has had this conversation and handed it back
    timeline: tuple[tuple[str, float], ...] = field(default_factory=tuple)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["timeline"] = [list(x) for x in self.timeline]
        return data

    @classmethod
    def from_dict(cls, data: Any) -> State:
        """Tolerant of missing or malformed slot values: anything unusable starts fresh."""
        if not isinstance(data, dict):
            return cls()
        try:
            timeline = tuple((str(t), float(d)) for t, d in data.get("timeline") or [])
            return cls(
                turns=int(data.get("turns", 0)),
                trend=float(data.get("trend", 0.0)),
                failures=int(data.get("failures", 0)),
                repeats=int(data.get("repeats", 0)),
                last_intent=data.get("last_intent"),
                offered=bool(data.get("offered")),
                declined=bool(data.get("declined")),
                offered_again=bool(data.get("offered_again")),
                offer_pending=bool(data.get("offer_pending")),
                escalated=bool(data.get("escalated")),
                human_helped=bool(data.get("human_helped")),
                timeline=timeline,
            )
        except (TypeError, ValueError):
            return cls()


@dataclass(frozen=True)
class Outcome:
    decision: Decision
    reason: str
    evidence: dict[str, Any]
    state: State
    crisis: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "decision": self.decision.value,
            "reason": self.reason,
            "evidence": self.evidence,
            "crisis": self.crisis,
        }


TIMELINE_LENGTH = 30


def offer_shown(state: State) -> State:
    """The employee has actually seen the offer: offer no more, and read the next yes/no as the answer."""
    return replace(state, offered=True, offer_pending=True, offered_again=state.offered_again or state.declined)


def handed_back(state: State) -> State:
    """A person has handed the conversation back: start counting afresh, remember that someone helped.

    The timeline is history and stays; the trend, failures and repeats start from zero, the
    conversation is no longer escalated (new evidence can escalate it again), and no second offer is
    made (the employee can still ask for a person).
    """
    return State(offered=True, human_helped=True, timeline=state.timeline)


class EscalationPolicy:
    def __init__(self, thresholds: Thresholds | None = None) -> None:
        self.t = thresholds or Thresholds()

    def decide(self, state: State, turn: Turn, context: Context) -> Outcome:
        t = self.t
        discount = t.repeat_contact_discount if context.repeat_contact else 0.0
        confident = turn.confidence >= t.intent_confidence
        failed = not turn.answering_form and (turn.intent in FAILURE_INTENTS or turn.intent is None)
        repeated = not (turn.answering_form or turn.new_details) and (
            confident and turn.intent == state.last_intent and turn.intent not in NON_REQUEST_INTENTS and not failed
        )
        feeling = turn.tone in FEELING_TONES and turn.distress >= t.moderate - discount
        conversational = turn.intent in NON_REQUEST_INTENTS and not feeling
        trend = state.trend if conversational else round(t.decay * state.trend + (1 - t.decay) * turn.distress, 4)
        new = replace(
            state,
            turns=state.turns + 1,
            trend=trend,
            failures=state.failures + 1 if failed else 0,
            repeats=state.repeats + 1 if repeated else 0,
            last_intent=turn.intent,
            offer_pending=False,
            timeline=(*state.timeline, (turn.tone, round(turn.distress, 4)))[-TIMELINE_LENGTH:],
        )
        evidence: dict[str, Any] = {
            "intent": turn.intent,
            "confidence": round(turn.confidence, 4),
            "tone": turn.tone,
            "distress": round(turn.distress, 4),
            "trend": trend,
            "turns": new.turns,
            "failures": new.failures,
            "repeats": new.repeats,
            "cues": list(turn.cues),
            "repeat_contact": context.repeat_contact,
            "agents_available": context.agents_available,
            "human_helped": state.human_helped,
            **({"complaint": list(turn.complaint)} if turn.complaint else {}),
        }

        def escalate(reason: str, **extra: Any) -> Outcome:
            return Outcome(
                Decision.ESCALATE, reason, {**evidence, **extra}, replace(new, escalated=True), crisis=turn.crisis
            )

        if turn.crisis:
            return escalate("crisis", crisis_kinds=list(turn.crisis_kinds))
        if state.escalated:
            return Outcome(Decision.CONTINUE, "already_escalated", evidence, new)
        asked = turn.asks_for_person and turn.intent not in SENSITIVE_INTENTS  # those keep their topic and care
        if (turn.intent == "request_human" and confident) or asked:
            return escalate("explicit_request")
        if state.offer_pending and turn.intent == "affirm":
            return escalate("accepted_offer")
        if state.offer_pending and turn.intent == "deny":
            return Outcome(Decision.CONTINUE, "offer_declined", evidence, replace(new, declined=True))
        distressed_answer = (
            turn.answering_form
            and turn.distress >= t.moderate - discount
            and turn.confidence >= t.distressed_topic_confidence
        )
        sensitive = turn.intent in SENSITIVE_INTENTS and ((confident and not turn.answering_form) or distressed_answer)
        if sensitive and turn.general_question and turn.distress < t.moderate - discount:
            return Outcome(Decision.OFFER, "sensitive_question", {**evidence, "topic": turn.intent}, new)
        if sensitive:
            return escalate("sensitive_topic", topic=turn.intent)
        acute = turn.distress >= t.acute - discount and turn.tone in ACUTE_TONES and turn.intensity >= t.acute_intensity
        if acute and state.declined and not turn.answering_form:  # venting after a "no thanks": ask, don't act
            if not state.offered_again:
                return Outcome(Decision.OFFER, "acute_distress", evidence, new)
        elif acute:
            return escalate("acute_distress", threshold=round(t.acute - discount, 4), intensity=turn.intensity)
        building = new.turns >= t.min_turns and trend >= t.trend - discount
        trend_bar = round(t.trend - discount, 4)  # as the evidence shows it
        if building and not state.declined:
            return escalate("building_distress", threshold=trend_bar)
        needed_failures = t.failures - (1 if context.repeat_contact else 0)
        if new.failures >= needed_failures or new.repeats >= t.repeats:
            return escalate("repeated_failure")
        if building and turn.answering_form:  # no offer can be shown inside a form: escalate as before
            return escalate("building_distress", threshold=trend_bar)
        if building and not state.offered_again:  # they said no to a person: ask again, don't act unasked
            return Outcome(Decision.OFFER, "building_distress", evidence, new)
        moderate = not conversational and (
            turn.distress >= t.moderate - discount or (new.turns >= 2 and trend >= t.moderate_trend - discount)
        )
        if moderate:
            if state.offered or state.declined:
                return Outcome(
                    Decision.CONTINUE, "offer_declined" if state.declined else "already_offered", evidence, new
                )
            return Outcome(Decision.OFFER, "moderate_distress", evidence, new)  # marked by offer_shown()
        if turn.complaint and not turn.answering_form and not (state.offered or state.declined):
            return Outcome(Decision.OFFER, "complaint", evidence, new)
        return Outcome(Decision.CONTINUE, "routine", evidence, new)
