"""The storage contract, run against both backends: in-process memory and the real local Redis."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from handoff.backend.base import AgentAccount, Backend, commit_message
from handoff.backend.memory import MemoryBackend
from handoff.backend.redis import RedisBackend
from handoff.core.events import (
    AgentSaid,
    Claim,
    Close,
    EmployeeSaid,
    Escalate,
    Event,
    HandBack,
    OfferTo,
    Outcome,
    Rate,
    Transfer,
)
from handoff.core.lifecycle import apply, start
from handoff.core.model import AgentRef, Conversation, State
from handoff.core.routing import queue_score
from handoff.errors import AlreadyClaimed, IllegalTransition, NotFound
from tests.handoff.conftest import REDIS_URL, _drop_prefix

T0 = 1_000_000.0
TIMEOUT = 5.0
ANA = AgentRef("ana", "Ana", "HR")
BEN = AgentRef("ben", "Ben", "Payroll")
LABEL = {"needed": True, "tone_right": True}


def step(event: Event, now: float = T0) -> Any:
    return lambda conv: apply(conv, event, now)


async def new(backend: Backend, cid: str = "c1", created_at: float = T0) -> Conversation:
    conv = start(cid, f"emp-{cid}", created_at)
    assert await backend.create(conv)
    return conv


async def queued(backend: Backend, cid: str = "c1", reason: str = "explicit_request", now: float = T0) -> Outcome:
    await new(backend, cid, now)
    return await backend.commit(cid, step(Escalate(reason, "hr", 0.0), now))


async def next_message(messages: AsyncIterator[dict[str, Any]]) -> dict[str, Any]:
    return await asyncio.wait_for(anext(messages), TIMEOUT)


def as_json(value: Any) -> Any:
    return json.loads(json.dumps(value))


def account(agent_id: str, capacity: int = 3) -> AgentAccount:
    return AgentAccount(agent_id, agent_id.title(), "HR", "agent", frozenset({"hr", "it"}), capacity, "scrypt$x")


# --- records ------------------------------------------------------------------------------------------------------
async def test_create_is_idempotent(backend: Backend) -> None:
    """A second create with the same id returns False and keeps the first record."""
    first = start("c1", "e1", T0)
    assert await backend.create(first) is True
    assert await backend.create(start("c1", "someone-else", T0 + 5)) is False
    assert await backend.get("c1") == first


async def test_get_unknown_is_none(backend: Backend) -> None:
    """Reading a conversation that does not exist gives None."""
    assert await backend.get("nope") is None


async def test_commit_stores_record_entries_and_queue(backend: Backend) -> None:
    """A commit stores the new record, appends its entries and applies its queue change."""
    await new(backend)
    outcome = await backend.commit("c1", step(Escalate("crisis", "hr", 0.5)))
    assert outcome.conversation.state is State.QUEUED
    assert await backend.get("c1") == outcome.conversation
    assert await backend.read_log("c1") == list(outcome.entries)
    assert await backend.queue("hr") == [("c1", queue_score("crisis", 0.5, T0))]


async def test_commit_stores_offer_deadline_load_and_queue_removal(backend: Backend) -> None:
    """Offers set a deadline; a claim removes the queue entry, adds the agent's load and swaps the deadline."""
    await queued(backend)
    await backend.commit("c1", step(OfferTo(ANA, T0 + 30)))
    assert await backend.due(T0 + 30) == ["c1"]
    await backend.commit("c1", step(Claim(ANA, T0 + 60)))
    assert await backend.queue("hr") == []
    assert await backend.active("ana") == {"c1"}
    assert await backend.due(T0 + 59) == []
    assert await backend.due(T0 + 60) == ["c1"]
    await backend.commit("c1", step(AgentSaid("ana", "hi")))
    assert await backend.due(T0 + 10_000) == []


async def test_commit_moves_load_on_transfer_and_releases_on_hand_back(backend: Backend) -> None:
    """A transfer moves the conversation between agents' active sets; a hand-back empties them."""
    await queued(backend)
    await backend.commit("c1", step(Claim(ANA, T0 + 60)))
    await backend.commit("c1", step(Transfer("ana", to_agent=BEN, reply_deadline=T0 + 60)))
    assert (await backend.active("ana"), await backend.active("ben")) == (set(), {"c1"})
    await backend.commit("c1", step(HandBack("ben", "", LABEL)))
    assert await backend.active("ben") == set()


