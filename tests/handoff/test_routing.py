"""Queue order, push routing and wait estimates: pure functions checked on hand-picked numbers."""

from __future__ import annotations

import pytest

from handoff.core.routing import (
    DEFAULT_WAIT_ESTIMATE,
    DISTRESS_HEAD_START,
    HEAD_START,
    WAIT_SMOOTHING,
    AgentLoad,
    choose_agent,
    next_wait_estimate,
    priority,
    queue_score,
    wait_estimate,
)

T0 = 1_000_000.0


def agent(agent_id: str, active: int = 0, capacity: int = 3, **kw: object) -> AgentLoad:
    values: dict[str, object] = {"online": True, "skills": frozenset({"hr"}), "pending_offers": 0, **kw}
    return AgentLoad(agent_id, capacity=capacity, active=active, **values)  # type: ignore[arg-type]


# --- queue_score and priority -------------------------------------------------------------------------------------
def test_crisis_goes_ahead_of_repeated_failure_queued_a_little_earlier() -> None:
    """A crisis queued now is served before a repeated failure queued up to the head-start difference earlier."""
    gap = HEAD_START["crisis"] - HEAD_START["repeated_failure"]
    crisis = queue_score("crisis", 0.0, T0)
    assert crisis < queue_score("repeated_failure", 0.0, T0 - gap + 1)


def test_repeated_failure_queued_long_before_stays_ahead_of_a_crisis() -> None:
    """The head start is bounded: a repeated failure that waited longer than the difference stays first."""
    gap = HEAD_START["crisis"] - HEAD_START["repeated_failure"]
    assert queue_score("repeated_failure", 0.0, T0 - gap - 1) < queue_score("crisis", 0.0, T0)


def test_equal_reasons_are_first_in_first_out() -> None:
    """With the same reason and distress, whoever was queued first is served first."""
    assert queue_score("explicit_request", 0.3, T0) < queue_score("explicit_request", 0.3, T0 + 1)


def test_higher_distress_is_served_earlier() -> None:
    """At the same reason and time, higher distress gives a lower (earlier) score."""
    calm = queue_score("explicit_request", 0.1, T0)
    upset = queue_score("explicit_request", 0.9, T0)
    assert upset < calm
    assert calm - upset == pytest.approx(DISTRESS_HEAD_START * 0.8)


@pytest.mark.parametrize(("distress", "clamped"), [(-5.0, 0.0), (0.0, 0.0), (1.0, 1.0), (7.0, 1.0)])
def test_distress_is_clamped_to_zero_one(distress: float, clamped: float) -> None:
    """Distress outside 0..1 counts as its nearest bound."""
    assert queue_score("crisis", distress, T0) == queue_score("crisis", clamped, T0)


def test_unknown_reason_gets_the_smallest_head_start() -> None:
    """An unknown reason gets a one-minute head start, like a repeated failure."""
    assert queue_score("whatever", 0.0, T0) == T0 - 60.0


def test_score_is_now_minus_head_start() -> None:
    """The score is the time queued minus the reason's and distress' head start."""
    assert queue_score("acute_distress", 0.5, T0) == T0 - HEAD_START["acute_distress"] - DISTRESS_HEAD_START * 0.5


def test_priority_is_head_start_plus_time_waited() -> None:
    """Priority shows the head start plus the seconds waited, and grows one point per second."""
    score = queue_score("crisis", 0.0, T0)
    assert priority(score, T0) == HEAD_START["crisis"]
    assert priority(score, T0 + 30) == HEAD_START["crisis"] + 30


def test_priority_orders_like_score() -> None:
    """At any moment, a lower score means a higher priority."""
    scores = [queue_score(r, 0.2, T0 - i * 7) for i, r in enumerate(HEAD_START)]
    by_score = sorted(scores)
    by_priority = sorted(scores, key=lambda s: -priority(s, T0 + 100))
    assert by_score == by_priority


# --- wait estimates -----------------------------------------------------------------------------------------------
def test_first_observed_wait_is_the_estimate() -> None:
    """With no history, the estimate is the observed wait itself."""
    assert next_wait_estimate(None, 42.0) == 42.0


def test_wait_estimate_is_an_exponential_moving_average() -> None:
    """Each observation moves the estimate by WAIT_SMOOTHING of the difference."""
    assert next_wait_estimate(100.0, 200.0) == pytest.approx(100.0 + WAIT_SMOOTHING * 100.0)
    assert next_wait_estimate(100.0, 100.0) == pytest.approx(100.0)


