"""The conversation lifecycle as a pure function: every event in every state, without sockets, Redis or clocks."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, get_args

import pytest

from handoff.core.events import (
    AddNote,
    AgentLost,
    AgentOp,
    AgentSaid,
    BotFailed,
    BotSaid,
    CancelWaiting,
    Claim,
    Close,
    Decline,
    EmployeeSaid,
    Escalate,
    Event,
    HandBack,
    NobodyAvailable,
    OfferMade,
    OfferTo,
    OfferWithdrawn,
    OpenTicket,
    Outcome,
    PauseBot,
    QueueOp,
    Rate,
    RelayToBot,
    ResumeBot,
    Tick,
    Ticketed,
    ToneScored,
    Transfer,
    WaitObserved,
)
from handoff.core.lifecycle import CLIENT_IDS_KEPT, OFFER_MARKER, apply, start
from handoff.core.model import AgentRef, Conversation, Entry, Kind, State
from handoff.core.routing import queue_score
from handoff.errors import AlreadyClaimed, BadFrame, Forbidden, HandoffError, IllegalTransition

T0 = 1_000_000.0
ANA = AgentRef("ana", "Ana", "HR")
BEN = AgentRef("ben", "Ben", "Payroll")
LABEL = {"needed": True, "tone_right": False, "comment": "ok"}
OFFER_REPLY = {"text": "Shall I get a person?", "custom": {OFFER_MARKER: True}}


def run(conv: Conversation, *events: Event, now: float = T0) -> Conversation:
    for event in events:
        conv = apply(conv, event, now).conversation
    return conv


def in_bot() -> Conversation:
    return start("c1", "e1", T0 - 100)


def in_offered() -> Conversation:
    return run(in_bot(), BotSaid((OFFER_REPLY,)), now=T0 - 90)


def in_queued() -> Conversation:
    return run(in_bot(), Escalate("explicit_request", "hr", 0.5, {"profile": {"name": "Eve"}}), now=T0 - 80)


def in_queued_offered() -> Conversation:
    return run(in_queued(), OfferTo(ANA, T0 + 30), now=T0 - 70)


def in_with_agent() -> Conversation:
    return run(in_queued(), Claim(ANA, T0 + 60), now=T0 - 60)


def in_closed() -> Conversation:
    return run(in_with_agent(), Close("ana", LABEL), now=T0 - 50)


STATES: dict[str, Callable[[], Conversation]] = {
    "bot": in_bot,
    "offered": in_offered,
    "queued": in_queued,
    "queued+offer": in_queued_offered,
    "with_agent": in_with_agent,
    "closed": in_closed,
}

EVENTS: dict[str, Event] = {
    "employee_said": EmployeeSaid("hello"),
    "bot_said": BotSaid(({"text": "hi"},)),
    "tone_scored": ToneScored(1, "calm", 0.1),
    "escalate": Escalate("explicit_request", "hr", 0.2),
    "bot_failed": BotFailed(agents_online=True),
    "offer_to": OfferTo(BEN, T0 + 30),
    "claim": Claim(ANA, T0 + 60),
    "decline": Decline("ana"),
    "agent_said": AgentSaid("ana", "hi"),
    "add_note": AddNote("ana", "a note"),
    "transfer": Transfer("ana", to_agent=BEN, reply_deadline=T0 + 60),
    "hand_back": HandBack("ana", "sorted", LABEL),
    "close_agent": Close("ana", LABEL),
    "close_employee": Close(None),
    "rate": Rate(5),
    "cancel_waiting": CancelWaiting(),
    "nobody_available": NobodyAvailable(),
    "ticketed": Ticketed("explicit_request", "hr", "42"),
    "agent_lost": AgentLost("ana", "disconnected"),
    "tick": Tick(),
}

# The state each allowed (state, event) pair leads to; every other pair must raise.
ALLOWED: dict[str, dict[str, State]] = {
    "bot": {
        "ticketed": State.BOT,
        "employee_said": State.BOT,
        "bot_said": State.BOT,
        "tone_scored": State.BOT,
        "escalate": State.QUEUED,
        "bot_failed": State.QUEUED,
        "add_note": State.BOT,
        "close_employee": State.CLOSED,
        "tick": State.BOT,
    },
    "offered": {
        "ticketed": State.OFFERED,
        "employee_said": State.OFFERED,
        "bot_said": State.BOT,
        "tone_scored": State.OFFERED,
        "escalate": State.QUEUED,
        "bot_failed": State.QUEUED,
        "add_note": State.OFFERED,
        "close_employee": State.CLOSED,
        "tick": State.OFFERED,
    },
    "queued": {
        "employee_said": State.QUEUED,
        "bot_said": State.QUEUED,
        "tone_scored": State.QUEUED,
        "escalate": State.QUEUED,
        "offer_to": State.QUEUED,
        "claim": State.WITH_AGENT,
        "add_note": State.QUEUED,
        "close_employee": State.CLOSED,
        "cancel_waiting": State.BOT,
        "nobody_available": State.BOT,
        "tick": State.QUEUED,
    },
    "queued+offer": {
        "employee_said": State.QUEUED,
        "bot_said": State.QUEUED,
        "tone_scored": State.QUEUED,
        "escalate": State.QUEUED,
        "claim": State.WITH_AGENT,
        "decline": State.QUEUED,
        "add_note": State.QUEUED,
        "close_employee": State.CLOSED,
        "cancel_waiting": State.BOT,
        "nobody_available": State.BOT,
        "tick": State.QUEUED,
    },
    "with_agent": {
        "employee_said": State.WITH_AGENT,
        "tone_scored": State.WITH_AGENT,
        "escalate": State.WITH_AGENT,
        "agent_said": State.WITH_AGENT,
        "add_note": State.WITH_AGENT,
        "transfer": State.WITH_AGENT,
        "hand_back": State.BOT,
        "close_agent": State.CLOSED,
        "close_employee": State.CLOSED,
        "agent_lost": State.QUEUED,
        "tick": State.WITH_AGENT,
    },
    "closed": {"rate": State.CLOSED, "tick": State.CLOSED},
}

# Illegal pairs that raise a more specific error than IllegalTransition.
SPECIAL_ERRORS: dict[tuple[str, str], type[HandoffError]] = {("with_agent", "claim"): AlreadyClaimed}

ILLEGAL = [
    (state, event, SPECIAL_ERRORS.get((state, event), IllegalTransition))
    for state in STATES
    for event in EVENTS
    if event not in ALLOWED[state]
]

NON_OWNER_EVENTS: dict[str, Event] = {
    "agent_said": AgentSaid("ben", "hi"),
    "transfer": Transfer("ben", to_skill="it"),
    "hand_back": HandBack("ben", "sorted", LABEL),
    "close_agent": Close("ben", LABEL),
    "agent_lost": AgentLost("ben", "disconnected"),
}


def expect_only(outcome: Outcome, **kinds: Any) -> None:
    """Assert that the outcome's effects/queue/load are exactly the given ones (empty when not given)."""
    for name in ("effects", "queue", "load"):
        assert getattr(outcome, name) == tuple(kinds.get(name, ())), name


