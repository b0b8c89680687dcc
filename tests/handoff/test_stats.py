"""The supervisor dashboard numbers, from records built by running real lifecycle events."""

from __future__ import annotations

from pathlib import Path

import aiohttp

from handoff.core.events import Claim, Close, EmployeeSaid, Escalate, HandBack, Rate
from handoff.core.lifecycle import apply, start
from handoff.core.model import AgentRef, Conversation
from handoff.stats import summarize
from tests.handoff.conftest import make_settings
from tests.handoff.harness import handoff_service, http_json

DAY = 86400.0
T0 = 1_800_000_000.0
ALEX = AgentRef("alex", "Alex", "HR")
YES = {"needed": True, "tone_right": True}
NO = {"needed": False, "tone_right": False}


def run(conv: Conversation, *steps: tuple[object, float]) -> Conversation:
    for event, at in steps:
        conv = apply(conv, event, at).conversation  # type: ignore[arg-type]
    return conv


def records() -> list[Conversation]:
    bot_only = run(start("a", "E1", T0), (EmployeeSaid("hi"), T0 + 1), (Close(None), T0 + 60), (Rate(4), T0 + 61))
    tone = run(
        start("b", "E2", T0 + 10),
        (Escalate("acute_distress", "hr", 0.9), T0 + 20),
        (Claim(ALEX, T0 + 999), T0 + 80),  # 60 s to a human
        (HandBack("alex", "done", YES), T0 + 380),  # 300 s handled
    )
    request = run(
        start("c", "E3", T0 + DAY),
        (Escalate("explicit_request", "it", 0.1), T0 + DAY + 5),
        (Claim(ALEX, T0 + DAY + 999), T0 + DAY + 125),
        (Close("alex", NO), T0 + DAY + 225),
        (Rate(2, "slow"), T0 + DAY + 226),
    )
    second_tone = run(
        start("d", "E4", T0 + DAY),
        (Escalate("building_distress", "hr"), T0 + DAY),
        (Claim(ALEX, T0 + 2 * DAY), T0 + DAY + 30),
        (Close("alex", NO), T0 + DAY + 40),
    )
    outside = start("e", "E5", T0 + 30 * DAY)
    return [bot_only, tone, request, second_tone, outside]


def test_the_dashboard_numbers_follow_from_the_conversations() -> None:
    """Containment, reasons, time to a human, handle time, CSAT bot vs human and tone labels over a period."""
    stats = summarize(records(), T0, T0 + 7 * DAY)
    assert (stats["conversations"], stats["contained"], stats["containment_rate"]) == (4, 1, 0.25)
    assert stats["escalations_by_reason"] == {"acute_distress": 1, "explicit_request": 1, "building_distress": 1}
    assert stats["time_to_human_s"] == {"median": 60.0, "mean": (60 + 120 + 30) / 3, "count": 3}
    assert stats["handle_time_s"]["median"] == 100.0 and stats["handle_time_s"]["count"] == 3
    assert stats["csat"] == {"bot": {"mean": 4.0, "count": 1}, "human": {"mean": 2.0, "count": 1}}
    assert stats["tone_escalations"] == {"labelled": 2, "needed": 1, "needed_rate": 0.5}
    assert [d["conversations"] for d in stats["daily"]] == [2, 2]


def test_an_empty_period_has_no_rates() -> None:
    """No conversations: counts are zero and rates are None, not a division error."""
    stats = summarize(records(), T0 - 10 * DAY, T0 - 9 * DAY)
    assert stats["conversations"] == 0 and stats["containment_rate"] is None
    assert stats["time_to_human_s"]["median"] is None and stats["tone_escalations"]["needed_rate"] is None


async def test_stats_need_a_supervisor_token(tmp_path: Path) -> None:
    """Only supervisors read the dashboard; bad periods are refused."""
    async with handoff_service(make_settings(tmp_path, RASA_URL="http://127.0.0.1:9")) as url:
        status, _ = await http_json("GET", f"{url}/api/stats")
        assert status == 401
        _, body = await http_json("POST", f"{url}/api/agents/login", {"agent_id": "alex", "password": "demo-password"})
        status, _ = await http_json("GET", f"{url}/api/stats", headers={"Authorization": f"Bearer {body['token']}"})
        assert status == 403
        _, body = await http_json(
            "POST", f"{url}/api/agents/login", {"agent_id": "morgan", "password": "demo-password"}
        )
        auth = {"Authorization": f"Bearer {body['token']}"}
        status, stats = await http_json("GET", f"{url}/api/stats", headers=auth)
        assert status == 200 and stats["conversations"] == 0
        assert (await http_json("GET", f"{url}/api/stats?from=10&to=5", headers=auth))[0] == 400
        assert (await http_json("GET", f"{url}/api/stats?from=x", headers=auth))[0] == 400


async def test_pages_carry_a_content_security_policy_and_caching(tmp_path: Path) -> None:
    """Pages and assets get CSP, nosniff and caching headers; nothing outside static/ is served."""
    async with (
        handoff_service(make_settings(tmp_path, RASA_URL="http://127.0.0.1:9")) as url,
        aiohttp.ClientSession() as http,
    ):
        for path in ("/", "/console"):
            async with http.get(url + path) as response:
                assert response.status == 200 and response.content_type == "text/html"
                assert "script-src 'self'" in response.headers["Content-Security-Policy"]
                assert response.headers["Cache-Control"] == "no-cache"
        async with http.get(url + "/static/widget.js") as response:
            assert response.status == 200 and "max-age" in response.headers["Cache-Control"]
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert "ETag" in response.headers or "Last-Modified" in response.headers
        for bad in ("/static/../settings.py", "/static/%2e%2e/settings.py", "/static/nope.js"):
            async with http.get(url + bad) as response:
                assert response.status in (403, 404)