async def test_active_sets_hold_several_conversations(backend: Backend) -> None:
    """An agent's active set holds every conversation they have, and only those."""
    for cid in ("c1", "c2", "c3"):
        await queued(backend, cid)
    await backend.commit("c1", step(Claim(ANA, T0 + 60)))
    await backend.commit("c2", step(Claim(ANA, T0 + 60)))
    await backend.commit("c3", step(Claim(BEN, T0 + 60)))
    assert await backend.active("ana") == {"c1", "c2"}
    assert await backend.active("ben") == {"c3"}
    assert await backend.active("nobody") == set()


async def test_commit_on_unknown_conversation_raises_not_found(backend: Backend) -> None:
    """Committing to a conversation that does not exist raises NotFound and creates nothing."""
    with pytest.raises(NotFound):
        await backend.commit("ghost", step(EmployeeSaid("hi")))
    assert await backend.get("ghost") is None
    assert await backend.read_log("ghost") == []


@pytest.mark.parametrize("error", [IllegalTransition("no"), RuntimeError("bug")])
async def test_step_that_raises_changes_nothing(backend: Backend, error: Exception) -> None:
    """If the step raises, the error propagates and the record, log, queue and load stay as they were."""
    await queued(backend)
    before = (await backend.get("c1"), await backend.read_log("c1"), await backend.queue("hr"))

    def failing(conv: Conversation) -> Outcome:
        raise error

    with pytest.raises(type(error)):
        await backend.commit("c1", failing)
    assert (await backend.get("c1"), await backend.read_log("c1"), await backend.queue("hr")) == before
    assert await backend.active("ana") == set()
    # and the backend still works afterwards
    await backend.commit("c1", step(Claim(ANA, T0 + 60)))
    assert await backend.active("ana") == {"c1"}


async def test_lifecycle_error_propagates_from_commit(backend: Backend) -> None:
    """An illegal event raises its lifecycle error out of commit and leaves the record unchanged."""
    conv = await new(backend)
    with pytest.raises(IllegalTransition):
        await backend.commit("c1", step(Claim(ANA, T0 + 60)))
    assert await backend.get("c1") == conv


# --- logs ---------------------------------------------------------------------------------------------------------
async def test_read_log_after_n_resumes_without_gaps_or_duplicates(backend: Backend) -> None:
    """read_log(after=n) returns exactly the entries with ids above n, in order."""
    await new(backend)
    for n in range(6):
        await backend.commit("c1", step(EmployeeSaid(f"message {n}")))
    everything = await backend.read_log("c1")
    assert [e.id for e in everything] == [1, 2, 3, 4, 5, 6]
    assert [e.text for e in everything] == [f"message {n}" for n in range(6)]
    for after in range(7):
        assert await backend.read_log("c1", after=after) == everything[after:]


async def test_logs_are_per_conversation(backend: Backend) -> None:
    """Each conversation has its own log."""
    await new(backend, "c1")
    await new(backend, "c2")
    await backend.commit("c1", step(EmployeeSaid("one")))
    await backend.commit("c2", step(EmployeeSaid("two")))
    assert [e.text for e in await backend.read_log("c1")] == ["one"]
    assert [e.text for e in await backend.read_log("c2")] == ["two"]


async def test_conversations_since(backend: Backend) -> None:
    """conversations(since) lists the records created at or after ``since``."""
    await new(backend, "old", T0 - 100)
    await new(backend, "edge", T0)
    await new(backend, "new", T0 + 100)
    assert sorted(c.id for c in await backend.conversations(T0)) == ["edge", "new"]
    assert await backend.conversations(T0 + 101) == []


# --- queues, deadlines and waits ----------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["memory", "redis"])
async def test_closed_conversations_are_forgotten_after_retention(kind: str, redis_prefix: str) -> None:
    """Closed records and logs expire on both backends; Redis's dashboard index drops them once found gone."""
    store: Backend = RedisBackend(REDIS_URL, redis_prefix, retention=1) if kind == "redis" else MemoryBackend(1)
    try:
        await new(store, "c-closed")
        await new(store, "c-open")
        await store.commit("c-closed", step(Close(None)))
        assert {c.id for c in await store.conversations(0)} == {"c-closed", "c-open"}
        assert await store.read_log("c-closed"), "kept until the retention has passed"
        await asyncio.sleep(1.2)
        assert [c.id for c in await store.conversations(0)] == ["c-open"]
        assert await store.get("c-closed") is None and await store.read_log("c-closed") == []
        assert await store.get("c-open") is not None, "open conversations are never forgotten"
        if isinstance(store, RedisBackend):
            index = await store._redis.zrange(store._k("convs"), 0, -1)
            assert index == ["c-open"], "the index keeps no entry for an expired record"
    finally:
        await store.close()
        await _drop_prefix(redis_prefix)