def system_events(outcome: Outcome) -> list[str]:
    return [e.data["event"] for e in outcome.entries if e.kind is Kind.SYSTEM]


# --- the state x event matrix ---------------------------------------------------------------------------------
def test_matrix_covers_every_event_type() -> None:
    """The matrix names every event class the lifecycle knows, so no event escapes the illegal-pair checks."""
    assert {type(e) for e in EVENTS.values()} == set(get_args(Event))


@pytest.mark.parametrize(
    ("state", "event", "expected"),
    [(s, e, target) for s, allowed in ALLOWED.items() for e, target in allowed.items()],
)
def test_allowed_pair_reaches_documented_state(state: str, event: str, expected: State) -> None:
    """Each allowed (state, event) pair leads to the state the lifecycle diagram documents."""
    assert apply(STATES[state](), EVENTS[event], T0).conversation.state is expected


@pytest.mark.parametrize(("state", "event", "error"), ILLEGAL)
def test_illegal_pair_raises(state: str, event: str, error: type[HandoffError]) -> None:
    """Every (state, event) pair the state does not allow raises IllegalTransition (or its documented subclass)."""
    with pytest.raises(HandoffError) as caught:
        apply(STATES[state](), EVENTS[event], T0)
    assert type(caught.value) is error


@pytest.mark.parametrize("event", sorted(NON_OWNER_EVENTS))
def test_non_owner_agent_is_forbidden(event: str) -> None:
    """An agent acting on a conversation another agent has gets Forbidden."""
    with pytest.raises(Forbidden):
        apply(in_with_agent(), NON_OWNER_EVENTS[event], T0)


@pytest.mark.parametrize("state", sorted(STATES))
def test_tick_without_due_deadline_changes_nothing(state: str) -> None:
    """A tick before any deadline leaves the record as it is and asks for nothing."""
    conv = STATES[state]()
    outcome = apply(conv, Tick(), T0)
    assert outcome.conversation == conv
    assert outcome.entries == ()
    expect_only(outcome)


# --- log entries --------------------------------------------------------------------------------------------------
def journey() -> list[Outcome]:
    conv = in_bot()
    events: list[Event] = [
        EmployeeSaid("I need help", "m1"),
        BotSaid(({"text": "Sorry to hear that"}, OFFER_REPLY)),
        ToneScored(1, "upset", 0.7, ("help",)),
        Escalate("accepted_offer", "payroll", 0.7),
        OfferTo(ANA, T0 + 30),
        Claim(ANA, T0 + 60),
        AgentSaid("ana", "Hi, I'm Ana", "a1"),
        AddNote("ana", "called before"),
        EmployeeSaid("thanks", "m2"),
        HandBack("ana", "payslip explained", LABEL),
        Close(None),
        Rate(4, "good"),
    ]
    outcomes = []
    for event in events:
        outcome = apply(conv, event, T0)
        outcomes.append(outcome)
        conv = outcome.conversation
    return outcomes


def test_entry_ids_increase_by_one_without_gaps() -> None:
    """Across a whole conversation, log entry ids run 1, 2, 3, ... and last_id names the newest."""
    outcomes = journey()
    ids = [e.id for o in outcomes for e in o.entries]
    assert ids == list(range(1, len(ids) + 1))
    assert outcomes[-1].conversation.last_id == len(ids)


def test_journey_logs_the_expected_kinds_in_order() -> None:
    """The journey's log has the employee, bot, system, tone, agent, note and rating entries in order."""
    kinds = [e.kind for o in journey() for e in o.entries]
    assert kinds == [
        Kind.EMPLOYEE,
        Kind.BOT,
        Kind.BOT,
        Kind.SYSTEM,  # offered
        Kind.TONE,
        Kind.SYSTEM,  # queued
        Kind.SYSTEM,  # agent joined
        Kind.AGENT,
        Kind.NOTE,
        Kind.EMPLOYEE,
        Kind.SYSTEM,  # handed back
        Kind.SYSTEM,  # closed
        Kind.RATING,
    ]


def test_only_notes_and_tone_are_agent_only() -> None:
    """Notes and tone entries are hidden from the employee; every other kind is visible."""
    for entry in (e for o in journey() for e in o.entries):
        assert entry.for_employee is (entry.kind not in (Kind.NOTE, Kind.TONE))


def test_entries_are_stamped_with_now() -> None:
    """Every entry an event adds carries the ``now`` the caller passed."""
    outcome = apply(in_bot(), EmployeeSaid("hi"), 1234.5)
    assert [e.at for e in outcome.entries] == [1234.5]


def test_system_entry_records_the_new_state() -> None:
    """A system entry's data names the event and the state the conversation moved to."""
    outcome = apply(in_bot(), Escalate("crisis", "hr", 1.0), T0)
    assert outcome.entries[-1].data["event"] == "queued"
    assert outcome.entries[-1].data["state"] == "queued"


# --- employee messages --------------------------------------------------------------------------------------------
def test_employee_message_is_logged_acked_and_relayed() -> None:
    """An employee message becomes an employee entry, is acked with its id and relayed to the bot."""
    outcome = apply(in_bot(), EmployeeSaid("Where is my payslip?", "m1"), T0)
    (entry,) = outcome.entries
    assert (entry.id, entry.kind, entry.text) == (1, Kind.EMPLOYEE, "Where is my payslip?")
    assert outcome.ack == 1
    expect_only(outcome, effects=[RelayToBot("Where is my payslip?", 1)])


@pytest.mark.parametrize("state", ["offered", "queued", "with_agent"])
def test_employee_message_is_relayed_in_every_open_state(state: str) -> None:
    """Also while waiting or with a person, the employee's text goes to the bot for the record and tone."""
    conv = STATES[state]()
    outcome = apply(conv, EmployeeSaid("still there?"), T0)
    assert outcome.effects == (RelayToBot("still there?", conv.last_id + 1),)
    assert outcome.conversation.state is conv.state


@pytest.mark.parametrize("text", ["", "   ", "\n\t ", "\u200b", " \u200b\u200d\ufeff ", "\u2060\n"])
def test_empty_employee_message_is_a_bad_frame(text: str) -> None:
    """An empty or blank employee message is refused as a bad frame."""
    with pytest.raises(BadFrame):
        apply(in_bot(), EmployeeSaid(text), T0)


def test_a_message_with_an_emoji_or_zero_width_joiner_is_not_blank() -> None:
    """An emoji (also one joined with a zero-width joiner) is something to read and is relayed."""
    for text in ("👍", "👩\u200d💻"):
        conv = in_bot()
        assert apply(conv, EmployeeSaid(text), T0).effects == (RelayToBot(text, conv.last_id + 1),)


