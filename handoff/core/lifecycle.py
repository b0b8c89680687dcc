"""The conversation lifecycle as a pure function: ``apply(conversation, event, now) -> Outcome``.

    bot ──escalate──▶ queued ──claim──▶ with_agent ──hand back──▶ bot
     │  ▲               │ ▲               │   │
     │  └─offer declined│ └─agent lost────┘   └─close──▶ closed (rating)
     ▼                  ▼
    offered ─escalate─▶ queued ──cancel waiting──▶ bot

No sockets, clocks or awaits: the caller passes ``now`` and performs the returned effects. Every event that
the current state does not allow raises :class:`IllegalTransition`; nothing is silently ignored.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any

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
    Effect,
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
from handoff.core.model import JSON, Conversation, Entry, Escalation, Kind, State
from handoff.core.routing import queue_score
from handoff.errors import AlreadyClaimed, BadFrame, Forbidden, IllegalTransition

CLIENT_IDS_KEPT = 50
OFFER_MARKER = "handoff_offer"


def start(conversation_id: str, employee_id: str, now: float) -> Conversation:
    return Conversation(id=conversation_id, employee_id=employee_id, created_at=now)


class _Draft:
    """Accumulates one event's outcome, numbering log entries as they are added."""

    def __init__(self, conversation: Conversation, now: float) -> None:
        self.conv = conversation
        self.now = now
        self.entries: list[Entry] = []
        self.effects: list[Effect] = []
        self.queue: list[QueueOp] = []
        self.load: list[AgentOp] = []
        self.ack: int | None = None

    def log(self, kind: Kind, text: str = "", author: str | None = None, **data: Any) -> Entry:
        entry = Entry(self.conv.last_id + 1, kind, self.now, text, author, data)
        self.conv = self.conv.with_(last_id=entry.id)
        self.entries.append(entry)
        return entry

    def system(self, text: str, event: str, **data: Any) -> Entry:
        return self.log(Kind.SYSTEM, text, None, event=event, state=self.conv.state.value, **data)

    def outcome(self) -> Outcome:
        return Outcome(
            self.conv, tuple(self.entries), tuple(self.effects), tuple(self.queue), tuple(self.load), self.ack
        )


def _require(conv: Conversation, *states: State) -> None:
    if conv.state not in states:
        allowed = ", ".join(s.value for s in states)
        raise IllegalTransition(f"conversation {conv.id} is {conv.state.value}; needs {allowed}")


def require_owner(conv: Conversation, agent_id: str) -> None:
    """The agent has this conversation now (the web layer checks it too, before asking who is online)."""
    _require(conv, State.WITH_AGENT)
    if conv.agent is None or conv.agent.id != agent_id:
        raise Forbidden(f"agent {agent_id} does not have conversation {conv.id}")


def _remember_client_id(conv: Conversation, sender: str, client_id: str | None, entry_id: int) -> Conversation:
    if client_id is None:
        return conv
    kept = (*conv.recent_client_ids, (f"{sender}/{client_id}", entry_id))[-CLIENT_IDS_KEPT:]
    return conv.with_(recent_client_ids=kept)


def _seen_client_id(conv: Conversation, sender: str, client_id: str | None) -> int | None:
    """The entry a client id of this sender already got: a resend after a reconnect."""
    if client_id is None:
        return None
    key = f"{sender}/{client_id}"
    return next((entry_id for seen, entry_id in conv.recent_client_ids if seen == key), None)


def _enqueue(d: _Draft, skill: str, score: float) -> None:
    d.conv = d.conv.with_(
        state=State.QUEUED,
        queue_skill=skill,
        queue_score=score,
        queued_at=d.now,  # when this wait began (for the wait estimate); the score keeps the place
        offered_to=None,
        offer_deadline=None,
        passed_over=(),
        agent=None,
        claimed_at=None,
        reply_deadline=None,
    )
    d.queue.append(QueueOp(skill, score))