def test_zero_previous_wait_is_history_not_missing() -> None:
    """A previous average of zero is kept as history, not treated as no data."""
    assert next_wait_estimate(0.0, 100.0) == pytest.approx(WAIT_SMOOTHING * 100.0)


def test_wait_estimate_scales_with_position_and_agents() -> None:
    """The estimate grows with the queue position and shrinks with the agents online."""
    assert wait_estimate(1, 60.0, 1) == 60.0
    assert wait_estimate(3, 60.0, 1) == 180.0
    assert wait_estimate(3, 60.0, 3) == 60.0


def test_wait_estimate_without_history_uses_the_default() -> None:
    """Without observed waits the default estimate is used."""
    assert wait_estimate(2, None, 1) == 2 * DEFAULT_WAIT_ESTIMATE


@pytest.mark.parametrize("agents_online", [0, -1])
def test_no_wait_estimate_with_nobody_online(agents_online: int) -> None:
    """With no agents online there is no honest number of minutes (it said "about 1 min")."""
    assert wait_estimate(2, 30.0, agents_online) is None


# --- choose_agent -------------------------------------------------------------------------------------------------
def test_least_busy_agent_is_chosen() -> None:
    """The online agent with the fewest conversations gets the offer."""
    chosen = choose_agent([agent("a", active=2), agent("b", active=0), agent("c", active=1)], "hr")
    assert chosen is not None
    assert chosen.id == "b"


def test_pending_offers_count_as_load() -> None:
    """Pending offers count towards how busy an agent is."""
    chosen = choose_agent([agent("a", active=0, pending_offers=2), agent("b", active=1)], "hr")
    assert chosen is not None
    assert chosen.id == "b"


def test_agent_at_capacity_is_skipped() -> None:
    """An agent with no room left is never chosen, even if less busy agents are absent."""
    assert choose_agent([agent("a", active=3, capacity=3)], "hr") is None
    assert choose_agent([agent("a", active=1, capacity=2, pending_offers=1)], "hr") is None


def test_agent_without_the_skill_is_skipped() -> None:
    """Only agents with the conversation's skill are candidates."""
    agents = [agent("a", skills=frozenset({"it"})), agent("b", active=2, skills=frozenset({"hr", "it"}))]
    chosen = choose_agent(agents, "hr")
    assert chosen is not None
    assert chosen.id == "b"
    assert choose_agent(agents, "payroll") is None


def test_offline_agent_is_skipped() -> None:
    """Offline agents are never chosen."""
    chosen = choose_agent([agent("a", online=False), agent("b", active=2)], "hr")
    assert chosen is not None
    assert chosen.id == "b"


def test_passed_over_agents_are_skipped() -> None:
    """Agents who let the offer lapse or declined it are skipped."""
    agents = [agent("a"), agent("b", active=1)]
    chosen = choose_agent(agents, "hr", passed_over=["a"])
    assert chosen is not None
    assert chosen.id == "b"
    assert choose_agent(agents, "hr", passed_over=("a", "b")) is None


def test_no_agents_means_none() -> None:
    """With nobody to choose from, there is no choice."""
    assert choose_agent([], "hr") is None


def test_tie_prefers_more_capacity_then_lowest_id() -> None:
    """Among equally busy agents, the one with more capacity wins, then the lowest id."""
    chosen = choose_agent([agent("a", capacity=2), agent("b", capacity=5)], "hr")
    assert chosen is not None
    assert chosen.id == "b"
    chosen = choose_agent([agent("zed"), agent("amy"), agent("max")], "hr")
    assert chosen is not None
    assert chosen.id == "amy"


def test_choice_does_not_depend_on_input_order() -> None:
    """The same agents in any order give the same choice."""
    agents = [agent("c", active=1), agent("a", active=1), agent("b", active=1)]
    picks = {choose_agent(order, "hr").id for order in (agents, agents[::-1], agents[1:] + agents[:1])}  # type: ignore[union-attr]
    assert picks == {"a"}


def test_choose_agent_accepts_a_generator() -> None:
    """Agents may be given as any iterable, consumed once."""
    chosen = choose_agent((a for a in [agent("a", active=1), agent("b")]), "hr", passed_over=iter(()))
    assert chosen is not None
    assert chosen.id == "b"


def test_free_is_capacity_minus_active_and_offers() -> None:
    """An agent's free room is capacity minus conversations minus pending offers."""
    assert agent("a", active=1, capacity=4, pending_offers=2).free == 1