async def test_memory_retention_restarts_with_every_write_to_a_closed_conversation() -> None:
    """As Redis re-arms the expiry on each write: a rating after closing keeps the record longer."""
    now = [T0]
    store = MemoryBackend(retention=10, clock=lambda: now[0])
    await new(store, "c1")
    await store.commit("c1", step(Close(None)))
    now[0] = T0 + 5
    await store.commit("c1", step(Rate(4), now[0]))
    now[0] = T0 + 12
    assert await store.get("c1") is not None, "the first expiry was replaced by the rating's"
    now[0] = T0 + 15
    assert await store.get("c1") is None and await store.read_log("c1") == []


async def test_queue_is_in_score_order(backend: Backend) -> None:
    """The queue lists conversations by score, lowest first, whatever the order they joined in."""
    await queued(backend, "late", "explicit_request", T0 + 50)
    await queued(backend, "crisis", "crisis", T0 + 100)
    await queued(backend, "early", "explicit_request", T0)
    assert [cid for cid, _ in await backend.queue("hr")] == ["crisis", "early", "late"]
    assert [score for _, score in await backend.queue("hr")] == sorted(score for _, score in await backend.queue("hr"))


async def test_queue_ties_are_ordered_by_id(backend: Backend) -> None:
    """Conversations with equal scores are listed in id order, the same on every backend."""
    for cid in ("b", "c", "a"):
        await queued(backend, cid)
    assert [cid for cid, _ in await backend.queue("hr")] == ["a", "b", "c"]


async def test_queues_are_per_skill(backend: Backend) -> None:
    """A conversation is only in its own skill's queue."""
    await queued(backend)
    assert await backend.queue("payroll") == []


async def test_due_includes_deadlines_at_or_before_now(backend: Backend) -> None:
    """due(now) lists conversations whose deadline is at or before now, and none later."""
    await queued(backend, "c1")
    await queued(backend, "c2")
    await backend.commit("c1", step(OfferTo(ANA, T0 + 10)))
    await backend.commit("c2", step(OfferTo(BEN, T0 + 20)))
    assert await backend.due(T0 + 9.99) == []
    assert await backend.due(T0 + 10) == ["c1"]
    assert sorted(await backend.due(T0 + 20)) == ["c1", "c2"]


async def test_average_wait_is_a_moving_average_per_skill(backend: Backend) -> None:
    """No waits means None; then the average moves towards each observation, per skill."""
    assert await backend.average_wait("hr") is None
    await backend.observe_wait("hr", 100.0)
    assert await backend.average_wait("hr") == pytest.approx(100.0)
    await backend.observe_wait("hr", 200.0)
    assert await backend.average_wait("hr") == pytest.approx(130.0)
    assert await backend.average_wait("it") is None


async def test_zero_wait_is_an_observation(backend: Backend) -> None:
    """An observed wait of zero seconds is stored as an average, not as no data."""
    await backend.observe_wait("hr", 0.0)
    assert await backend.average_wait("hr") == 0.0
    await backend.observe_wait("hr", 100.0)
    assert await backend.average_wait("hr") == pytest.approx(30.0)


# --- agents -------------------------------------------------------------------------------------------------------
async def test_accounts_are_stored_and_listed_by_id(backend: Backend) -> None:
    """Accounts round-trip, list in id order, and a second put replaces the first."""
    await backend.put_account(account("zoe"))
    await backend.put_account(account("ana"))
    await backend.put_account(account("ana", capacity=5))
    assert await backend.account("ana") == account("ana", capacity=5)
    assert await backend.account("nobody") is None
    assert [a.id for a in await backend.accounts()] == ["ana", "zoe"]


async def test_statuses(backend: Backend) -> None:
    """Each agent's chosen presence is kept, and the latest choice wins."""
    assert await backend.statuses() == {}
    await backend.set_status("ana", "online")
    await backend.set_status("ben", "away")
    await backend.set_status("ana", "offline")
    assert await backend.statuses() == {"ana": "offline", "ben": "away"}


async def test_live_connections_expire_strictly_after_now(backend: Backend) -> None:
    """A heartbeat keeps a connection live while its expiry is after now; at the expiry it no longer counts."""
    await backend.heartbeat("ana", "s1", T0 + 10)
    await backend.heartbeat("ana", "s2", T0 + 20.5)
    assert await backend.live_connections("ana", T0) == 2
    assert await backend.live_connections("ana", T0 + 9.5) == 2
    assert await backend.live_connections("ana", T0 + 10) == 1
    assert await backend.live_connections("ana", T0 + 20.5) == 0
    assert await backend.live_connections("ben", T0) == 0


