"""Agent accounts: the demo team and adding real ones."""

from __future__ import annotations

from handoff.auth import hash_password
from handoff.backend.base import AgentAccount, Backend

DEMO_AGENTS = (
    ("alex", "Alex", "HR", "agent", ("hr", "payroll"), 3),
    ("sam", "Sam", "IT", "agent", ("it",), 3),
    ("morgan", "Morgan", "People Ops", "supervisor", ("hr", "payroll", "it"), 2),
)


async def seed_demo_agents(backend: Backend, password: str) -> list[str]:
    """Create the demo agents once (existing accounts are left alone, so changed passwords stay)."""
    created = []
    for agent_id, name, team, role, skills, capacity in DEMO_AGENTS:
        if await backend.account(agent_id) is None:
            await backend.put_account(
                AgentAccount(agent_id, name, team, role, frozenset(skills), capacity, hash_password(password))
            )
            created.append(agent_id)
    return created