def test_resent_client_id_returns_the_same_ack_and_nothing_new() -> None:
    """A message resent with the same client id gets the first ack, no second entry and no second relay."""
    first = apply(in_bot(), EmployeeSaid("hello", "m1"), T0)
    again = apply(first.conversation, EmployeeSaid("hello", "m1"), T0 + 5)
    assert again.ack == first.ack == 1
    assert again.entries == ()
    assert again.effects == ()
    assert again.conversation == first.conversation


def test_new_client_id_is_logged_again() -> None:
    """A different client id with the same text is a new message."""
    conv = run(in_bot(), EmployeeSaid("hello", "m1"))
    outcome = apply(conv, EmployeeSaid("hello", "m2"), T0)
    assert outcome.ack == 2
    assert len(outcome.entries) == 1


def test_messages_without_client_id_are_never_deduplicated() -> None:
    """Without a client id, two identical messages are two entries."""
    conv = run(in_bot(), EmployeeSaid("hello"))
    outcome = apply(conv, EmployeeSaid("hello"), T0)
    assert outcome.ack == 2


def test_old_client_ids_are_forgotten_after_the_limit() -> None:
    """Only the last CLIENT_IDS_KEPT client ids are remembered; an older one counts as new."""
    conv = in_bot()
    for n in range(CLIENT_IDS_KEPT + 1):
        conv = run(conv, EmployeeSaid(f"msg {n}", f"m{n}"))
    assert len(conv.recent_client_ids) == CLIENT_IDS_KEPT
    assert apply(conv, EmployeeSaid("msg 1", "m1"), T0).ack == 2  # still remembered
    assert apply(conv, EmployeeSaid("msg 0", "m0"), T0).ack == conv.last_id + 1  # forgotten


def test_employee_client_id_equal_to_an_agents_is_not_a_resend() -> None:
    """Client ids are per client: an employee message reusing an id the agent's client used is still logged."""
    conv = run(in_with_agent(), AgentSaid("ana", "Hi, I'm Ana", "1"))
    outcome = apply(conv, EmployeeSaid("Hi Ana", "1"), T0)
    assert [e.kind for e in outcome.entries] == [Kind.EMPLOYEE]
    assert outcome.ack == conv.last_id + 1


# --- bot replies and the offer ------------------------------------------------------------------------------------
def test_bot_replies_are_logged_with_buttons() -> None:
    """Each bot reply with text or buttons becomes a bot entry; empty replies and odd buttons are dropped."""
    replies = (
        {"text": "Pick one", "buttons": [{"title": "Yes", "payload": "/affirm"}, "junk", {"title": 3}]},
        {"image": "x.png"},
        {"buttons": [{"title": "No", "payload": "/deny"}]},
    )
    outcome = apply(in_bot(), BotSaid(replies), T0)
    assert [(e.kind, e.text, e.author) for e in outcome.entries] == [
        (Kind.BOT, "Pick one", "assistant"),
        (Kind.BOT, "", "assistant"),
    ]
    assert outcome.entries[0].data["buttons"] == [{"title": "Yes", "payload": "/affirm"}, {"title": "3", "payload": ""}]
    assert outcome.entries[1].data["buttons"] == [{"title": "No", "payload": "/deny"}]
    expect_only(outcome)


def test_offer_marker_moves_bot_to_offered() -> None:
    """A bot reply carrying the offer marker moves the conversation from bot to offered."""
    outcome = apply(in_bot(), BotSaid((OFFER_REPLY,)), T0)
    assert outcome.conversation.state is State.OFFERED
    assert system_events(outcome) == ["offered"]


def test_reply_without_marker_moves_offered_back_to_bot() -> None:
    """A later bot reply without the marker means the employee answered something else: back to bot."""
    outcome = apply(in_offered(), BotSaid(({"text": "Your payslip is on the portal"},)), T0)
    assert outcome.conversation.state is State.BOT
    assert system_events(outcome) == ["offer_declined"]


def test_repeated_offer_stays_offered_without_a_system_entry() -> None:
    """A second offer while already offered keeps the state and logs only the reply."""
    outcome = apply(in_offered(), BotSaid((OFFER_REPLY,)), T0)
    assert outcome.conversation.state is State.OFFERED
    assert system_events(outcome) == []


@pytest.mark.parametrize("custom", ["handoff_offer", ["handoff_offer"], {OFFER_MARKER: False}, {}])
def test_non_dict_or_false_marker_is_no_offer(custom: object) -> None:
    """Only a custom dict with a true offer marker counts as an offer."""
    outcome = apply(in_bot(), BotSaid(({"text": "hi", "custom": custom},)), T0)
    assert outcome.conversation.state is State.BOT


def test_bot_reply_while_queued_is_logged_and_keeps_the_queue() -> None:
    """Replies that arrive after escalation (even with the marker) are logged and the conversation stays queued."""
    conv = in_queued()
    outcome = apply(conv, BotSaid((OFFER_REPLY,)), T0)
    assert outcome.conversation.state is State.QUEUED
    assert [e.kind for e in outcome.entries] == [Kind.BOT]
    expect_only(outcome)


def test_tone_is_logged_for_agents_only() -> None:
    """A tone score is an agent-only tone entry with its evidence; with the bot it changes nothing else."""
    conv = in_bot()
    outcome = apply(conv, ToneScored(3, "distressed", 0.9, ("can't cope",)), T0)
    (entry,) = outcome.entries
    assert entry.kind is Kind.TONE
    assert not entry.for_employee
    assert entry.data == {"message_id": 3, "tone": "distressed", "distress": 0.9, "cues": ["can't cope"]}
    assert outcome.conversation.with_(last_id=conv.last_id) == conv
    expect_only(outcome)


def test_rising_distress_while_waiting_moves_up_and_shows_in_the_queue() -> None:
    """The queue showed the distress at escalation for the whole wait; now it shows the latest turn, and a
    conversation whose distress rises moves up as if it had escalated with it (and never down)."""
    conv = in_queued()  # explicit_request at 0.5, escalated at T0 - 80
    assert conv.summary()["distress"] == 0.5
    outcome = apply(conv, ToneScored(3, "anxious", 0.95), T0)
    higher = queue_score("explicit_request", 0.95, T0 - 80)
    assert higher < conv.queue_score  # type: ignore[operator]
    assert outcome.conversation.queue_score == higher
    expect_only(outcome, queue=[QueueOp("hr", higher)])
    assert (outcome.conversation.summary()["distress"], outcome.conversation.summary()["tone"]) == (0.95, "anxious")
    calmer = apply(outcome.conversation, ToneScored(4, "neutral", 0.1), T0 + 5)
    assert calmer.conversation.queue_score == higher  # its place is kept
    assert calmer.conversation.summary()["distress"] == 0.1
    expect_only(calmer, queue=[QueueOp("hr", higher)])  # the queue view refreshes with the new tone


