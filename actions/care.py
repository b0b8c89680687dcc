"""Bringing in a person: sensitive topics, explicit requests and tone-driven escalations.

``action_escalate`` runs when a rule (a request for a person, a sensitive topic) or the
``EscalationPolicy`` (distress, repeated failure, an accepted offer) says so. It answers with care
for the reason, stores the decision and evidence with the conversation, and either hands over to a
live agent through the handoff service or, when nobody is available, says so honestly and opens a
request carrying the transcript.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.context import intent_of, text_of, topic_intent, transcript
from actions.conversation import answer_routine_part, cancel_events
from actions.handoff_client import agents_available, send_escalation
from actions.handoff_payload import HISTORY_LIMIT, conversation_slots, history, latest_cues, profile_facts
from actions.knowledge import find_policy
from actions.profiles import load_profile
from actions.runtime import off_loop, runtime
from actions.tone import EAP, crisis_resources, offer_person, skill_for
from bot.db.store import ConversationRecord, HRStore, Profile, TicketRecord
from bot.escalation import SENSITIVE_INTENTS, State
from bot.person_request import team_named
from bot.settings import load_settings

CARE_REPLIES = {
    "report_harassment": (
        "I'm sorry this is happening; thank you for telling me. You deserve to feel safe at work, and what you "
        "share with HR is handled confidentially, with no retaliation allowed. You can also report anonymously "
        "through the ethics line (1-800-555-0142)."
    ),
    "bereavement": (
        "I'm so sorry for your loss. Please take the time you need: you have up to 5 paid days of bereavement "
        f"leave for a close family member, and your manager can agree more. {EAP}"
    ),
    "health_leave": (
        "I'm sorry you're not well. Your health comes first: you have 10 paid sick days a year, and longer "
        "medical leave or adjustments at work can be arranged confidentially with HR. If you were hurt at "
        "work, HR will also record the injury and handle any claim with you. " + EAP
    ),
    "job_security": (
        "That sounds worrying, and it's completely understandable to want clarity. HR can talk you through "
        "what's happening and your options in confidence. " + EAP
    ),
}
# "I'm pregnant" is read as health; "I'm sorry you're not well" is the wrong thing to say.
PREGNANCY = re.compile(r"\b(?:pregnan\w*|expecting a baby|expecting a child|having a baby|maternity)\b", re.IGNORECASE)
PREGNANCY_CARE = (
    "Thank you for telling me. HR can talk you through parental leave (16 weeks at full pay for birthing "
    "parents), time off for appointments and any adjustments at work, in confidence."
)
# "I'm really stressed about my workload, I'm drowning" is read as health too; sick days and injuries
# are beside the point when nothing says the employee is ill.
STRESS = re.compile(
    r"\b(?:stress\w*|overwhelm\w*|burn(?:ed|t)?[ -]?out|exhausted|drowning|workload|breaking point|fed up|"
    r"worn out|can'?t cope|too much on my plate)\b",
    re.IGNORECASE,
)
ILLNESS = re.compile(
    r"\b(?:sick|ill|unwell|flu|fever|covid|doctor|hospital|injur\w*|hurt|pain|surgery|diagnos\w*|migraine|"
    r"cancer|medication|therapy|therapist)\b",
    re.IGNORECASE,
)
STRESS_CARE = (
    "That sounds like a lot to carry, and I'm glad you said something. You don't have to sort it out alone: "
    "HR can look at your workload and what would help, in confidence. " + EAP
)
OPENERS = {
    "crisis": "",  # the resources message already opened with a caring line
    "acute_distress": "I'm really sorry; I can tell this is upsetting.",
    "building_distress": "I'm sorry this has been so frustrating.",
    "repeated_failure": "I'm clearly not getting this right for you, sorry.",
    "explicit_request": "Of course.",
    "accepted_offer": "Of course.",
}
TEAMS = {"hr": "the People team", "payroll": "Payroll", "it": "IT support"}


TOPIC_WORDS = {
    "report_harassment": "a concern about behaviour at work",
    "bereavement": "bereavement",
    "health_leave": "health",
    "job_security": "your job",
}


def ticket_summary(skill: str, topic: object, reason: str) -> str:
    """What the employee sees when listing tickets: no internal reason codes ("Escalated (crisis)" was shown),
    but a crisis stands out for the staff reading the ticket list too."""
    about = TOPIC_WORDS.get(str(topic)) if topic else None
    request = "Urgent request" if reason == "crisis" else "Request"
    return f"{request} to {TEAMS.get(skill, 'the People team')}" + (f" about {about}" if about else "")


def meanwhile(reason: str) -> str:
    """In a crisis, a working day is too long to wait: point back to the numbers sent just before."""
    return " Please use the numbers above if you need someone before then." if reason == "crisis" else ""


def past_records(
    store: HRStore, employee: str, conversation: str
) -> tuple[list[ConversationRecord], list[TicketRecord]]:
    """The employee's recent past conversations (not this one) and tickets, read-only."""
    return (
        store.past_conversations(employee, exclude=conversation, limit=HISTORY_LIMIT),
        store.tickets(employee, limit=HISTORY_LIMIT),
    )


