"""Session start, greeting, routine answers and form cancellation."""

from __future__ import annotations

from typing import Any, Callable

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, ActiveLoop, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import ANSWERS, Ask, Reply, relative_day, tickets_opened_here
from actions.context import confidence_of, intent_of, own_text, text_of
from actions.profiles import NEW_HIRE_DAYS, NO_PROFILE, load_profile
from actions.runtime import off_loop, runtime
from bot.db.store import Profile

FORM_SLOTS = {
    "pto_form": ["leave_type", "leave_start", "leave_end", "leave_confirmed"],
    "meeting_form": ["meeting_attendee", "meeting_time"],
    "expense_form": ["expense_category", "expense_amount", "expense_description", "expense_confirmed"],
    "identity_form": ["identity_code", "it_request"],
}


def send(dispatcher: CollectingDispatcher, reply: Reply, style: Any) -> None:
    buttons = [{"title": t, "payload": p} for t, p in reply.buttons]
    dispatcher.utter_message(text=reply.render(style if isinstance(style, str) else None), buttons=buttons or None)


class ActionSessionStart(Action):
    """Binds the new session to the employee the channel named and loads their preferences."""

    def name(self) -> str:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        events: list[EventType] = [SessionStarted()]
        metadata = tracker.get_slot("session_started_metadata")
        if metadata:
            events.append(SlotSet("session_started_metadata", metadata))
        profile = await load_profile(runtime(), tracker)
        if profile is not None:
            events += [
                SlotSet("employee_id", profile.id),
                SlotSet("employee_first_name", profile.first_name),
                SlotSet("answer_style", profile.answer_style),
            ]
        events.append(ActionExecuted("action_listen"))
        return events


class ActionGreet(Action):
    """Greets by name and brings up what is pending: onboarding for new hires, open tickets, leave."""

    def name(self) -> str:
        return "action_greet"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        rt = runtime()
        profile = await load_profile(rt, tracker)
        if profile is None:
            dispatcher.utter_message(
                text="Hi! I'm Kindred Desk. I can help with leave, pay, benefits, IT and HR "
                "questions. What do you need?"
            )
            return []
        today = rt.today()
        lines = [f"Hi {profile.first_name}! What can I help you with today?"]
        if profile.tenure_days(today) <= NEW_HIRE_DAYS:
            lines.append("Since you joined recently, I can also walk you through your onboarding checklist.")
            buttons = [{"title": "Onboarding checklist", "payload": "what do I need to do as a new starter"}]
        else:
            buttons = []
        open_tickets = await off_loop(rt.store.tickets, profile.id, True)
        if open_tickets:
            t = open_tickets[0]
            lines.append(
                f"By the way, your ticket opened {relative_day(t.created_at, today)} (#{t.id}, {t.summary}) is "
                f"still {t.status.replace('_', ' ')}."
            )
        dispatcher.utter_message(text=" ".join(lines), buttons=buttons or None)
        return []


class ActionAnswer(Action):
    """Answers a routine question from the employee's records (see :mod:`actions.answers`)."""

    def name(self) -> str:
        return "action_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        intent = tracker.get_slot("follow_up") or intent_of(tracker)  # set by action_score_tone this turn
        answer = ANSWERS.get(intent or "")
        if answer is None:
            dispatcher.utter_message(response="utter_default")
            return []
        rt = runtime()
        profile = await load_profile(rt, tracker)
        if profile is None:
            dispatcher.utter_message(text=NO_PROFILE)
            return []
        await send_answer(dispatcher, tracker, profile, answer, text_of(tracker))
        await answer_other_question(dispatcher, tracker, profile, intent)
        await off_loop(rt.store.record_conversation, tracker.sender_id, profile.id, intent, False)
        return [SlotSet("answered_intent", intent)]  # what a follow-up ("and september?") refers to


# "My screen is cracked. Can you open a ticket?": the fault and the ticket question are one request.
ONE_IT_MATTER = frozenset({"vpn_issue", "hardware_issue", "software_access", "ticket_status"})


def opened_in(tracker: Tracker) -> tuple[int, ...]:
    """The tickets this conversation opened, newest first."""
    return tickets_opened_here([e.get("text") or "" for e in tracker.events if e.get("event") == "bot"])


async def send_answer(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    profile: Profile,
    answer: Callable[[Ask], Reply],
    text: str,
    lead: str = "",
) -> None:
    """Answer ``text`` from the records (off the event loop) in the employee's preferred length."""
    rt = runtime()
    reply = await off_loop(answer, Ask(rt.store, profile, rt.today(), text, tracker.sender_id, opened_in(tracker)))
    style = tracker.get_slot("answer_style") or profile.answer_style
    send(dispatcher, Reply(lead + reply.brief, reply.detail, reply.buttons), style)


async def answer_other_question(
    dispatcher: CollectingDispatcher, tracker: Tracker, profile: Profile, answered: str | None, lead: str = ""
) -> bool:
    """The routine second question of the message ("... and when is payday?", or a question inside a
    longer story; see bot.nlu.clauses), when it is not the one ``answered`` already."""
    also = tracker.latest_message.get("also") or {}
    intent = str(also.get("intent") or "")
    second = ANSWERS.get(intent)
    if second is None or intent == answered or {intent, answered} <= ONE_IT_MATTER:
        return False
    await send_answer(dispatcher, tracker, profile, second, str(also.get("text") or ""), lead)
    return True


QUESTION_LEAD, OTHER_QUESTION_LEAD = "As for your question: ", "As for your other question: "


SURE_OF_THE_QUESTION = 0.7  # the message's own intent is answered on escalation only when the NLU is this sure


async def answer_routine_part(
    dispatcher: CollectingDispatcher, tracker: Tracker, profile: Profile, asked_for_person: bool
) -> None:
    """When a message goes to a person, its routine question still gets its answer: its second question,
    or, when the person was asked for in the words of a routine question ("how many vacation days have I
    got left? also I'd like to talk to someone in HR", read as the balance), the message's own intent.
    Distress alone ("I'M FURIOUS", read as payday at a guess) gets no answer to a question never asked."""
    intent = intent_of(tracker)
    answer = ANSWERS.get(intent or "")
    if answer is None or not asked_for_person or confidence_of(tracker) < SURE_OF_THE_QUESTION:
        await answer_other_question(dispatcher, tracker, profile, intent, OTHER_QUESTION_LEAD)
        return
    await send_answer(dispatcher, tracker, profile, answer, own_text(tracker), QUESTION_LEAD)


class ActionCancelForm(Action):
    """Stops the active form and forgets what it had collected (the rule then says so)."""

    def name(self) -> str:
        return "action_cancel_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        return cancel_events(tracker)


def cancel_events(tracker: Tracker) -> list[EventType]:
    """Events that end whatever form is active and clear its slots."""
    loop = (tracker.active_loop or {}).get("name")
    if not loop:
        return []
    return [ActiveLoop(None), SlotSet("requested_slot", None)] + [SlotSet(s, None) for s in FORM_SLOTS.get(loop, [])]
