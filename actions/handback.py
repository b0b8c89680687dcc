"""Back from a person: the handoff service resumes the conversation and triggers ``EXTERNAL_handed_back``.

Before the trigger it sets the ``handback`` slot to ``{agent_name, summary, reason}`` with ``reason``
one of ``agent`` (a person helped and handed back), ``cancelled`` (the employee stopped waiting) or
``unavailable`` (nobody could take it). ``action_handed_back`` welcomes the employee back, says
what happened, and starts the escalation bookkeeping afresh (``bot.escalation.handed_back``) so the
bot neither escalates again at once nor offers a person a second time.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.care import TEAMS
from actions.profiles import load_profile
from actions.runtime import runtime
from bot.escalation import State, handed_back

REASONS = ("agent", "cancelled", "unavailable")


def parse_handback(value: Any) -> tuple[str | None, str, str]:
    """(agent name, summary, reason) from the slot; anything malformed reads as a plain hand-back."""
    data = value if isinstance(value, dict) else {}
    agent = str(data.get("agent_name") or "").strip() or None
    summary = str(data.get("summary") or "").strip()
    reason = data.get("reason") if data.get("reason") in REASONS else "agent"
    return agent, summary, str(reason)


def handback_text(
    first_name: str | None, agent: str | None, summary: str, reason: str, team: str, ticket: str | None
) -> str:
    hello = f"Welcome back, {first_name}." if first_name else "Welcome back."
    if reason == "cancelled":
        still = (
            f"Your request #{ticket} stays open with {team}"
            if ticket
            else f"What you asked {team} about stays on record"
        )
        body = f"You're back with me, the assistant. {still}, and you can ask for a person again any time."
    elif reason == "unavailable":
        follow = (
            f"Your request #{ticket} is with them, and a person will contact you within one working day."
            if ticket
            else "You can ask for a person again any time."
        )
        body = f"I'm sorry: nobody from {team} could take this just now. {follow}"
    else:
        who = f"{agent} from {team}" if agent else f"Someone from {team}"
        body = f"Thanks for your patience: {who} has handed you back to me."
        if summary:
            body += f" Summary: {summary.rstrip('.')}."
    return f"{hello} {body} What else can I help you with?"


class ActionHandedBack(Action):
    def name(self) -> str:
        return "action_handed_back"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        agent, summary, reason = parse_handback(tracker.get_slot("handback"))
        first_name = tracker.get_slot("employee_first_name")
        if not first_name:
            profile = await load_profile(runtime(), tracker)
            first_name = profile.first_name if profile else None
        team = TEAMS.get(str(tracker.get_slot("handoff_skill")), "our team")
        ticket = tracker.get_slot("handoff_ticket")
        dispatcher.utter_message(text=handback_text(first_name, agent, summary, reason, team, ticket))
        previous = tracker.get_slot("escalation_state")
        extra = {"scored": previous.get("scored")} if isinstance(previous, dict) else {}
        return [
            SlotSet("escalation_state", {**handed_back(State.from_dict(previous)).as_dict(), **extra}),
            SlotSet("escalation", None),
            SlotSet("handoff_requested", False),
            SlotSet("handoff_skill", None),
            SlotSet("handback", None),
        ]