def test_live_tone_with_an_agent_and_after_a_new_escalation() -> None:
    outcome = apply(in_with_agent(), ToneScored(5, "sad", 0.8), T0)
    conv = outcome.conversation
    assert conv.summary()["distress"] == 0.8 and conv.queue_score == in_with_agent().queue_score
    expect_only(outcome)  # not in a queue: nothing to reorder
    back = run(conv, HandBack("ana", "sorted", LABEL), now=T0 + 1)
    again = run(back, Escalate("crisis", "hr", 0.99), now=T0 + 2)
    assert (again.summary()["distress"], again.summary()["tone"]) == (0.99, None)  # the new escalation's evidence


RESOURCES = "I'm so sorry you're going through this. Please call or text 988."


def test_a_crisis_cue_while_waiting_sends_the_resources_and_moves_up_as_a_crisis() -> None:
    """Rasa is paused while the employee waits, so nothing answered "i want to die": the service sends the
    resources the assistant chose, tells the agents, and the conversation waits as a crisis."""
    conv = in_queued()  # explicit_request at 0.5
    outcome = apply(conv, ToneScored(3, "sad", 0.99, ("crisis language: want to die",), RESOURCES), T0)
    tone, resources, note = outcome.entries
    assert (tone.kind, resources.kind, note.kind) == (Kind.TONE, Kind.BOT, Kind.NOTE)
    assert resources.for_employee and resources.text == RESOURCES and not note.for_employee
    after = outcome.conversation
    assert after.escalation is not None and after.escalation.reason == "crisis"
    assert after.escalation.packet == {"profile": {"name": "Eve"}}  # the evidence of the first escalation stays
    assert after.summary()["reason"] == "crisis" and after.state is State.QUEUED
    crisis = queue_score("crisis", 0.99, T0)
    assert after.queue_score == crisis < conv.queue_score  # type: ignore[operator]
    expect_only(outcome, queue=[QueueOp("hr", crisis)])
    again = apply(after, ToneScored(4, "sad", 0.97, (), RESOURCES), T0 + 5)
    assert [e.kind for e in again.entries] == [Kind.TONE, Kind.BOT, Kind.NOTE]  # every cue gets the numbers
    assert again.conversation.queue_score == crisis  # its place is kept


def test_a_crisis_cue_with_an_agent_reaches_the_employee_and_the_agent() -> None:
    outcome = apply(in_with_agent(), ToneScored(5, "sad", 0.99, (), RESOURCES), T0)
    assert [(e.kind, e.text) for e in outcome.entries][1:] == [
        (Kind.BOT, RESOURCES),
        (Kind.NOTE, "Crisis cue: the employee was sent the support resources."),
    ]
    assert outcome.conversation.escalation is not None and outcome.conversation.escalation.reason == "crisis"
    expect_only(outcome)


@pytest.mark.parametrize("state", ["bot", "offered"])
def test_with_the_bot_the_assistant_sends_the_resources_itself(state: str) -> None:
    """The assistant answered the crisis (action_escalate): the service adds nothing, or they'd come twice."""
    outcome = apply(STATES[state](), ToneScored(3, "sad", 0.99, (), RESOURCES), T0)
    assert [e.kind for e in outcome.entries] == [Kind.TONE]


def test_old_stored_conversations_without_live_tone_still_load() -> None:
    raw = in_queued().to_dict()
    del raw["live_tone"], raw["live_distress"]
    assert Conversation.from_dict(raw).summary()["distress"] == 0.5


# --- escalation ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("state", ["bot", "offered"])
def test_escalate_enqueues_at_routing_score_and_pauses_bot(state: str) -> None:
    """Escalating puts the conversation in the skill's queue at queue_score, records why and pauses the bot."""
    outcome = apply(STATES[state](), Escalate("crisis", "payroll", 0.8, {"profile": {"name": "Eve"}}), T0)
    conv = outcome.conversation
    score = queue_score("crisis", 0.8, T0)
    assert (conv.state, conv.queue_skill, conv.queue_score, conv.queued_at) == (State.QUEUED, "payroll", score, T0)
    assert conv.escalation is not None
    assert (conv.escalation.reason, conv.escalation.skill, conv.escalation.distress) == ("crisis", "payroll", 0.8)
    assert (conv.escalation.at, conv.escalation.packet) == (T0, {"profile": {"name": "Eve"}})
    expect_only(outcome, effects=[PauseBot()], queue=[QueueOp("payroll", score)])
    assert system_events(outcome) == ["queued"]
    assert outcome.entries[-1].data["reason"] == "crisis"
    assert outcome.entries[-1].for_employee


@pytest.mark.parametrize("state", ["queued", "with_agent"])
def test_escalation_while_with_people_keeps_the_agent_and_adds_a_note(state: str) -> None:
    """A new escalation while queued or with an agent keeps the state, skill and agent, and adds an agent-only note."""
    conv = STATES[state]()
    outcome = apply(conv, Escalate("crisis", "it", 1.0), T0)
    after = outcome.conversation
    assert (after.state, after.queue_skill, after.queued_at, after.agent) == (
        conv.state,
        conv.queue_skill,
        conv.queued_at,
        conv.agent,
    )
    assert after.escalation is not None
    assert after.escalation.reason == "crisis"
    note = next(e for e in outcome.entries if e.kind is Kind.NOTE)
    assert not note.for_employee
    assert "crisis" in note.text
    assert all(not e.for_employee for e in outcome.entries)
    assert not outcome.effects and not outcome.load


def test_a_more_urgent_escalation_while_waiting_moves_the_conversation_up() -> None:
    """A crisis while queued lowers the score (served sooner); a less urgent reason never moves it back."""
    conv = STATES["queued"]()
    assert conv.queue_score is not None
    urgent = apply(conv, Escalate("crisis", "hr", 1.0), conv.queued_at or T0)
    score = urgent.conversation.queue_score
    assert score is not None and score < conv.queue_score
    assert urgent.queue == (QueueOp(conv.queue_skill or "hr", score),)
    calmer = apply(urgent.conversation, Escalate("repeated_failure", "hr", 0.0), (conv.queued_at or T0) + 1)
    assert calmer.conversation.queue_score == score and calmer.queue == ()


def escalated_mid_turn() -> Conversation:
    """The employee wrote, and the action server escalated before Rasa's reply to that turn arrived."""
    said = run(in_bot(), EmployeeSaid("my manager keeps shouting at me", "m1", retry_at=T0 + 5), now=T0 - 1)
    return run(said, Escalate("sensitive_topic", "hr", 0.7), now=T0)


def test_the_connecting_notice_follows_the_reply_to_the_turn_that_escalated() -> None:
    """The caring reply is computed before Rasa answers, but the escalation reaches us first: the
    "connecting you" notice waits for that reply, so the employee reads them in that order."""
    conv = escalated_mid_turn()
    assert conv.state is State.QUEUED and conv.held_notice and conv.deadline == T0 + 5
    outcome = apply(conv, BotSaid(({"text": "I'm sorry that's happening."},)), T0 + 1)
    assert [e.kind for e in outcome.entries] == [Kind.BOT, Kind.SYSTEM]
    assert system_events(outcome) == ["queued"] and outcome.entries[-1].data["reason"] == "sensitive_topic"
    assert outcome.conversation.held_notice is None and outcome.conversation.deadline is None


