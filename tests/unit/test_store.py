"""The HR/IT store on SQLite and PostgreSQL: seeding, queries, and the writes the actions make."""

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from bot.db import models as m
from bot.db.seed import pay_dates, seed, us_holidays
from bot.db.store import HRStore, UnknownEmployee, working_days
from tests.conftest import TODAY


def test_seed_builds_a_company_once(any_store: HRStore) -> None:
    """Seeding fills every table and a second run adds nothing."""
    with any_store._sessions() as s:
        assert s.scalar(select(func.count()).select_from(m.Employee)) == 60
        assert s.scalar(select(func.count()).select_from(m.Payslip)) > 100
        assert seed(s, TODAY, employees=60) == 60
        assert s.scalar(select(func.count()).select_from(m.Employee)) == 60


def test_profile_and_unknown_employee(any_store: HRStore) -> None:
    p = any_store.profile("E1002")
    assert (p.first_name, p.manager_name, p.tenure_days(TODAY)) == ("Priya", "Jordan Lee", 10)
    with pytest.raises(UnknownEmployee):
        any_store.profile("E9999")


def test_leave_balance_counts_approved_and_pending(any_store: HRStore) -> None:
    """A new request is pending and reduces what is left; it shows up as overlapping."""
    before = any_store.balance("E1001", "vacation", TODAY.year)
    start = dt.date(2026, 4, 6)
    any_store.request_leave("E1001", "vacation", start, start + dt.timedelta(days=4), 5)
    after = any_store.balance("E1001", "vacation", TODAY.year)
    assert after.pending == before.pending + 5
    assert after.remaining == before.remaining - 5
    assert [r.start_date for r in any_store.overlapping_leave("E1001", dt.date(2026, 4, 8), dt.date(2026, 4, 8))] == [
        start
    ]
    assert any_store.overlapping_leave("E1001", dt.date(2026, 5, 1), dt.date(2026, 5, 2)) == []


def test_pay_calendar_and_holidays(any_store: HRStore) -> None:
    assert any_store.next_payday(TODAY) == dt.date(2026, 3, 13)  # the 15th is a Sunday: Friday before
    day, name = any_store.upcoming_holidays(TODAY, 1)[0]
    assert (day, name) == (dt.date(2026, 5, 25), "Memorial Day")
    assert any_store.taxes_this_year("E1001", TODAY.year) > 0


def test_tickets_meetings_and_conversations(any_store: HRStore) -> None:
    assert [t.summary for t in any_store.tickets("E1003", open_only=True)] == ["Handheld scanner won't charge"]
    new_id = any_store.open_ticket("E1001", "vpn", "VPN drops", "Employee: it drops")
    assert any_store.ticket("E1001", new_id) is not None
    assert any_store.ticket("E1003", new_id) is None  # someone else's ticket is invisible
    start = dt.datetime.combine(TODAY, dt.time())
    assert any_store.meetings("E1001", start, start + dt.timedelta(days=7))[0].title == "1:1 with Jordan"
    any_store.record_conversation("c1", "E1001", "payday", False)
    any_store.record_conversation("c1", "E1001", "bereavement", True)
    past = any_store.past_conversations("E1001")
    assert past[0].id == "c1" and past[0].sensitive and past[0].last_intent == "bereavement"


def test_find_colleagues_and_contact_updates(any_store: HRStore) -> None:
    assert any_store.find_colleagues("jordan lee")[0] == ("E1000", "Jordan Lee")
    assert any_store.find_colleagues("   ") == []
    any_store.update_contact("E1001", "phone", "+1 512 555 0000")
    with pytest.raises(ValueError):
        any_store.update_contact("E1001", "annual_salary", "1")


def test_expense_claims(any_store: HRStore) -> None:
    claim = any_store.claim_expense("E1001", "travel", Decimal("45.20"), "taxi")
    with any_store._sessions() as s:
        assert s.get(m.ExpenseClaim, claim).amount == Decimal("45.20")


def test_calendars_are_sane() -> None:
    """Pay dates and holidays never fall on a weekend where they shouldn't, and working days skip both."""
    assert all(d.weekday() < 5 for d in pay_dates(2026))
    assert len(pay_dates(2026)) == 24
    assert len(us_holidays(2026)) == 10
    assert working_days(dt.date(2026, 3, 9), dt.date(2026, 3, 15), set()) == 5
    assert working_days(dt.date(2026, 3, 9), dt.date(2026, 3, 13), {dt.date(2026, 3, 11)}) == 4
