"""Per-turn tone and escalation decision, run by Rasa after every user message (also while paused).

The ``tone`` slot's custom mapping names ``action_score_tone``, so ``action_extract_slots`` calls
this action once per user turn. It reads the tone the NLU put on the message (the tone encoder
runs in the NLU pipeline, next to the shared one for intents), updates the trend and timeline, runs
the escalation policy, and stores the decision, reason and evidence in slots. ``EXTERNAL_*``
intents (the handoff service handing the conversation back) are not the employee's words: no
score, no timeline entry, no decision. While a person has the conversation (paused) messages are
still scored, which only updates slots: Rasa predicts nothing while paused. Rasa does not deliver
messages from slot-extraction actions, so the dialogue policy ``EscalationPolicy`` acts on the
decision: ``action_escalate`` right away (with crisis resources first when there is a crisis cue),
or ``action_offer_human`` after the bot's answer for an offer.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.complaints import complaint_words
from actions.context import employee_id, intent_of, text_of
from actions.follow_up import read_latest
from actions.handoff_client import agents_available
from actions.runtime import off_loop, runtime
from bot.escalation import Context, EscalationPolicy, State, Turn, is_external, offer_shown
from bot.nlu.language import foreign_language
from bot.person_request import asks_for_person, team_named
from bot.settings import load_settings
from bot.tone.crisis import KINDS as CRISIS_KINDS

OFFER_BUTTONS = [{"title": "Yes, please", "payload": "yes please"}, {"title": "No thanks", "payload": "no thanks"}]
# Support resources by what the crisis lexicon found (bot.tone.crisis.KINDS); all of them when unknown.
CRISIS_OPENING = "I'm so sorry you're going through this, and I'm glad you told me. You don't have to face it alone."
RESOURCES = {
    "self_harm": "If you are thinking about harming yourself, please call or text 988 (Suicide & Crisis Lifeline, 24/7).",
    "abuse": (
        "If someone at home is hurting you or you don't feel safe, the National Domestic Violence Hotline is "
        "there 24/7: call 1-800-799-7233 or text START to 88788."
    ),
    "sexual_assault": (
        "If you have been sexually assaulted, RAINN's National Sexual Assault Hotline is free and confidential, "
        "24/7: 1-800-656-4673."
    ),
    "violence": "If someone has attacked or hurt you, please get somewhere safe; HR and Security will treat it as urgent.",
    "threat": (
        "If anyone is in immediate danger, call 911, and tell Security and HR about any threat at work right "
        "away. If you're having thoughts of hurting someone, you can call or text 988 to talk it through."
    ),
}
IN_DANGER = "If you or anyone else is in danger right now, call 911."
EAP = "Our Employee Assistance Program is free, confidential and open 24/7 on 1-800-555-0199."


def kinds_of(value: object) -> tuple[str, ...]:
    """The known crisis kinds in a slot or parse value; anything else (a string, a number) gives none."""
    return tuple(k for k in CRISIS_KINDS if isinstance(value, (list, tuple)) and k in value)


def crisis_resources(kinds: object) -> str:
    """A caring line, then the resources that fit what was said ("my husband hits me" gets the domestic
    violence hotline, not only a suicide line), 911 and the EAP. Unknown or missing kinds get them all."""
    known = kinds_of(kinds) or CRISIS_KINDS
    danger = [] if "threat" in known else [IN_DANGER]  # the threat line already says to call 911
    return " ".join([CRISIS_OPENING, *(RESOURCES[k] for k in known), *danger, EAP])


OFFER_TEXT = "It sounds like this has been hard. Would you like me to bring in a person from our team?"
# Offers for these reasons come only after the employee said no to a person (bot.escalation).
ASKED_AGAIN = frozenset({"acute_distress", "building_distress"})
OFFER_AGAIN_TEXT = (
    "I know you said no earlier, and that's fine. It sounds like this is really getting to you, though: "
    "shall I bring in someone from our team after all?"
)
SKILLS = {
    "payday": "payroll",
    "income": "payroll",
    "taxes": "payroll",
    "w2": "payroll",
    "payslip": "payroll",
    "direct_deposit": "payroll",
    "expense_claim": "payroll",
    "expense_status": "payroll",
    "password_reset": "it",
    "account_locked": "it",
    "vpn_issue": "it",
    "hardware_issue": "it",
    "software_access": "it",
    "ticket_status": "it",
}
POLICY = EscalationPolicy()


def skill_for(intent: str | None) -> str:
    return SKILLS.get(intent or "", "hr")


TICKET_CATEGORIES = {
    "vpn_issue": "vpn",
    "hardware_issue": "hardware",
    "software_access": "access",
    "password_reset": "password_reset",
    "account_locked": "account_locked",
}


def repeat_contact(
    store: Any, employee: str, intent: str | None, conversation: str, today: dt.date, started: dt.datetime | None = None
) -> bool:
    """Back about the same unresolved thing: a ticket for it still open from before this conversation
    (``started``), or a recent past conversation about it."""
    open_categories = {
        t.category for t in store.tickets(employee, open_only=True) if started is None or t.created_at < started
    }
    if (intent == "ticket_status" and open_categories) or TICKET_CATEGORIES.get(intent or "") in open_categories:
        return True
    recent = store.past_conversations(employee, exclude=conversation, limit=10)
    return any(c.last_intent == intent and (today - c.started_at.date()).days <= 14 for c in recent)


def conversation_start(tracker: Tracker) -> dt.datetime | None:
    """When this conversation began (its first timestamped event), in UTC like the store."""
    for event in tracker.events:
        if event.get("timestamp"):
            return dt.datetime.fromtimestamp(float(event["timestamp"]), dt.timezone.utc).replace(tzinfo=None)
    return None


def answering_form(tracker: Tracker) -> bool:
    """The message replies to a form's question (a button like "Sick leave" is not a new topic)."""
    return bool((tracker.active_loop or {}).get("name")) and tracker.get_slot("requested_slot") is not None