@pytest.mark.parametrize(
    "event",
    [
        ToneScored(1, "sad", 0.8, ()),  # Rasa gave no reply at all
        EmployeeSaid("hello?", "m2"),
        Claim(ANA, T0 + 60),  # "connecting you" before "Ana joined"
        Tick(),  # the reply is overdue
    ],
    ids=["tone", "employee", "claim", "overdue"],
)
def test_a_held_notice_is_not_lost_when_no_reply_comes(event: Event) -> None:
    """Without the reply, the notice goes out before whatever happens next, or when the reply is overdue."""
    outcome = apply(escalated_mid_turn(), event, T0 + 6)
    assert outcome.entries[0].kind is Kind.SYSTEM and outcome.entries[0].data["event"] == "queued"
    assert outcome.conversation.held_notice is None


@pytest.mark.parametrize(
    "event", [Tick(), OfferTo(ANA, T0 + 30), AddNote(ANA.id, "seen")], ids=["tick", "offer", "note"]
)
def test_a_held_notice_waits_through_what_the_employee_does_not_see(event: Event) -> None:
    """An early timer tick, the router offering the chat to an agent: the reply may still come first."""
    outcome = apply(escalated_mid_turn(), event, T0 + 1)
    assert not any(e.for_employee for e in outcome.entries) and outcome.conversation.held_notice


def test_a_held_notice_is_dropped_once_the_employee_stopped_waiting() -> None:
    """Cancelled before the reply: no stale "connecting you" after "you're back with the assistant"."""
    outcome = apply(escalated_mid_turn(), CancelWaiting(), T0 + 1)
    assert system_events(outcome) == ["queued", "cancelled"]  # released first, then the cancellation
    after = apply(outcome.conversation, BotSaid(({"text": "ok"},)), T0 + 2)
    assert system_events(after) == []


def test_a_held_notice_survives_storage() -> None:
    conv = escalated_mid_turn()
    assert Conversation.from_dict(json.loads(json.dumps(conv.to_dict()))) == conv


# --- the bot failing ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("state", ["bot", "offered"])
def test_bot_failure_with_agents_online_queues_for_hr(state: str) -> None:
    """When the bot fails and people are online, the conversation joins the hr queue as bot_unavailable."""
    outcome = apply(STATES[state](), BotFailed(agents_online=True), T0)
    conv = outcome.conversation
    score = queue_score("bot_unavailable", 0.0, T0)
    assert (conv.state, conv.queue_skill, conv.queue_score) == (State.QUEUED, "hr", score)
    assert conv.escalation is not None
    assert conv.escalation.reason == "bot_unavailable"
    expect_only(outcome, effects=[PauseBot()], queue=[QueueOp("hr", score)])
    assert system_events(outcome) == ["queued"]


def test_bot_failure_replaces_an_earlier_escalation() -> None:
    """Agents see why the conversation is queued now (the bot failed), not a reason from an earlier wait."""
    conv = run(in_queued(), CancelWaiting())
    assert conv.escalation is not None and conv.escalation.reason != "bot_unavailable"
    outcome = apply(conv, BotFailed(agents_online=True), T0)
    assert outcome.conversation.escalation is not None
    assert (outcome.conversation.escalation.reason, outcome.conversation.escalation.at) == ("bot_unavailable", T0)


@pytest.mark.parametrize("state", ["bot", "offered"])
def test_bot_failure_with_nobody_online_opens_a_ticket(state: str) -> None:
    """With nobody online, a bot failure opens a ticket, tells the employee, and leaves the state alone."""
    conv = STATES[state]()
    outcome = apply(conv, BotFailed(agents_online=False), T0)
    assert outcome.conversation.state is conv.state
    expect_only(outcome, effects=[OpenTicket("bot_unavailable")])
    assert system_events(outcome) == ["ticket"]


# --- offers, claims and declines ----------------------------------------------------------------------------------
def test_offer_records_agent_and_deadline() -> None:
    """Offering a queued conversation records the agent and deadline and tells the shell; the log is untouched."""
    outcome = apply(in_queued(), OfferTo(ANA, T0 + 30), T0)
    conv = outcome.conversation
    assert (conv.offered_to, conv.offer_deadline, conv.deadline) == ("ana", T0 + 30, T0 + 30)
    assert conv.state is State.QUEUED
    assert outcome.entries == ()
    expect_only(outcome, effects=[OfferMade("ana", T0 + 30)])


def test_second_offer_while_one_is_pending_is_illegal() -> None:
    """A conversation is offered to at most one agent at a time."""
    with pytest.raises(IllegalTransition):
        apply(in_queued_offered(), OfferTo(BEN, T0 + 30), T0)


def test_claim_takes_the_conversation_out_of_the_queue() -> None:
    """Claiming moves queued to with_agent, removes it from the queue, adds load and reports the wait."""
    conv = in_queued()
    outcome = apply(conv, Claim(ANA, T0 + 60), T0)
    after = outcome.conversation
    assert (after.state, after.agent, after.claimed_at, after.reply_deadline) == (State.WITH_AGENT, ANA, T0, T0 + 60)
    assert after.handled_by_human
    assert after.first_human_at == T0
    assert after.deadline == T0 + 60
    expect_only(
        outcome,
        effects=[WaitObserved("hr", T0 - (T0 - 80))],
        queue=[QueueOp("hr", None)],
        load=[AgentOp("ana", add=True)],
    )
    (joined,) = outcome.entries
    assert (joined.kind, joined.text, joined.data["event"]) == (
        Kind.SYSTEM,
        "Ana (HR) joined the chat.",
        "agent_joined",
    )
    assert (joined.data["agent"], joined.data["team"]) == ("Ana", "HR")


def test_claim_by_the_offered_agent_withdraws_nothing() -> None:
    """The agent who was offered the conversation claims it: the offer is consumed, not withdrawn."""
    outcome = apply(in_queued_offered(), Claim(ANA, T0 + 60), T0)
    assert not any(isinstance(e, OfferWithdrawn) for e in outcome.effects)
    assert (outcome.conversation.offered_to, outcome.conversation.offer_deadline) == (None, None)


def test_claim_by_another_agent_withdraws_the_offer() -> None:
    """When someone else claims an offered conversation, the offered agent's offer is withdrawn."""
    outcome = apply(in_queued_offered(), Claim(BEN, T0 + 60), T0)
    assert OfferWithdrawn("ana") in outcome.effects
    assert outcome.conversation.agent == BEN
    assert outcome.load == (AgentOp("ben", add=True),)


def test_claiming_a_claimed_conversation_says_already_claimed() -> None:
    """Claiming a conversation another agent already has raises AlreadyClaimed."""
    with pytest.raises(AlreadyClaimed):
        apply(in_with_agent(), Claim(BEN, T0 + 60), T0)