async def test_heartbeat_renews_and_drop_removes(backend: Backend) -> None:
    """A new heartbeat moves a connection's expiry; dropping it removes it at once."""
    await backend.heartbeat("ana", "s1", T0 + 10)
    await backend.heartbeat("ana", "s1", T0 + 100)
    assert await backend.live_connections("ana", T0 + 50) == 1
    await backend.drop_connection("ana", "s1")
    assert await backend.live_connections("ana", T0) == 0
    await backend.drop_connection("ana", "never-there")


# --- tickets and fan-out ------------------------------------------------------------------------------------------
async def test_ticket_numbers_increase(backend: Backend) -> None:
    """Each ticket gets a number above the previous one."""
    numbers = [await backend.add_ticket({"conversation_id": f"c{n}", "reason": "bot_unavailable"}) for n in range(3)]
    assert numbers == sorted(numbers)
    assert len(set(numbers)) == 3


async def test_subscribe_receives_published_messages(backend: Backend) -> None:
    """A subscriber receives a published message."""
    async with backend.subscribe() as messages:
        await backend.publish({"t": "hello", "n": 1})
        assert await next_message(messages) == {"t": "hello", "n": 1}


async def test_commit_publishes_its_commit_message(backend: Backend) -> None:
    """Every commit publishes commit_message(outcome): conversation, entries, summary, queue flag and load."""
    await new(backend)
    async with backend.subscribe() as messages:
        outcome = await backend.commit("c1", step(Escalate("crisis", "hr", 0.5, {"profile": {"name": "Eve"}})))
        message = await next_message(messages)
        assert message == as_json(commit_message(outcome))
        assert message["t"] == "commit"
        assert (message["cid"], message["employee_id"], message["queue_changed"], message["load"]) == (
            "c1",
            "emp-c1",
            True,
            [],
        )
        assert [e["id"] for e in message["entries"]] == [e.id for e in outcome.entries]
        assert message["summary"]["state"] == "queued"
        assert message["summary"]["employee_name"] == "Eve"
        claim = await backend.commit("c1", step(Claim(ANA, T0 + 60)))
        message = await next_message(messages)
        assert message == as_json(commit_message(claim))
        assert message["load"] == [{"agent_id": "ana", "add": True}]


async def test_failed_commit_publishes_nothing(backend: Backend) -> None:
    """A commit whose step raises publishes no message; the next message is the next real one."""
    await new(backend)
    async with backend.subscribe() as messages:
        with pytest.raises(IllegalTransition):
            await backend.commit("c1", step(Claim(ANA, T0 + 60)))
        await backend.publish({"t": "marker"})
        assert await next_message(messages) == {"t": "marker"}


# --- the claim race -----------------------------------------------------------------------------------------------
async def race(first: Backend, second: Backend, cid: str) -> None:
    await queued(first, cid)
    results = await asyncio.gather(
        first.commit(cid, step(Claim(ANA, T0 + 60))),
        second.commit(cid, step(Claim(BEN, T0 + 60))),
        return_exceptions=True,
    )
    winners = [r for r in results if isinstance(r, Outcome)]
    losers = [r for r in results if not isinstance(r, Outcome)]
    assert len(winners) == 1, results
    assert len(losers) == 1
    assert isinstance(losers[0], AlreadyClaimed), results
    winner = winners[0].conversation.agent
    loser = BEN if winner == ANA else ANA
    assert winner is not None
    record = await first.get(cid)
    assert record is not None
    assert (record.state, record.agent) == (State.WITH_AGENT, winner)
    assert cid in await first.active(winner.id)
    assert cid not in await first.active(loser.id)
    assert [e.data.get("agent") for e in await first.read_log(cid) if e.data.get("event") == "agent_joined"] == [
        winner.name
    ]


async def test_concurrent_claims_have_exactly_one_winner(backend: Backend) -> None:
    """Two agents claiming the same queued conversation at once: one wins, the other gets AlreadyClaimed."""
    for n in range(20):
        await race(backend, backend, f"race-{n}")


# --- two processes sharing Redis ----------------------------------------------------------------------------------
@pytest.fixture
async def two_redis(redis_prefix: str) -> AsyncIterator[tuple[RedisBackend, RedisBackend]]:
    one, two = RedisBackend(REDIS_URL, redis_prefix), RedisBackend(REDIS_URL, redis_prefix)
    try:
        yield one, two
    finally:
        await one.close()
        await two.close()
        await _drop_prefix(redis_prefix)


