"""action_escalate against a real HTTP handoff endpoint on loopback: live agent, refusal, unreachable."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from aiohttp import web

from actions.care import ActionEscalate
from actions.handoff_payload import tenure_months
from actions.runtime import Runtime
from bot.serve import free_port
from bot.settings import load_settings
from tests.conftest import TODAY, run_action
from tests.trackers import BRIEF, NEW_HIRE, tracker


class FakeHandoff:
    """A tiny handoff service: answers availability and records escalations it receives."""

    def __init__(self, available: bool, status: int = 202, delay: float = 0.0) -> None:
        self.available, self.status, self.delay = available, status, delay
        self.received: list[dict[str, Any]] = []
        self.port = free_port()
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None

    async def _availability(self, request: web.Request) -> web.Response:
        await asyncio.sleep(self.delay)
        return web.json_response({"available": self.available, "skill": request.query.get("skill")})

    async def _escalation(self, request: web.Request) -> web.Response:
        self.received.append(await request.json())
        return web.json_response({"queued": True}, status=self.status)

    def __enter__(self) -> FakeHandoff:
        app = web.Application()
        app.router.add_get("/api/availability", self._availability)
        app.router.add_post("/api/escalations", self._escalation)
        self._runner = web.AppRunner(app)
        self._loop.run_until_complete(self._runner.setup())
        self._loop.run_until_complete(web.TCPSite(self._runner, "127.0.0.1", self.port).start())
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._runner is not None
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        self._loop.close()


@pytest.fixture
def handoff_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Point the settings at a URL for one test (settings are read once, so the cache is reset)."""

    def use(url: str) -> None:
        monkeypatch.setenv("HANDOFF_URL", url)
        load_settings.cache_clear()

    yield use
    load_settings.cache_clear()


DECISION = {"decision": "escalate", "reason": "acute_distress", "evidence": {"intent": "payday", "distress": 0.97}}


def test_live_agent_gets_the_escalation(rt: Runtime, domain: dict[str, Any], handoff_url: Any) -> None:
    with FakeHandoff(available=True) as service:
        handoff_url(f"http://127.0.0.1:{service.port}")
        events, messages = run_action(
            ActionEscalate(), tracker("payday", "I'M FURIOUS", slots={"escalation": DECISION}), domain
        )
    assert "bringing in someone from Payroll" in messages[-1]["text"]
    assert {"event": "slot", "name": "handoff_requested", "value": True, "timestamp": None} in events
    (payload,) = service.received
    assert payload["reason"] == "acute_distress" and payload["skill"] == "payroll"
    assert payload["evidence"]["distress"] == 0.97 and payload["conversation_id"] == "test-conversation"


@pytest.mark.parametrize(("available", "status"), [(False, 202), (True, 500)])
def test_no_agent_or_refusal_falls_back_to_a_ticket(
    available: bool, status: int, rt: Runtime, domain: dict[str, Any], handoff_url: Any
) -> None:
    with FakeHandoff(available=available, status=status) as service:
        handoff_url(f"http://127.0.0.1:{service.port}")
        _, messages = run_action(ActionEscalate(), tracker("payday", "ugh", slots={"escalation": DECISION}), domain)
    assert "No one from Payroll is free" in messages[-1]["text"] and "request #" in messages[-1]["text"]
    recorded = [r for r in service.received if "ticket" in r]
    assert len(recorded) == 1 and recorded[0]["reason"] == DECISION["reason"], "the service learns of the ticket"
    assert recorded[0]["ticket"] in messages[-1]["text"]


def test_unreachable_handoff_service_falls_back(rt: Runtime, domain: dict[str, Any], handoff_url: Any) -> None:
    handoff_url(f"http://127.0.0.1:{free_port()}")  # nothing listens there
    _, messages = run_action(ActionEscalate(), tracker("payday", "ugh", slots={"escalation": DECISION}), domain)
    assert "request #" in messages[-1]["text"]


def test_slow_handoff_service_falls_back(rt: Runtime, domain: dict[str, Any], handoff_url: Any) -> None:
    """Past the client's one-second timeout the escalation goes on as a ticket instead of failing."""
    with FakeHandoff(available=True, delay=2.0) as service:
        handoff_url(f"http://127.0.0.1:{service.port}")
        _, messages = run_action(ActionEscalate(), tracker("payday", "ugh", slots={"escalation": DECISION}), domain)
    assert "request #" in messages[-1]["text"]
    assert [sorted(r) for r in service.received] == [
        sorted(["conversation_id", "employee_id", "reason", "evidence", "skill", "ticket"])
    ]