def latest_user_key(tracker: Tracker) -> str | None:
    """Identifies the latest user message (its timestamp and text), to score each message once."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return f"{event.get('timestamp')}:{event.get('message_id') or event.get('text')}"
    return None


_QUESTION = re.compile(
    r"\b(?:policy|policies|how many|how much|how long|how does|how do|what is|what's|whats|is there|are there|do we|"
    r"does the company|entitled)\b",
    re.IGNORECASE,
)
_PERSONAL = re.compile(r"\b(?:i|i'm|im|i've|ive|i'd|i'll|me|my|mine|myself)\b", re.IGNORECASE)


def general_question(text: str) -> bool:
    """ "what's the bereavement leave policy?", "how does sick pay work": asks how things work, and says
    nothing about the writer ("my dad died, how many days do I get" is not one)."""
    text = text.replace("\u2019", "'")
    return bool(_QUESTION.search(text)) and not _PERSONAL.search(text)


class ActionScoreTone(Action):
    def name(self) -> str:
        return "action_score_tone"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        intent = intent_of(tracker)
        if is_external(intent):
            return []  # triggered by the handoff service: there is no message of the employee to score
        message_key = latest_user_key(tracker)
        previous = tracker.get_slot("escalation_state")
        if message_key is not None and isinstance(previous, dict) and previous.get("scored") == message_key:
            return []  # Rasa extracts slots again while a form runs: this message is already scored
        tone = tracker.latest_message.get("tone") or {}
        text = text_of(tracker)
        reading = read_latest(tracker)  # "and september?" after a payslip answer is the payslip question
        intent = reading.intent
        turn = Turn(
            intent=intent,
            confidence=reading.confidence,
            tone=str(tone.get("label") or "neutral"),
            distress=float(tone.get("distress") or 0.0),
            crisis=bool(tone.get("acute")),
            cues=tuple(tone.get("cues") or ()),
            crisis_kinds=kinds_of(tone.get("crisis_kinds")),
            intensity=1.0 if tone.get("intensity") is None else float(tone["intensity"]),
            answering_form=answering_form(tracker),
            asks_for_person=asks_for_person(text),
            new_details=reading.new_details,
            complaint=complaint_words(text, intent),
            general_question=general_question(text),
        )
        rt = runtime()
        employee = employee_id(tracker)
        repeat = False
        if employee:
            repeat = await off_loop(
                repeat_contact, rt.store, employee, intent, tracker.sender_id, rt.today(), conversation_start(tracker)
            )
        available = await agents_available(load_settings().handoff_url, team_named(text) or skill_for(intent))
        outcome = POLICY.decide(
            State.from_dict(tracker.get_slot("escalation_state")),
            turn,
            Context(repeat_contact=repeat, agents_available=available),
        )
        state = outcome.state
        return [
            SlotSet("tone", turn.tone),
            SlotSet("distress", turn.distress),
            SlotSet("distress_trend", state.trend),
            SlotSet("tone_timeline", [list(x) for x in state.timeline]),
            SlotSet("escalation", outcome.as_dict()),
            SlotSet("escalation_state", {**state.as_dict(), "scored": message_key}),
            SlotSet("follow_up", intent if reading.follow_up else None),  # bot.policies answers it
            # While paused Rasa sends nothing, so the handoff service reads this slot after each turn and
            # sends the resources itself when the employee is waiting for, or talking to, a person.
            SlotSet("crisis_resources", crisis_resources(turn.crisis_kinds) if outcome.crisis else None),
            # "other" picks the "I only read English" variant of the fallback replies (domain.yml)
            SlotSet("language", "other" if foreign_language(text) else "en"),
        ]


TEAM_NAMES = {"payroll": "Payroll", "hr": "HR", "it": "IT"}


def offer_text(escalation: Any) -> str:
    """The offer, worded for why it is made: a complaint is about something to fix, not about feelings."""
    evidence = escalation.get("evidence") if isinstance(escalation, dict) else None
    if isinstance(escalation, dict) and escalation.get("reason") in ASKED_AGAIN:
        return OFFER_AGAIN_TEXT
    if isinstance(evidence, dict) and evidence.get("complaint"):
        team = TEAM_NAMES[skill_for(evidence.get("intent"))]
        return f"If something's not right there, someone from {team} can look into it with you. Shall I bring them in?"
    return OFFER_TEXT


class ActionOfferHuman(Action):
    """Offers a person once, after the bot's answer, when the distress is moderate or something went wrong."""

    def name(self) -> str:
        return "action_offer_human"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        return offer_person(dispatcher, tracker)


def offer_person(dispatcher: CollectingDispatcher, tracker: Tracker, text: str | None = None) -> list[EventType]:
    """Shows the offer and marks it shown, so the next "yes" or "no" is read as the answer."""
    dispatcher.utter_message(text=text or offer_text(tracker.get_slot("escalation")), buttons=OFFER_BUTTONS)
    # Tells the handoff service the conversation is now "offered" (the widget shows it; agents can see it).
    dispatcher.utter_message(json_message={"handoff_offer": True})
    previous = tracker.get_slot("escalation_state")
    extra = {"scored": previous.get("scored")} if isinstance(previous, dict) else {}
    return [SlotSet("escalation_state", {**offer_shown(State.from_dict(previous)).as_dict(), **extra})]