def test_first_human_at_survives_a_second_claim() -> None:
    """After the agent is lost and someone else claims, first_human_at still names the first claim."""
    conv = run(in_with_agent(), AgentLost("ana", "gone"), now=T0 - 10)
    assert apply(conv, Claim(BEN, T0 + 60), T0).conversation.first_human_at == T0 - 60


def test_decline_withdraws_the_offer_and_passes_the_agent_over() -> None:
    """Declining an offer withdraws it and adds the agent to passed_over; the conversation stays queued."""
    outcome = apply(in_queued_offered(), Decline("ana"), T0)
    conv = outcome.conversation
    assert (conv.state, conv.offered_to, conv.offer_deadline, conv.passed_over) == (State.QUEUED, None, None, ("ana",))
    assert outcome.entries == ()
    expect_only(outcome, effects=[OfferWithdrawn("ana")])


def test_decline_by_an_agent_not_offered_is_illegal() -> None:
    """Only the agent the conversation is offered to can decline it."""
    with pytest.raises(IllegalTransition):
        apply(in_queued_offered(), Decline("ben"), T0)


# --- agent messages and notes -------------------------------------------------------------------------------------
def test_agent_message_is_logged_acked_and_clears_the_reply_deadline() -> None:
    """The owner's message is an agent entry under their name, acked, and stops the reply clock; no relay."""
    outcome = apply(in_with_agent(), AgentSaid("ana", "Hi, I'm Ana", "a1"), T0)
    (entry,) = outcome.entries
    assert (entry.kind, entry.text, entry.author) == (Kind.AGENT, "Hi, I'm Ana", "Ana")
    assert entry.data == {"team": "HR"}, "employees see the name and team, not the internal agent id"
    assert outcome.ack == entry.id
    assert outcome.conversation.reply_deadline is None
    expect_only(outcome)


def test_resent_agent_message_is_not_logged_twice() -> None:
    """An agent message resent with the same client id gets the same ack and no new entry."""
    first = apply(in_with_agent(), AgentSaid("ana", "Hi", "a1"), T0)
    again = apply(first.conversation, AgentSaid("ana", "Hi", "a1"), T0)
    assert (again.ack, again.entries) == (first.ack, ())


def test_empty_agent_message_is_a_bad_frame() -> None:
    """A blank agent message is refused as a bad frame."""
    with pytest.raises(BadFrame):
        apply(in_with_agent(), AgentSaid("ana", "  "), T0)


@pytest.mark.parametrize("state", ["bot", "offered", "queued", "with_agent"])
def test_note_is_agent_only_and_acked(state: str) -> None:
    """A note is an agent-only entry under the agent's id, acked with its id, with no state change."""
    conv = STATES[state]()
    outcome = apply(conv, AddNote("ben", "called last week"), T0)
    (note,) = outcome.entries
    assert (note.kind, note.text, note.author, note.for_employee) == (Kind.NOTE, "called last week", "ben", False)
    assert outcome.ack == note.id
    assert outcome.conversation.state is conv.state


def test_empty_note_is_a_bad_frame() -> None:
    """A blank note is refused as a bad frame."""
    with pytest.raises(BadFrame):
        apply(in_with_agent(), AddNote("ana", ""), T0)


# --- transfers ----------------------------------------------------------------------------------------------------
def test_transfer_to_an_agent_moves_the_load() -> None:
    """Transferring to another agent moves the load to them and restarts the reply clock."""
    outcome = apply(in_with_agent(), Transfer("ana", to_agent=BEN, reply_deadline=T0 + 90), T0)
    conv = outcome.conversation
    assert (conv.state, conv.agent, conv.claimed_at, conv.reply_deadline) == (State.WITH_AGENT, BEN, T0, T0 + 90)
    expect_only(outcome, load=[AgentOp("ana", add=False), AgentOp("ben", add=True)])
    assert outcome.entries[-1].text == "Ben (Payroll) joined the chat."


def test_transfer_to_a_skill_requeues_at_the_old_score() -> None:
    """Transferring to a skill releases the agent and queues there at the conversation's original score."""
    conv = in_with_agent()
    old_score = conv.queue_score
    outcome = apply(conv, Transfer("ana", to_skill="it"), T0 + 500)
    after = outcome.conversation
    assert (after.state, after.queue_skill, after.queue_score, after.agent, after.reply_deadline) == (
        State.QUEUED,
        "it",
        old_score,
        None,
        None,
    )
    expect_only(outcome, queue=[QueueOp("it", old_score)], load=[AgentOp("ana", add=False)])
    assert outcome.entries[-1].data["reason"] == "transfer"


def test_transfer_to_yourself_is_illegal() -> None:
    """An agent cannot transfer a conversation to themselves."""
    with pytest.raises(IllegalTransition):
        apply(in_with_agent(), Transfer("ana", to_agent=ANA), T0)


@pytest.mark.parametrize("transfer", [Transfer("ana"), Transfer("ana", to_agent=BEN, to_skill="it")])
def test_transfer_needs_exactly_one_target(transfer: Transfer) -> None:
    """A transfer naming both or neither of an agent and a skill is a bad frame."""
    with pytest.raises(BadFrame):
        apply(in_with_agent(), transfer, T0)


# --- hand back, close and rating ----------------------------------------------------------------------------------
def test_hand_back_returns_to_the_bot_with_a_handback() -> None:
    """Handing back releases the agent, resumes the bot with a handback dict and stores the label."""
    outcome = apply(in_with_agent(), HandBack("ana", "payslip explained", {**LABEL, "extra": 1}), T0)
    conv = outcome.conversation
    assert (conv.state, conv.agent, conv.reply_deadline, conv.queue_skill, conv.queue_score, conv.queued_at) == (
        State.BOT,
        None,
        None,
        None,
        None,
        None,
    )
    assert conv.label == {"needed": True, "tone_right": False, "comment": "ok"}
    expect_only(
        outcome,
        effects=[ResumeBot({"agent_name": "Ana", "summary": "payslip explained", "reason": "agent"})],
        load=[AgentOp("ana", add=False)],
    )
    assert system_events(outcome) == ["handed_back"]
    assert outcome.entries[-1].data["summary"] == "payslip explained"


def test_label_comment_is_stringified_and_truncated() -> None:
    """A label's comment is stored as text of at most 500 characters; a missing one becomes empty."""
    long = apply(in_with_agent(), HandBack("ana", "", {"needed": False, "tone_right": True, "comment": "x" * 600}), T0)
    assert long.conversation.label == {"needed": False, "tone_right": True, "comment": "x" * 500}
    bare = apply(in_with_agent(), HandBack("ana", "", {"needed": False, "tone_right": True}), T0)
    assert bare.conversation.label == {"needed": False, "tone_right": True, "comment": ""}


BAD_LABELS = [
    None,
    [],
    {},
    {"needed": True},
    {"tone_right": True},
    {"needed": "yes", "tone_right": True},
    {"needed": True, "tone_right": 1},
]