def reason_for(tracker: Tracker) -> tuple[str, dict[str, Any]]:
    """The policy's reason for this turn, or the rule's (a request or a sensitive topic) if it had none."""
    escalation = tracker.get_slot("escalation") or {}
    if isinstance(escalation, dict) and escalation.get("decision") == "escalate":
        return str(escalation.get("reason")), dict(escalation.get("evidence") or {})
    intent = intent_of(tracker) or ""
    if intent in SENSITIVE_INTENTS:
        return "sensitive_topic", {"intent": intent, "topic": intent}
    return "explicit_request", {"intent": intent}


TALK_BUTTON = {"title": "Talk to someone in HR", "payload": "I'd like to talk to a person"}
UNSURE_TOPIC = (
    "I want to be sure I understand, as this sounds like it matters. Could you tell me a bit more? If it's "
    "something personal, I can bring in someone from HR, in confidence."
)
UNSURE_OFFER = (
    "It sounds like something's weighing on you. Would you like me to bring in someone from HR to talk it "
    "through, in confidence?"
)
QUESTION_OFFER = (
    "If you'd like to talk anything through, someone from HR can help, in confidence. Shall I bring them in?"
)


def unsure_topic(tracker: Tracker) -> tuple[str, str] | None:
    """The policy's (decision, reason) when the rules sent a sensitive topic here although the policy did
    not escalate.

    The rules take every ``report_harassment``/``bereavement``/``health_leave``/``job_security`` message here;
    the policy escalates a topic only when the NLU is sure of it. "I'm pregnant and not sure how to tell my
    manager" read as harassment at 0.45 got the harassment reply and a request for HR."""
    escalation = tracker.get_slot("escalation")
    if not isinstance(escalation, dict) or intent_of(tracker) not in SENSITIVE_INTENTS:
        return None
    decision, reason = escalation.get("decision"), str(escalation.get("reason"))
    if reason == "already_escalated" or decision not in ("continue", "offer"):
        return None  # escalating, or with people or a request already: this is added to it as before
    return str(decision), reason


class ActionEscalate(Action):
    def name(self) -> str:
        return "action_escalate"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        unsure = unsure_topic(tracker)
        if unsure == ("offer", "sensitive_question"):
            policy = find_policy(text_of(tracker))  # "what's the bereavement leave policy?": the answer first
            dispatcher.utter_message(text=f"{policy[0]}: {policy[1]}" if policy else "HR can explain how that works.")
            return offer_person(dispatcher, tracker, QUESTION_OFFER)
        if unsure is not None and unsure[0] == "offer":
            return offer_person(dispatcher, tracker, UNSURE_OFFER)
        if unsure is not None:
            dispatcher.utter_message(text=UNSURE_TOPIC, buttons=[TALK_BUTTON])
            return []
        rt = runtime()
        reason, evidence = reason_for(tracker)
        topic = evidence.get("topic") if reason == "sensitive_topic" else tracker.get_slot("sensitive_topic")
        state = State.from_dict(tracker.get_slot("escalation_state"))
        events: list[EventType] = [
            *cancel_events(tracker),
            SlotSet("escalation_state", {**state.as_dict(), "escalated": True}),
        ]
        if topic:
            events.append(SlotSet("sensitive_topic", topic))
        opener = CARE_REPLIES.get(str(topic), "") if reason == "sensitive_topic" else OPENERS.get(reason, "")
        if topic == "health_leave" and PREGNANCY.search(text_of(tracker)):
            opener = PREGNANCY_CARE
        elif topic == "health_leave" and STRESS.search(text_of(tracker)) and not ILLNESS.search(text_of(tracker)):
            opener = STRESS_CARE
        elif reason == "acute_distress" and evidence.get("tone") in ("anxious", "sad"):
            opener = f"{opener} {EAP}"  # a panic attack or despair: someone to talk to right now, too
        escalation = tracker.get_slot("escalation") or {}
        crisis = isinstance(escalation, dict) and bool(escalation.get("crisis"))
        if crisis:
            dispatcher.utter_message(text=crisis_resources(evidence.get("crisis_kinds")))  # first, whatever happens
        profile = await load_profile(rt, tracker)
        if profile is None:
            dispatcher.utter_message(
                text=f"{opener} I can't tell who you are, so I can't pass this on. Please open "
                "the chat from the intranet, or email people@kindred.example.".strip()
            )
            return events
        handed_over = await hand_over(dispatcher, tracker, profile, Handover(reason, evidence, topic, opener), events)
        if not crisis:  # "... how many vacation days do I have left?" in the same message is not forgotten
            await answer_routine_part(dispatcher, tracker, profile, reason == "explicit_request")
        return handed_over