async def test_second_redis_instance_sees_the_firsts_writes(two_redis: tuple[RedisBackend, RedisBackend]) -> None:
    """Another process on the same Redis and prefix sees records, logs, queues, load and agents."""
    one, two = two_redis
    outcome = await queued(one, "c1")
    assert await two.create(start("c1", "e1", T0)) is False
    assert await two.get("c1") == outcome.conversation
    assert await two.read_log("c1") == list(outcome.entries)
    assert await two.queue("hr") == await one.queue("hr")
    await two.commit("c1", step(Claim(ANA, T0 + 60)))
    assert await one.active("ana") == {"c1"}
    await one.put_account(account("ana"))
    await one.set_status("ana", "online")
    await one.observe_wait("hr", 40.0)
    assert await two.account("ana") == account("ana")
    assert await two.statuses() == {"ana": "online"}
    assert await two.average_wait("hr") == pytest.approx(40.0)


async def test_second_redis_instance_receives_the_firsts_commits(two_redis: tuple[RedisBackend, RedisBackend]) -> None:
    """A subscriber in another process receives the commit messages of the first."""
    one, two = two_redis
    await new(one)
    async with two.subscribe() as messages:
        outcome = await one.commit("c1", step(EmployeeSaid("hi")))
        assert await next_message(messages) == as_json(commit_message(outcome))


async def test_claim_race_across_two_redis_instances(two_redis: tuple[RedisBackend, RedisBackend]) -> None:
    """Two processes claiming the same conversation at once: exactly one wins."""
    one, two = two_redis
    for n in range(20):
        await race(one, two, f"race-{n}")


async def test_different_prefixes_do_not_share(two_redis: tuple[RedisBackend, RedisBackend], redis_prefix: str) -> None:
    """A backend under another prefix sees none of this prefix's state."""
    one, _ = two_redis
    await queued(one, "c1")
    other_prefix = redis_prefix + "other:"
    other = RedisBackend(REDIS_URL, other_prefix)
    try:
        assert await other.get("c1") is None
        assert await other.queue("hr") == []
    finally:
        await other.close()
        await _drop_prefix(other_prefix)


async def test_closed_conversations_expire_in_redis(redis_prefix: str) -> None:
    """Redis keeps a closed conversation's record and log for the retention period only."""
    from handoff.backend.redis import RedisBackend
    from handoff.core.events import Close, EmployeeSaid
    from handoff.core.lifecycle import apply, start
    from tests.handoff.conftest import REDIS_URL, _drop_prefix

    store = RedisBackend(REDIS_URL, redis_prefix, retention=3600)
    try:
        await store.create(start("c-ttl", "E1", 1.0))
        await store.commit("c-ttl", lambda c: apply(c, EmployeeSaid("hi"), 2.0))
        ttl = store._redis.ttl
        assert await ttl(f"{redis_prefix}conv:c-ttl") == -1, "open conversations do not expire"
        await store.commit("c-ttl", lambda c: apply(c, Close(None), 3.0))
        assert 0 < await ttl(f"{redis_prefix}conv:c-ttl") <= 3600
        assert 0 < await ttl(f"{redis_prefix}log:c-ttl") <= 3600
    finally:
        await store.close()
        await _drop_prefix(redis_prefix)


async def test_one_agent_claiming_two_conversations_at_once_respects_capacity(backend: Backend) -> None:
    """Capacity is checked inside the atomic commit: with room for one, exactly one of two claims fits."""
    from handoff.core.events import Claim, Escalate
    from handoff.core.lifecycle import apply, start
    from handoff.core.model import AgentRef
    from handoff.errors import AtCapacity

    ana = AgentRef("ana", "Ana", "HR")
    for round_ in range(10):
        ids = [f"cap-{round_}-{i}" for i in range(2)]
        for cid in ids:
            await backend.create(start(cid, "E1", 1.0))
            await backend.commit(cid, lambda c: apply(c, Escalate("explicit_request", "hr"), 2.0))
        results = await asyncio.gather(
            *(backend.commit(cid, lambda c: apply(c, Claim(ana, 99.0), 3.0), ("ana", 1 + round_ * 1)) for cid in ids),
            return_exceptions=True,
        )
        assert sum(isinstance(r, AtCapacity) for r in results) == 1, results
        assert len(await backend.active("ana")) == round_ + 1