@pytest.mark.parametrize("label", BAD_LABELS)
def test_hand_back_with_a_bad_label_is_a_bad_frame(label: Any) -> None:
    """A hand-back label needs booleans needed and tone_right."""
    with pytest.raises(BadFrame):
        apply(in_with_agent(), HandBack("ana", "", label), T0)


@pytest.mark.parametrize("label", BAD_LABELS)
def test_agent_close_with_a_bad_label_is_a_bad_frame(label: Any) -> None:
    """An agent's close label needs booleans needed and tone_right."""
    with pytest.raises(BadFrame):
        apply(in_with_agent(), Close("ana", label), T0)


def test_agent_close_stores_label_and_releases_the_agent() -> None:
    """An agent closing ends the conversation as handled by a person, with their label, and releases their load."""
    outcome = apply(in_with_agent(), Close("ana", LABEL), T0)
    conv = outcome.conversation
    assert (conv.state, conv.closed_at, conv.outcome, conv.reply_deadline, conv.deadline) == (
        State.CLOSED,
        T0,
        "human",
        None,
        None,
    )
    assert conv.label == LABEL
    expect_only(outcome, load=[AgentOp("ana", add=False)])
    (closed,) = outcome.entries
    assert (closed.data["event"], closed.data["by"], closed.data["rating_requested"]) == ("closed", "agent", True)


@pytest.mark.parametrize("state", ["bot", "offered"])
def test_employee_close_with_the_bot(state: str) -> None:
    """The employee ending a bot conversation closes it as a bot outcome with no queue or load changes."""
    outcome = apply(STATES[state](), Close(None), T0)
    assert (outcome.conversation.state, outcome.conversation.outcome) == (State.CLOSED, "bot")
    expect_only(outcome)
    assert outcome.entries[-1].data["by"] == "employee"


def test_employee_close_while_queued_leaves_the_queue() -> None:
    """The employee ending a queued conversation takes it out of the queue."""
    outcome = apply(in_queued(), Close(None), T0)
    assert outcome.conversation.state is State.CLOSED
    expect_only(outcome, queue=[QueueOp("hr", None)])


def test_employee_close_while_offered_withdraws_the_offer() -> None:
    """The employee ending a conversation with a pending offer withdraws it and clears the offer deadline."""
    outcome = apply(in_queued_offered(), Close(None), T0)
    expect_only(outcome, effects=[OfferWithdrawn("ana")], queue=[QueueOp("hr", None)])
    assert outcome.conversation.deadline is None


def test_employee_close_while_with_agent_releases_the_agent() -> None:
    """The employee ending a conversation with a person releases the agent's load; the outcome is human."""
    outcome = apply(in_with_agent(), Close(None), T0)
    assert (outcome.conversation.outcome, outcome.conversation.deadline) == ("human", None)
    expect_only(outcome, load=[AgentOp("ana", add=False)])


def test_employee_close_after_hand_back_keeps_the_agents_label() -> None:
    """A close by the employee after a hand-back keeps the agent's label and counts as handled by a person."""
    conv = run(in_with_agent(), HandBack("ana", "", LABEL))
    outcome = apply(conv, Close(None), T0)
    assert (outcome.conversation.label, outcome.conversation.outcome) == (LABEL, "human")


def test_rating_is_stored_once_when_closed() -> None:
    """A closed conversation takes one rating, stored with the score, comment, time and whether a person helped."""
    outcome = apply(in_closed(), Rate(4, "helpful"), T0)
    assert outcome.conversation.rating == {"score": 4, "comment": "helpful", "at": T0, "human": True}
    (entry,) = outcome.entries
    assert (entry.kind, entry.text, entry.author, entry.data) == (Kind.RATING, "helpful", "employee", {"score": 4})
    with pytest.raises(IllegalTransition):
        apply(outcome.conversation, Rate(5), T0)


def test_rating_of_a_bot_conversation_says_no_human() -> None:
    """A rating after a bot-only conversation records human False."""
    conv = run(in_bot(), Close(None))
    assert apply(conv, Rate(3), T0).conversation.rating == {"score": 3, "comment": "", "at": T0, "human": False}


@pytest.mark.parametrize("score", [0, 6, -1, 100])
def test_rating_out_of_range_is_a_bad_frame(score: int) -> None:
    """A score outside 1..5 is a bad frame."""
    with pytest.raises(BadFrame):
        apply(in_closed(), Rate(score), T0)


@pytest.mark.parametrize("score", [1, 5])
def test_rating_bounds_are_accepted(score: int) -> None:
    """Scores 1 and 5 are both valid."""
    assert apply(in_closed(), Rate(score), T0).conversation.rating is not None


# --- cancelling the wait, losing the agent, ticks -----------------------------------------------------------------
def test_cancel_waiting_returns_to_the_bot() -> None:
    """Cancelling the wait leaves the queue, resumes the bot with reason cancelled and clears the queue fields."""
    outcome = apply(in_queued(), CancelWaiting(), T0)
    conv = outcome.conversation
    assert (conv.state, conv.queue_skill, conv.queue_score, conv.queued_at, conv.passed_over) == (
        State.BOT,
        None,
        None,
        None,
        (),
    )
    expect_only(
        outcome,
        effects=[ResumeBot({"agent_name": None, "summary": "", "reason": "cancelled"})],
        queue=[QueueOp("hr", None)],
    )
    assert system_events(outcome) == ["cancelled"]


def test_cancel_waiting_withdraws_a_pending_offer() -> None:
    """Cancelling while an offer is pending withdraws it."""
    outcome = apply(in_queued_offered(), CancelWaiting(), T0)
    assert outcome.effects[0] == OfferWithdrawn("ana")
    assert (outcome.conversation.offered_to, outcome.conversation.deadline) == (None, None)


def test_agent_lost_requeues_at_the_old_score() -> None:
    """When the agent is lost the conversation goes back to its skill's queue at its original score."""
    conv = in_with_agent()
    old_score = conv.queue_score
    assert old_score is not None
    outcome = apply(conv, AgentLost("ana", "disconnected"), T0 + 900)
    after = outcome.conversation
    assert (after.state, after.queue_skill, after.queue_score, after.agent, after.reply_deadline) == (
        State.QUEUED,
        "hr",
        old_score,
        None,
        None,
    )
    assert old_score < queue_score("explicit_request", 0.5, T0 + 900)
    expect_only(outcome, queue=[QueueOp("hr", old_score)], load=[AgentOp("ana", add=False)])
    assert outcome.entries[-1].data["reason"] == "disconnected"


def test_tick_before_the_offer_deadline_changes_nothing() -> None:
    """A tick just before the offer deadline leaves the offer in place."""
    conv = in_queued_offered()
    assert apply(conv, Tick(), T0 + 29.9).conversation == conv


def test_tick_at_the_offer_deadline_expires_the_offer() -> None:
    """A tick at the offer deadline withdraws the offer and passes the agent over; the conversation stays queued."""
    outcome = apply(in_queued_offered(), Tick(), T0 + 30)
    conv = outcome.conversation
    assert (conv.state, conv.offered_to, conv.passed_over, conv.deadline) == (State.QUEUED, None, ("ana",), None)
    expect_only(outcome, effects=[OfferWithdrawn("ana")])