def test_crisis_after_a_ticket_still_reaches_a_live_agent(
    rt: Runtime, domain: dict[str, Any], handoff_url: Any
) -> None:
    crisis = {"decision": "escalate", "reason": "crisis", "evidence": {}, "crisis": True}
    with FakeHandoff(available=True) as service:
        handoff_url(f"http://127.0.0.1:{service.port}")
        t = tracker("out_of_scope", "i can't go on", slots={"escalation": crisis, "handoff_ticket": "1"})
        _, messages = run_action(ActionEscalate(), t, domain)
    assert service.received and service.received[0]["reason"] == "crisis"
    assert "bringing in someone" in messages[-1]["text"]


def test_escalation_payload_carries_context(rt: Runtime, domain: dict[str, Any], handoff_url: Any) -> None:
    """The handoff service receives the tone, the request's slots, the profile and recent history as JSON."""
    rt.store.record_conversation("earlier-chat", BRIEF, "payslip", False)
    for n in range(6):
        rt.store.open_ticket(BRIEF, "access", f"Access request {n}")
    decision = {
        "decision": "escalate",
        "reason": "acute_distress",
        "evidence": {"intent": "hardware_issue", "distress": 0.97, "cues": ["shouting: STILL", "intensifier: so"]},
    }
    slots = {
        "escalation": decision,
        "tone": "angry",
        "distress": 0.97,
        "tone_timeline": [["neutral", 0.1], ["angry", 0.97]],
        "escalation_state": {"turns": 2},
        "session_started_metadata": {"employee_id": BRIEF},
        "employee_first_name": "Sam",
        "identity_code": "1234",
        "it_request": "account_locked",
        "leave_type": "sick",
        "leave_start": None,
    }
    with FakeHandoff(available=True) as service:
        handoff_url(f"http://127.0.0.1:{service.port}")
        run_action(ActionEscalate(), tracker("hardware_issue", "SO BROKEN", employee=BRIEF, slots=slots), domain)
    (payload,) = service.received
    assert {"conversation_id", "employee_id", "reason", "evidence", "skill", "tone_timeline"} <= set(payload)
    assert (payload["tone"], payload["distress"]) == ("angry", 0.97)
    assert payload["cues"] == ["shouting: STILL", "intensifier: so"]
    assert payload["slots"] == {"it_request": "account_locked", "leave_type": "sick"}  # no bookkeeping, no secrets
    profile = rt.store.profile(BRIEF)
    assert payload["profile"] == {
        "id": BRIEF,
        "name": profile.name,
        "first_name": "Sam",
        "job_title": profile.role,
        "department": profile.department,
        "manager_name": profile.manager_name,
        "start_date": profile.start_date.isoformat(),
        "tenure_months": tenure_months(profile.start_date, TODAY),
        "location": profile.location,
        "is_new_hire": False,
    }
    history = payload["past_conversations"]
    assert len(history) == 5 and [h["kind"] for h in history].count("ticket") >= 1
    assert all(set(h) == {"kind", "id", "date", "topic", "status", "summary", "sensitive"} for h in history)
    dates = [h["date"] for h in history]
    assert dates == sorted(dates, reverse=True) and all(dt.datetime.fromisoformat(d) for d in dates)
    assert "test-conversation" not in {h["id"] for h in history}  # not this conversation


def test_escalation_payload_without_tone_or_history(rt: Runtime, domain: dict[str, Any], handoff_url: Any) -> None:
    """A request for a person before any scoring: neutral, no cues, and a new hire flagged as such."""
    with FakeHandoff(available=True) as service:
        handoff_url(f"http://127.0.0.1:{service.port}")
        run_action(ActionEscalate(), tracker("request_human", "a person please", employee=NEW_HIRE), domain)
    (payload,) = service.received
    assert (payload["tone"], payload["distress"], payload["cues"], payload["slots"]) == ("neutral", 0.0, [], {})
    assert payload["profile"]["is_new_hire"] is True and payload["profile"]["tenure_months"] == 0
    assert payload["past_conversations"] == []


def test_an_accepted_offer_goes_to_the_team_of_the_request_before_it(
    rt: Runtime, domain: dict[str, Any], handoff_url: Any
) -> None:
    """'Yes please' to an offer after a payslip complaint reaches Payroll, with the distress that led there."""
    earlier = {
        "event": "user",
        "text": "my payslip is wrong again",
        "parse_data": {"intent": {"name": "payslip", "confidence": 0.9}},
    }
    accepted = {"decision": "escalate", "reason": "accepted_offer", "evidence": {"intent": "affirm"}}
    slots = {"escalation": accepted, "distress": 0.02, "distress_trend": 0.71}
    with FakeHandoff(available=True) as service:
        handoff_url(f"http://127.0.0.1:{service.port}")
        _, messages = run_action(
            ActionEscalate(), tracker("affirm", "yes please", slots=slots, events=[earlier]), domain
        )
    (payload,) = service.received
    assert payload["skill"] == "payroll" and "from Payroll" in messages[-1]["text"]
    assert payload["distress"] == 0.71