def _withdraw_offer(d: _Draft) -> None:
    if d.conv.offered_to is not None:
        d.effects.append(OfferWithdrawn(d.conv.offered_to))
        d.conv = d.conv.with_(
            offered_to=None,
            offer_deadline=None,
            passed_over=(*d.conv.passed_over, d.conv.offered_to),
            last_offer_end=d.now,
        )


def _release_agent(d: _Draft) -> None:
    if d.conv.agent is not None:
        d.load.append(AgentOp(d.conv.agent.id, add=False))


def _blank(text: str) -> bool:
    """Nothing anyone could read: spaces, or only invisible format characters such as a zero-width space."""
    return all(c.isspace() or unicodedata.category(c) == "Cf" for c in text)


def _employee_said(d: _Draft, e: EmployeeSaid) -> None:
    _require(d.conv, State.BOT, State.OFFERED, State.QUEUED, State.WITH_AGENT)
    if _blank(e.text):
        raise BadFrame("empty message")
    seen = _seen_client_id(d.conv, "employee", e.client_id)
    if seen is not None:
        d.ack = seen  # a resend after a reconnect: already logged, already relayed
        return
    entry = d.log(Kind.EMPLOYEE, e.text)
    d.conv = _remember_client_id(d.conv, "employee", e.client_id, entry.id)
    d.ack = entry.id
    d.effects.append(RelayToBot(e.text, entry.id))
    if e.retry_at is not None and d.conv.state in (State.BOT, State.OFFERED):
        d.conv = d.conv.with_(unanswered=(entry.id, e.text), unanswered_deadline=e.retry_at)


def _answered(d: _Draft) -> None:
    """The assistant answered (or was found down, or people took over): nothing left to relay again."""
    d.conv = d.conv.with_(unanswered=None, unanswered_deadline=None)