def test_passed_over_accumulates_across_offers() -> None:
    """Each lapsed or declined offer adds its agent to passed_over."""
    conv = run(in_queued_offered(), Tick(), now=T0 + 30)
    conv = run(conv, OfferTo(BEN, T0 + 60), Decline("ben"), now=T0 + 31)
    assert conv.passed_over == ("ana", "ben")


def test_tick_at_the_reply_deadline_requeues_at_the_old_score() -> None:
    """An agent who does not answer by the reply deadline loses the conversation; it is requeued at its old score."""
    conv = in_with_agent()
    outcome = apply(conv, Tick(), T0 + 60)
    after = outcome.conversation
    assert (after.state, after.agent, after.queue_score) == (State.QUEUED, None, conv.queue_score)
    expect_only(outcome, queue=[QueueOp("hr", conv.queue_score)], load=[AgentOp("ana", add=False)])
    assert outcome.entries[-1].data["reason"] == "no_reply"


def test_tick_before_the_reply_deadline_changes_nothing() -> None:
    """A tick before the reply deadline keeps the agent."""
    conv = in_with_agent()
    assert apply(conv, Tick(), T0 + 59).conversation == conv


def test_tick_after_the_agent_replied_keeps_the_agent() -> None:
    """Once the agent has replied there is no reply deadline, so a late tick changes nothing."""
    conv = run(in_with_agent(), AgentSaid("ana", "Hi"))
    outcome = apply(conv, Tick(), T0 + 10_000)
    assert outcome.conversation.state is State.WITH_AGENT
    assert outcome.entries == ()


def test_requeued_conversation_can_be_offered_to_the_lost_agent_again() -> None:
    """Requeueing clears passed_over, so routing may offer the conversation to anyone again."""
    conv = run(in_queued_offered(), Decline("ana"), Claim(BEN, T0 + 60), AgentLost("ben", "gone"))
    assert conv.passed_over == ()


# --- round trip ---------------------------------------------------------------------------------------------------
def test_conversation_round_trips_through_json_after_several_events() -> None:
    """A record with escalation, agent, passed_over, client ids, label and rating survives to_dict/JSON/from_dict."""
    conv = run(
        in_bot(),
        EmployeeSaid("help", "m1"),
        Escalate("crisis", "hr", 0.9, {"profile": {"name": "Eve"}, "turns": [1, 2]}),
        OfferTo(ANA, T0 + 30),
        Decline("ana"),
        Claim(BEN, T0 + 60),
        AgentSaid("ben", "Hi", "b1"),
        HandBack("ben", "done", LABEL),
        Close(None),
        Rate(5, "thanks"),
    )
    queued = run(in_queued_offered(), Tick(), now=T0 + 30)
    for record in (conv, queued, in_with_agent()):
        assert Conversation.from_dict(json.loads(json.dumps(record.to_dict()))) == record


def test_entries_round_trip_through_json() -> None:
    """Every entry of a journey survives to_dict/JSON/from_dict unchanged."""
    for entry in (e for o in journey() for e in o.entries):
        assert Entry.from_dict(json.loads(json.dumps(entry.to_dict()))) == entry


def test_nobody_left_to_help_opens_a_ticket_and_returns_to_the_bot() -> None:
    """When every agent went offline, a waiting employee is told, ticketed and handed back to the bot."""
    conv = STATES["queued+offer"]()
    outcome = apply(conv, NobodyAvailable(), T0)
    assert outcome.conversation.state is State.BOT and outcome.conversation.queue_score is None
    assert OpenTicket("nobody_available") in outcome.effects
    assert ResumeBot({"agent_name": None, "summary": "", "reason": "unavailable"}) in outcome.effects
    assert outcome.queue == (QueueOp(conv.queue_skill or "hr", None),)
    assert system_events(outcome) == ["ticket"] and outcome.entries[-1].for_employee


def test_a_ticketed_escalation_is_recorded_and_the_bot_keeps_the_conversation() -> None:
    """No agent was free: the escalation and ticket are kept (for agents and the dashboard); nothing is queued."""
    outcome = apply(STATES["bot"](), Ticketed("acute_distress", "payroll", "77", 0.9, {"evidence": {"x": 1}}), T0)
    conv = outcome.conversation
    assert conv.state is State.BOT and conv.escalated_at == T0
    assert conv.escalation is not None and conv.escalation.reason == "acute_distress"
    assert conv.escalation.packet == {"evidence": {"x": 1}, "ticket": "77"}
    (note,) = outcome.entries
    assert note.kind is Kind.NOTE and not note.for_employee and "#77" in note.text
    expect_only(outcome)


def test_an_unanswered_message_is_relayed_again_once() -> None:
    """If the assistant's answer never comes (the relaying process died), a tick relays the message once more."""
    said = apply(STATES["bot"](), EmployeeSaid("slow question", "c1", retry_at=T0 + 45), T0)
    conv = said.conversation
    entry_id = said.entries[0].id
    assert conv.unanswered == (entry_id, "slow question") and conv.deadline == T0 + 45
    early = apply(conv, Tick(), T0 + 44)
    assert early.effects == () and early.conversation.unanswered is not None
    retried = apply(conv, Tick(), T0 + 45)
    assert retried.effects == (RelayToBot("slow question", entry_id),)
    assert retried.conversation.unanswered is None and retried.conversation.deadline is None
    again = apply(retried.conversation, Tick(), T0 + 200)
    assert again.effects == (), "one retry only"
    answered = apply(conv, BotSaid(({"text": "here you go"},)), T0 + 1)
    assert answered.conversation.unanswered is None and apply(answered.conversation, Tick(), T0 + 99).effects == ()
    assert Conversation.from_dict(conv.to_dict()) == conv


def test_messages_to_people_are_not_tracked_for_a_bot_answer() -> None:
    """While queued or with an agent the relay is for the record only: no retry is armed."""
    for state in ("queued", "with_agent"):
        said = apply(STATES[state](), EmployeeSaid("hello", None, retry_at=T0 + 45), T0)
        assert said.conversation.unanswered is None


def test_the_agent_can_label_once_after_the_employee_ended_the_chat() -> None:
    """An employee ending a chat with an agent leaves the label to that agent, once; nobody else may set it."""
    ended = run(in_with_agent(), Close(None), now=T0)
    assert ended.label is None and ended.agent is not None and ended.agent.id == "ana"
    with pytest.raises(IllegalTransition):
        apply(ended, Close("ben", LABEL), T0 + 1)
    labelled = apply(ended, Close("ana", LABEL), T0 + 1)
    assert labelled.conversation.label is not None and labelled.conversation.label["needed"] == LABEL["needed"]
    assert labelled.conversation.state is State.CLOSED and not labelled.load and not labelled.entries[0].for_employee
    with pytest.raises(IllegalTransition):
        apply(labelled.conversation, Close("ana", LABEL), T0 + 2)
