"""Loading the employee behind a conversation, off the event loop."""

from __future__ import annotations

from rasa_sdk import Tracker

from actions.context import employee_id
from actions.runtime import Runtime, off_loop
from bot.db.store import Profile, UnknownEmployee

NEW_HIRE_DAYS = 30  # the first month: greeted with onboarding, equipment handed out on the first day

NO_PROFILE = (
    "I can't tell which employee you are, so I can't look up your records. Please open the chat from "
    "the intranet (it signs you in), or ask me a general question."
)


async def load_profile(rt: Runtime, tracker: Tracker) -> Profile | None:
    """The employee's profile, or None when the channel didn't say who they are or the id is unknown."""
    emp = employee_id(tracker)
    if not emp:
        return None
    try:
        return await off_loop(rt.store.profile, emp)
    except UnknownEmployee:
        return None