def _bot_said(d: _Draft, e: BotSaid) -> None:
    # Replies computed before the pause (the escalation message itself) still arrive once queued.
    _require(d.conv, State.BOT, State.OFFERED, State.QUEUED)
    _answered(d)
    offered = False
    for reply in e.replies:
        custom = reply.get("custom") if isinstance(reply.get("custom"), dict) else {}
        offered = offered or bool(custom and custom.get(OFFER_MARKER))
        buttons = [
            {"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
            for b in reply.get("buttons") or []
            if isinstance(b, dict)
        ]
        text = str(reply.get("text") or "")
        if text or buttons:
            d.log(Kind.BOT, text, "assistant", buttons=buttons)
    if d.conv.state is State.BOT and offered:
        d.conv = d.conv.with_(state=State.OFFERED)
        d.system("", "offered")
    elif d.conv.state is State.OFFERED and not offered:
        d.conv = d.conv.with_(state=State.BOT)  # the employee answered the offer with something else
        d.system("", "offer_declined")


def _tone_scored(d: _Draft, e: ToneScored) -> None:
    _require(d.conv, State.BOT, State.OFFERED, State.QUEUED, State.WITH_AGENT)
    d.log(Kind.TONE, "", None, message_id=e.message_id, tone=e.tone, distress=e.distress, cues=list(e.cues))
    esc = d.conv.escalation
    if esc is None or d.conv.state not in (State.QUEUED, State.WITH_AGENT):
        return
    if e.crisis_resources:
        _crisis_while_with_people(d, e, esc)
        esc = d.conv.escalation or esc
    # Agents' lists show how the employee is now, not only how they were when the assistant escalated;
    # rising distress moves a waiting conversation up (never down), as if it had escalated with it.
    d.conv = d.conv.with_(live_tone=e.tone, live_distress=e.distress)
    if d.conv.state is State.QUEUED and d.conv.queue_score is not None:
        score = min(d.conv.queue_score, queue_score(esc.reason, e.distress, esc.at))
        d.conv = d.conv.with_(queue_score=score)
        d.queue.append(QueueOp(d.conv.queue_skill or esc.skill, score))  # also refreshes the queue views


def _crisis_while_with_people(d: _Draft, e: ToneScored, esc: Escalation) -> None:
    """A crisis cue while waiting for or talking to a person: the employee gets the support resources at
    once (nobody may read the message for minutes), the agents a note, and the conversation the reason
    ``crisis`` (a waiting one moves up the queue)."""
    d.log(Kind.BOT, e.crisis_resources, "assistant", event="crisis_resources")
    d.log(Kind.NOTE, "Crisis cue: the employee was sent the support resources.", "assistant", reason="crisis")
    if esc.reason != "crisis":  # the queue order below then follows the crisis
        d.conv = d.conv.with_(
            escalation=Escalation("crisis", esc.skill, max(esc.distress, e.distress), d.now, esc.packet)
        )


def _escalate(d: _Draft, e: Escalate) -> None:
    _require(d.conv, State.BOT, State.OFFERED, State.QUEUED, State.WITH_AGENT)
    escalation = Escalation(e.reason, e.skill, e.distress, d.now, e.packet)
    if d.conv.state in (State.QUEUED, State.WITH_AGENT):
        # Already with people (e.g. a crisis cue while waiting): update the evidence; a more urgent reason
        # moves a waiting conversation up, never down.
        d.conv = d.conv.with_(escalation=escalation)
        score = queue_score(e.reason, e.distress, d.now)
        if d.conv.state is State.QUEUED and d.conv.queue_score is not None and score < d.conv.queue_score:
            d.conv = d.conv.with_(queue_score=score)
            d.queue.append(QueueOp(d.conv.queue_skill or e.skill, score))
        d.log(Kind.NOTE, f"The assistant escalated again: {e.reason}", "assistant", reason=e.reason)
        return
    reply_on_its_way = d.conv.unanswered_deadline
    _enqueue(d, e.skill, queue_score(e.reason, e.distress, d.now))
    d.conv = d.conv.with_(
        escalation=escalation, escalated_at=d.conv.escalated_at or d.now, live_tone=None, live_distress=None
    )
    _answered(d)
    d.effects.append(PauseBot())
    if reply_on_its_way is None:
        d.system(CONNECTING, "queued", reason=e.reason)
    else:  # shown after the assistant's reply to this turn (or when it is overdue): see _release_held_notice
        d.conv = d.conv.with_(held_notice=CONNECTING, held_notice_deadline=reply_on_its_way)


CONNECTING = "Connecting you with a person. You can keep writing here while you wait."


def _release_held_notice(d: _Draft) -> None:
    """Log the held "connecting you" notice, if any; dropped if the conversation is no longer waiting."""
    text = d.conv.held_notice
    if text is None:
        return
    d.conv = d.conv.with_(held_notice=None, held_notice_deadline=None)
    if d.conv.state is State.QUEUED:
        d.system(text, "queued", reason=d.conv.escalation.reason if d.conv.escalation else None)


def _ticketed(d: _Draft, e: Ticketed) -> None:
    """Recorded for the dashboard (not contained) and for agents; the conversation stays with the bot."""
    _require(d.conv, State.BOT, State.OFFERED)
    escalation = Escalation(e.reason, e.skill, e.distress, d.now, {**e.packet, "ticket": e.ticket})
    d.conv = d.conv.with_(escalation=escalation, escalated_at=d.conv.escalated_at or d.now)
    d.log(Kind.NOTE, f"No one was available: request #{e.ticket} opened ({e.reason}).", "assistant", ticket=e.ticket)


def _bot_failed(d: _Draft, e: BotFailed) -> None:
    _require(d.conv, State.BOT, State.OFFERED)
    _answered(d)
    if e.agents_online:
        _enqueue(d, "hr", queue_score("bot_unavailable", 0.0, d.now))
        d.conv = d.conv.with_(escalation=_unavailable_escalation(d.now), escalated_at=d.conv.escalated_at or d.now)
        d.effects.append(PauseBot())
        d.system(
            "The assistant isn't answering right now, so I'm bringing in a person instead.",
            "queued",
            reason="bot_unavailable",
        )
    else:
        d.effects.append(OpenTicket("bot_unavailable"))
        d.system(
            "The assistant isn't answering right now and no one is online to chat. I've saved this conversation "
            "as a request, and someone will contact you within one working day.",
            "ticket",
        )


def _unavailable_escalation(now: float) -> Escalation:
    return Escalation("bot_unavailable", "hr", 0.0, now, {})


def _offer_to(d: _Draft, e: OfferTo) -> None:
    _require(d.conv, State.QUEUED)
    if d.conv.offered_to is not None:
        raise IllegalTransition(f"conversation {d.conv.id} is already offered to {d.conv.offered_to}")
    d.conv = d.conv.with_(offered_to=e.agent.id, offer_deadline=e.deadline)
    d.effects.append(OfferMade(e.agent.id, e.deadline))


def _claim(d: _Draft, e: Claim) -> None:
    if d.conv.state is State.WITH_AGENT:
        raise AlreadyClaimed(f"conversation {d.conv.id} is with {d.conv.agent.id if d.conv.agent else '?'}")
    _require(d.conv, State.QUEUED)
    skill = d.conv.queue_skill or "hr"
    if d.conv.offered_to is not None and d.conv.offered_to != e.agent.id:
        d.effects.append(OfferWithdrawn(d.conv.offered_to))
    d.queue.append(QueueOp(skill, None))
    d.load.append(AgentOp(e.agent.id, add=True))
    waited = d.now - (d.conv.queued_at if d.conv.queued_at is not None else d.now)
    d.conv = d.conv.with_(
        state=State.WITH_AGENT,
        agent=e.agent,
        claimed_at=d.now,
        reply_deadline=e.reply_deadline,
        offered_to=None,
        offer_deadline=None,
        handled_by_human=True,
        first_human_at=d.conv.first_human_at if d.conv.first_human_at is not None else d.now,
    )
    d.effects.append(WaitObserved(skill, waited))
    d.system(f"{e.agent.label} joined the chat.", "agent_joined", agent=e.agent.name, team=e.agent.team)


def _decline(d: _Draft, e: Decline) -> None:
    _require(d.conv, State.QUEUED)
    if d.conv.offered_to != e.agent_id:
        raise IllegalTransition(f"conversation {d.conv.id} is not offered to {e.agent_id}")
    _withdraw_offer(d)


def _agent_said(d: _Draft, e: AgentSaid) -> None:
    require_owner(d.conv, e.agent_id)
    if _blank(e.text):
        raise BadFrame("empty message")
    seen = _seen_client_id(d.conv, f"agent:{e.agent_id}", e.client_id)
    if seen is not None:
        d.ack = seen
        return
    assert d.conv.agent is not None
    entry = d.log(Kind.AGENT, e.text, d.conv.agent.name, team=d.conv.agent.team)
    d.conv = _remember_client_id(d.conv, f"agent:{e.agent_id}", e.client_id, entry.id).with_(reply_deadline=None)
    d.ack = entry.id


def _add_note(d: _Draft, e: AddNote) -> None:
    _require(d.conv, State.QUEUED, State.WITH_AGENT, State.BOT, State.OFFERED)
    if _blank(e.text):
        raise BadFrame("empty note")
    d.ack = d.log(Kind.NOTE, e.text, e.agent_id).id


def _transfer(d: _Draft, e: Transfer) -> None:
    require_owner(d.conv, e.agent_id)
    if (e.to_agent is None) == (e.to_skill is None):
        raise BadFrame("transfer needs exactly one of to_agent and to_skill")
    assert d.conv.agent is not None
    if e.to_agent is not None:
        if e.to_agent.id == e.agent_id:
            raise IllegalTransition("cannot transfer to yourself")
        d.load.extend([AgentOp(e.agent_id, add=False), AgentOp(e.to_agent.id, add=True)])
        d.conv = d.conv.with_(agent=e.to_agent, claimed_at=d.now, reply_deadline=e.reply_deadline)
        d.system(f"{e.to_agent.label} joined the chat.", "agent_joined", agent=e.to_agent.name, team=e.to_agent.team)
        return
    assert e.to_skill is not None
    _release_agent(d)
    score = d.conv.queue_score if d.conv.queue_score is not None else queue_score("explicit_request", 0.0, d.now)
    _enqueue(d, e.to_skill, score)
    d.system("You're being passed to another team; someone will join shortly.", "queued", reason="transfer")


def _check_label(label: JSON | None) -> JSON:
    if (
        not isinstance(label, dict)
        or not isinstance(label.get("needed"), bool)
        or not isinstance(label.get("tone_right"), bool)
    ):
        raise BadFrame("label needs booleans 'needed' and 'tone_right'")
    return {
        "needed": label["needed"],
        "tone_right": label["tone_right"],
        "comment": str(label.get("comment") or "")[:500],
    }


def _hand_back(d: _Draft, e: HandBack) -> None:
    require_owner(d.conv, e.agent_id)
    assert d.conv.agent is not None
    label = _check_label(e.label)
    agent = d.conv.agent
    _release_agent(d)
    d.conv = d.conv.with_(
        state=State.BOT,
        agent=None,
        reply_deadline=None,
        label=label,
        queue_skill=None,
        queue_score=None,
        queued_at=None,
        released_at=d.now,
    )
    d.effects.append(ResumeBot({"agent_name": agent.name, "summary": e.summary, "reason": "agent"}))
    d.system(f"{agent.name} handed you back to the assistant.", "handed_back", agent=agent.name, summary=e.summary)


def _close(d: _Draft, e: Close) -> None:
    if d.conv.state is State.CLOSED and e.agent_id is not None:
        # The employee ended the chat first: the agent who had it can still label the escalation, once.
        if d.conv.agent is None or d.conv.agent.id != e.agent_id or d.conv.label is not None:
            raise IllegalTransition(f"conversation {d.conv.id} is closed")
        d.conv = d.conv.with_(label=_check_label(e.label))
        d.log(Kind.NOTE, "Labelled after the employee ended the chat.", e.agent_id, labelled=True)
        return
    if e.agent_id is None:
        _require(d.conv, State.BOT, State.OFFERED, State.QUEUED, State.WITH_AGENT)
        label = None
        if d.conv.state is State.QUEUED:
            d.queue.append(QueueOp(d.conv.queue_skill or "hr", None))
            _withdraw_offer(d)
        _release_agent(d)
        by = "employee"
    else:
        require_owner(d.conv, e.agent_id)
        label = _check_label(e.label)
        _release_agent(d)
        by = "agent"
    outcome = "human" if d.conv.handled_by_human else "bot"
    released = d.now if d.conv.state is State.WITH_AGENT else d.conv.released_at
    d.conv = d.conv.with_(
        state=State.CLOSED,
        reply_deadline=None,
        closed_at=d.now,
        outcome=outcome,
        label=label or d.conv.label,
        released_at=released,
    )
    d.system("This chat has ended. How did we do? Rate it from 1 to 5.", "closed", by=by, rating_requested=True)


def _rate(d: _Draft, e: Rate) -> None:
    _require(d.conv, State.CLOSED)
    if d.conv.rating is not None:
        raise IllegalTransition("this conversation was rated already")
    if not 1 <= e.score <= 5:
        raise BadFrame("score must be 1 to 5")
    rating = {"score": e.score, "comment": e.comment[:1000], "at": d.now, "human": d.conv.handled_by_human}
    d.conv = d.conv.with_(rating=rating)
    d.log(Kind.RATING, e.comment[:1000], "employee", score=e.score)


def _back_to_bot_from_queue(d: _Draft, reason: str) -> None:
    """Out of the queue (any pending offer withdrawn) and back to the assistant, which resumes."""
    _require(d.conv, State.QUEUED)
    d.queue.append(QueueOp(d.conv.queue_skill or "hr", None))
    _withdraw_offer(d)
    d.conv = d.conv.with_(state=State.BOT, queue_skill=None, queue_score=None, queued_at=None, passed_over=())
    d.effects.append(ResumeBot({"agent_name": None, "summary": "", "reason": reason}))


def _cancel_waiting(d: _Draft, e: CancelWaiting) -> None:
    _back_to_bot_from_queue(d, "cancelled")
    d.system("You stopped waiting; you're back with the assistant.", "cancelled")


def _nobody_available(d: _Draft, e: NobodyAvailable) -> None:
    _back_to_bot_from_queue(d, "unavailable")
    d.effects.append(OpenTicket("nobody_available"))
    d.system(
        "Everyone who could help has gone offline, so I won't keep you waiting: I've saved this conversation as "
        "a request, and someone will contact you within one working day. You're back with the assistant.",
        "ticket",
    )


def _agent_lost(d: _Draft, e: AgentLost) -> None:
    require_owner(d.conv, e.agent_id)
    _release_agent(d)
    skill = d.conv.queue_skill or (d.conv.escalation.skill if d.conv.escalation else "hr")
    score = d.conv.queue_score if d.conv.queue_score is not None else d.now
    _enqueue(d, skill, score)
    d.system("The person helping you was disconnected; you keep your place in the queue.", "queued", reason=e.why)


def _tick(d: _Draft, e: Tick) -> None:
    if d.conv.unanswered_deadline is not None and d.conv.unanswered_deadline <= d.now:
        pending = d.conv.unanswered
        _answered(d)  # one retry only; if it fails too, the relay reports the assistant as down
        if pending is not None and d.conv.state in (State.BOT, State.OFFERED):
            d.effects.append(RelayToBot(pending[1], pending[0]))
    if d.conv.offer_deadline is not None and d.conv.offer_deadline <= d.now:
        _withdraw_offer(d)
    if d.conv.reply_deadline is not None and d.conv.reply_deadline <= d.now and d.conv.agent is not None:
        _agent_lost(d, AgentLost(d.conv.agent.id, "no_reply"))


_HANDLERS: dict[type[Any], Callable[[_Draft, Any], None]] = {
    EmployeeSaid: _employee_said,
    BotSaid: _bot_said,
    ToneScored: _tone_scored,
    Escalate: _escalate,
    Ticketed: _ticketed,
    BotFailed: _bot_failed,
    OfferTo: _offer_to,
    Claim: _claim,
    Decline: _decline,
    AgentSaid: _agent_said,
    AddNote: _add_note,
    Transfer: _transfer,
    HandBack: _hand_back,
    Close: _close,
    Rate: _rate,
    CancelWaiting: _cancel_waiting,
    NobodyAvailable: _nobody_available,
    AgentLost: _agent_lost,
    Tick: _tick,
}


# Events the employee sees nothing of, or (BotSaid) after which the notice is released.
_KEEP_NOTICE_HELD = (BotSaid, Escalate, OfferTo, Decline, AddNote, Tick)


def apply(conversation: Conversation, event: Event, now: float) -> Outcome:
    """The outcome of ``event`` on ``conversation`` at time ``now``; raises HandoffError if not allowed."""
    draft = _Draft(conversation, now)
    # A held "connecting you" notice goes after the assistant's reply, and before anything else the
    # employee would see (an agent joining, their next message), or when the reply is overdue.
    overdue = conversation.held_notice_deadline is not None and conversation.held_notice_deadline <= now
    if not isinstance(event, _KEEP_NOTICE_HELD) or (isinstance(event, Tick) and overdue):
        _release_held_notice(draft)
    _HANDLERS[type(event)](draft, event)
    if isinstance(event, BotSaid):
        _release_held_notice(draft)
    return draft.outcome()
