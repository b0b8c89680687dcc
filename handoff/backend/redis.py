"""The Redis backend: state shared by any number of handoff processes.

Keys (all under a prefix, ``kd:`` by default):

    conv:{id}        the conversation record (JSON), changed only by ``commit`` under WATCH/MULTI
    log:{id}         a stream; entry ids are ``{message id}-0``, so XRANGE resumes after any id
    queue:{skill}    sorted set of waiting conversations, score = serving order
    deadlines        sorted set of conversations with a pending offer or reply deadline
    convs            sorted set of all conversations by creation time
    agents           hash of agent accounts; status: hash of chosen presence
    conns:{agent}    sorted set of live sockets by expiry; active:{agent} set of their conversations
    wait:{skill}     moving average of recent waits; tickets (list)
    events           the pub/sub channel every process listens on
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import WatchError

from handoff.backend.base import AgentAccount, Backend, Capacity, Step, commit_message, dumps
from handoff.core.events import Outcome
from handoff.core.model import JSON, Conversation, Entry, State
from handoff.core.routing import next_wait_estimate
from handoff.errors import AtCapacity, NotFound


class RedisBackend(Backend):
    name = "redis"

    def __init__(self, url: str, prefix: str = "kd:", retention: float = 90 * 86400) -> None:
        # redis-py's annotations cover bytes and str replies at once; with decode_responses every reply is str.
        self._redis: Any = aioredis.Redis.from_url(url, decode_responses=True)
        self._p = prefix
        self._retention = int(retention)  # a closed conversation's record and log expire after this

    def _k(self, *parts: str) -> str:
        return self._p + ":".join(parts)

    async def close(self) -> None:
        await self._redis.aclose()

    async def ping(self) -> None:
        await self._redis.ping()

    async def create(self, conversation: Conversation) -> bool:
        created = await self._redis.set(self._k("conv", conversation.id), dumps(conversation.to_dict()), nx=True)
        if created:
            await self._redis.zadd(self._k("convs"), {conversation.id: conversation.created_at})
        return bool(created)

    async def get(self, conversation_id: str) -> Conversation | None:
        raw = await self._redis.get(self._k("conv", conversation_id))
        return Conversation.from_dict(json.loads(raw)) if raw else None

    async def commit(self, conversation_id: str, step: Step, capacity: Capacity | None = None) -> Outcome:
        key = self._k("conv", conversation_id)
        load_key = self._k("active", capacity[0]) if capacity is not None else None
        async with self._redis.pipeline(transaction=True) as pipe:
            while True:
                try:
                    await pipe.watch(key, *([load_key] if load_key else []))
                    raw = await pipe.get(key)
                    if raw is None:
                        raise NotFound(f"conversation {conversation_id}")
                    if capacity is not None and load_key is not None:
                        others = set(await pipe.smembers(load_key)) - {conversation_id}
                        if len(others) >= capacity[1]:
                            raise AtCapacity(f"agent {capacity[0]} is at capacity")
                    outcome = step(Conversation.from_dict(json.loads(raw)))
                    pipe.multi()
                    self._write(pipe, conversation_id, outcome)
                    await pipe.execute()
                    return outcome
                except WatchError:
                    continue

    def _write(self, pipe: Any, cid: str, outcome: Outcome) -> None:
        conv = outcome.conversation
        pipe.set(self._k("conv", cid), dumps(conv.to_dict()))
        for entry in outcome.entries:
            pipe.xadd(self._k("log", cid), {"e": dumps(entry.to_dict())}, id=f"{entry.id}-0")
        for op in outcome.queue:
            if op.score is None:
                pipe.zrem(self._k("queue", op.skill), cid)
            else:
                pipe.zadd(self._k("queue", op.skill), {cid: op.score})
        for load in outcome.load:
            (pipe.sadd if load.add else pipe.srem)(self._k("active", load.agent_id), cid)
        if conv.deadline is None:
            pipe.zrem(self._k("deadlines"), cid)
        else:
            pipe.zadd(self._k("deadlines"), {cid: conv.deadline})
        if conv.state is State.CLOSED:
            pipe.expire(self._k("conv", cid), self._retention)
            pipe.expire(self._k("log", cid), self._retention)
        pipe.publish(self._k("events"), dumps(commit_message(outcome)))

    async def read_log(self, conversation_id: str, after: int = 0) -> list[Entry]:
        rows = await self._redis.xrange(self._k("log", conversation_id), min=f"{after + 1}-0")
        return [Entry.from_dict(json.loads(fields["e"])) for _, fields in rows]

    async def conversations(self, since: float) -> list[Conversation]:
        ids = await self._redis.zrangebyscore(self._k("convs"), since, "+inf")
        if not ids:
            return []
        raws = await self._redis.mget([self._k("conv", cid) for cid in ids])
        expired = [cid for cid, raw in zip(ids, raws, strict=True) if not raw]
        if expired:  # closed records expire (retention); their index entries go when first found missing
            await self._redis.zrem(self._k("convs"), *expired)
        return [Conversation.from_dict(json.loads(raw)) for raw in raws if raw]

    async def due(self, now: float) -> list[str]:
        return list(await self._redis.zrangebyscore(self._k("deadlines"), "-inf", now))

    async def queue(self, skill: str) -> list[tuple[str, float]]:
        return [
            (cid, float(score))
            for cid, score in await self._redis.zrange(self._k("queue", skill), 0, -1, withscores=True)
        ]

    async def observe_wait(self, skill: str, seconds: float) -> None:
        key = self._k("wait", skill)
        async with self._redis.pipeline(transaction=True) as pipe:
            while True:
                try:
                    await pipe.watch(key)
                    raw = await pipe.get(key)
                    pipe.multi()
                    pipe.set(key, repr(next_wait_estimate(float(raw) if raw else None, seconds)))
                    await pipe.execute()
                    return
                except WatchError:
                    continue

    async def average_wait(self, skill: str) -> float | None:
        raw = await self._redis.get(self._k("wait", skill))
        return float(raw) if raw else None

    async def put_account(self, account: AgentAccount) -> None:
        await self._redis.hset(self._k("agents"), account.id, dumps(account.to_dict()))

    async def account(self, agent_id: str) -> AgentAccount | None:
        raw = await self._redis.hget(self._k("agents"), agent_id)
        return AgentAccount.from_dict(json.loads(raw)) if raw else None

    async def accounts(self) -> list[AgentAccount]:
        raws = await self._redis.hvals(self._k("agents"))
        return sorted((AgentAccount.from_dict(json.loads(r)) for r in raws), key=lambda a: a.id)

    async def set_status(self, agent_id: str, status: str) -> None:
        await self._redis.hset(self._k("status"), agent_id, status)

    async def statuses(self) -> dict[str, str]:
        return dict(await self._redis.hgetall(self._k("status")))

    async def heartbeat(self, agent_id: str, connection_id: str, expires_at: float) -> None:
        await self._redis.zadd(self._k("conns", agent_id), {connection_id: expires_at})

    async def drop_connection(self, agent_id: str, connection_id: str) -> None:
        await self._redis.zrem(self._k("conns", agent_id), connection_id)

    async def live_connections(self, agent_id: str, now: float) -> int:
        return int(await self._redis.zcount(self._k("conns", agent_id), f"({now}", "+inf"))

    async def active(self, agent_id: str) -> set[str]:
        return set(await self._redis.smembers(self._k("active", agent_id)))

    async def add_ticket(self, ticket: JSON) -> int:
        number = int(await self._redis.incr(self._k("ticket_seq")))
        await self._redis.rpush(self._k("tickets"), dumps({**ticket, "number": number}))
        return number

    async def publish(self, message: JSON) -> None:
        await self._redis.publish(self._k("events"), dumps(message))

    @asynccontextmanager
    async def subscribe(self) -> AsyncIterator[AsyncIterator[JSON]]:
        pubsub = self._redis.pubsub(ignore_subscribe_messages=False)
        await pubsub.subscribe(self._k("events"))
        while (await pubsub.get_message(timeout=5.0)) is None:  # wait for the server's confirmation
            pass

        async def messages() -> AsyncIterator[JSON]:
            async for raw in pubsub.listen():
                if raw.get("type") == "message":
                    yield json.loads(raw["data"])

        try:
            yield messages()
        finally:
            await pubsub.unsubscribe()
            await pubsub.aclose()
