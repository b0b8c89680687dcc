"""Sensitive topics and requests for a person: answered with care, marked for the handoff logic."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.context import SENSITIVE_INTENTS, intent_of, transcript
from actions.conversation import cancel_events
from actions.profiles import load_profile
from actions.runtime import off_loop, runtime

EAP = "Our Employee Assistance Program is free, confidential and open 24/7 on 1-800-555-0199."

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
        "medical leave or adjustments at work can be arranged confidentially with HR. " + EAP
    ),
    "job_security": (
        "That sounds worrying, and it's completely understandable to want clarity. HR can talk you through "
        "what's happening and your options in confidence. " + EAP
    ),
}
OFFER = "Would you like me to bring in someone from the People team to talk this through?"


class ActionSensitiveTopic(Action):
    """Replies with care to harassment, bereavement, health and job-security topics and marks the topic."""

    def name(self) -> str:
        return "action_sensitive_topic"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        intent = intent_of(tracker) or ""
        topic = intent if intent in SENSITIVE_INTENTS else "sensitive"
        dispatcher.utter_message(
            text=f"{CARE_REPLIES.get(topic, CARE_REPLIES['job_security'])} {OFFER}",
            buttons=[{"title": "Yes, please", "payload": "yes please"}, {"title": "Not now", "payload": "no thanks"}],
        )
        rt = runtime()
        profile = await load_profile(rt, tracker)
        if profile is not None:
            await off_loop(rt.store.record_conversation, tracker.sender_id, profile.id, intent, True)
        return [*cancel_events(tracker), SlotSet("sensitive_topic", topic)]


class ActionRequestHuman(Action):
    """Brings in a person. Until live agents are connected, that is an honest ticket carrying the transcript."""

    def name(self) -> str:
        return "action_request_human"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        rt = runtime()
        profile = await load_profile(rt, tracker)
        if profile is None:
            dispatcher.utter_message(
                text="I can't tell who you are, so I can't pass this on to a person. Please "
                "open the chat from the intranet, or email people@kindred.example."
            )
            return cancel_events(tracker)
        existing = tracker.get_slot("handoff_ticket")
        if existing:
            dispatcher.utter_message(
                text=f"Your request #{existing} is with the team already; someone will "
                "contact you within one working day."
            )
            return cancel_events(tracker)
        topic = tracker.get_slot("sensitive_topic")
        category = "people" if topic else "handoff"
        summary = f"Employee asked for a person ({topic or 'general'})"
        ticket_id = await off_loop(rt.store.open_ticket, profile.id, category, summary, transcript(tracker))
        dispatcher.utter_message(
            text=f"No one from the team is free to chat live right now, so I won't keep you waiting: I've opened "
            f"request #{ticket_id} with our conversation so far, and a person will contact you within one "
            "working day. Is there anything I can help with meanwhile?"
        )
        return [*cancel_events(tracker), SlotSet("handoff_ticket", str(ticket_id))]