@dataclass(frozen=True)
class Handover:
    """Why this turn goes to people, and the caring words that open the reply."""

    reason: str
    evidence: dict[str, Any]
    topic: Any
    opener: str


async def hand_over(
    dispatcher: CollectingDispatcher, tracker: Tracker, profile: Profile, e: Handover, events: list[EventType]
) -> list[EventType]:
    """To a live person when one is free, else a request (ticket) with the transcript, said honestly."""
    rt = runtime()
    reason, evidence, topic, opener = e.reason, e.evidence, e.topic, e.opener
    # Every escalation is recorded and offered to live agents, also after an earlier request (a crisis
    # after a ticket must still reach a person now); only the fallback differs.
    await off_loop(rt.store.record_escalation, tracker.sender_id, profile.id, reason, evidence)
    # A sensitive topic goes to HR; otherwise the team asked for ("someone from payroll"), or the topic's.
    skill = "hr" if topic else (team_named(text_of(tracker)) or skill_for(topic_intent(tracker)))
    settings = load_settings()
    handoff_url = settings.handoff_url
    if await agents_available(handoff_url, skill):
        conversations, tickets = await off_loop(past_records, rt.store, profile.id, tracker.sender_id)
        payload = {
            "conversation_id": tracker.sender_id,
            "employee_id": profile.id,
            "reason": reason,
            "evidence": evidence,
            "skill": skill,
            "tone_timeline": tracker.get_slot("tone_timeline") or [],
            "tone": tracker.get_slot("tone") or "neutral",
            # An accepted offer's "yes please" is calm: the distress that led here is the trend's.
            "distress": max(
                float(tracker.get_slot("distress") or 0.0), float(tracker.get_slot("distress_trend") or 0.0)
            ),
            "cues": latest_cues(tracker),
            "slots": conversation_slots({**tracker.slots, "sensitive_topic": topic}),
            "profile": profile_facts(profile, rt.today()),
            "past_conversations": history(conversations, tickets, skill),
        }
        if await send_escalation(handoff_url, payload, settings.handoff_service_token):
            dispatcher.utter_message(
                text=f"{opener} I'm bringing in someone from {TEAMS[skill]}; they'll join this "
                "chat shortly and can see our conversation so far.".strip()
            )
            return [*events, SlotSet("handoff_requested", True), SlotSet("handoff_skill", skill)]
    existing = tracker.get_slot("handoff_ticket")
    if existing:
        added = await off_loop(
            rt.store.add_to_ticket, profile.id, int(existing), f"[{reason}] {transcript(tracker, 6)}"
        )
        also = " and I've added this to it" if added else ""
        dispatcher.utter_message(
            text=f"{opener} Your request #{existing} is with the team already{also}; someone will contact you "
            f"within one working day.{meanwhile(reason)}".strip()
        )
        return events
    summary = ticket_summary(skill, topic, reason)
    ticket_id = await off_loop(
        rt.store.open_ticket, profile.id, "people" if topic else "handoff", summary, transcript(tracker)
    )
    dispatcher.utter_message(
        text=f"{opener} No one from {TEAMS[skill]} is free to chat live right now, so I won't keep you waiting: "
        f"I've opened request #{ticket_id} with our conversation so far, and a person will contact you "
        f"within one working day.{meanwhile(reason)}".strip()
    )
    # Best effort: the handoff service records it, so the dashboard doesn't count it as contained.
    ticketed = {"conversation_id": tracker.sender_id, "employee_id": profile.id, "reason": reason}
    ticketed |= {"evidence": evidence, "skill": skill, "ticket": str(ticket_id)}
    await send_escalation(handoff_url, ticketed, settings.handoff_service_token)
    return [*events, SlotSet("handoff_ticket", str(ticket_id))]
