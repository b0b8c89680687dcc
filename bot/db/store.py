"""Queries the assistant needs, returning plain frozen records (no ORM objects leak to callers)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.db import models as m
from bot.db.engine import make_engine, make_sessions

LEAVE_TYPES = ("vacation", "sick", "personal")


class UnknownEmployee(LookupError):
    """No employee has that id."""


@dataclass(frozen=True)
class Profile:
    id: str
    name: str
    role: str
    department: str
    manager_name: str | None
    location: str
    start_date: dt.date
    answer_style: str
    phone_last4: str

    @property
    def first_name(self) -> str:
        return self.name.split(" ", 1)[0]

    def tenure_days(self, today: dt.date) -> int:
        return (today - self.start_date).days


@dataclass(frozen=True)
class Balance:
    leave_type: str
    entitled: Decimal
    used: Decimal
    pending: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.entitled - self.used - self.pending


@dataclass(frozen=True)
class LeaveRecord:
    id: int
    leave_type: str
    start_date: dt.date
    end_date: dt.date
    working_days: Decimal
    status: str
    created_at: dt.datetime


@dataclass(frozen=True)
class TicketRecord:
    id: int
    category: str
    summary: str
    status: str
    created_at: dt.datetime
    updated_at: dt.datetime


@dataclass(frozen=True)
class ExpenseRecord:
    id: int
    category: str
    amount: Decimal
    status: str
    created_at: dt.datetime


@dataclass(frozen=True)
class MeetingRecord:
    id: int
    title: str
    starts_at: dt.datetime
    minutes: int
    attendees: tuple[str, ...]


@dataclass(frozen=True)
class PayslipRecord:
    pay_date: dt.date
    gross: Decimal
    income_tax: Decimal
    social_security: Decimal
    benefits: Decimal
    retirement: Decimal
    net: Decimal


@dataclass(frozen=True)
class PlanRecord:
    kind: str
    name: str
    summary: str
    monthly_cost: Decimal


@dataclass(frozen=True)
class ConversationRecord:
    id: str
    started_at: dt.datetime
    last_intent: str | None
    sensitive: bool
    summary: str | None


def working_days(start: dt.date, end: dt.date, holidays: set[dt.date]) -> int:
    """Weekdays from ``start`` to ``end`` inclusive that are not company holidays."""
    days, d = 0, start
    while d <= end:
        if d.weekday() < 5 and d not in holidays:
            days += 1
        d += dt.timedelta(days=1)
    return days


COUNTED_STATUSES = ("pending", "approved")  # requests that take days from the balance
OPEN_TICKET_STATUSES = ("open", "in_progress")  # tickets IT still works on


def _leave_record(row: m.LeaveRequest) -> LeaveRecord:
    return LeaveRecord(
        row.id, row.leave_type, row.start_date, row.end_date, Decimal(row.working_days), row.status, row.created_at
    )


def _withdrawable(employee_id: str, today: dt.date) -> tuple[Any, ...]:
    """The employee's requests that still count and have not started: what they can withdraw."""
    return (
        m.LeaveRequest.employee_id == employee_id,
        m.LeaveRequest.status.in_(COUNTED_STATUSES),
        m.LeaveRequest.start_date >= today,
    )


class HRStore:
    """The HR/IT data store behind the assistant's actions."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    @classmethod
    def from_url(cls, database_url: str) -> HRStore:
        return cls(make_sessions(make_engine(database_url)))

    # -- people -------------------------------------------------------------------------------
    def profile(self, employee_id: str) -> Profile:
        with self._sessions() as s:
            emp = s.get(m.Employee, employee_id)
            if emp is None:
                raise UnknownEmployee(employee_id)
            return Profile(
                emp.id,
                emp.name,
                emp.role,
                emp.department,
                emp.manager.name if emp.manager else None,
                emp.location,
                emp.start_date,
                emp.answer_style,
                emp.phone[-4:],
            )

    def find_colleagues(self, name: str, limit: int = 5) -> list[tuple[str, str]]:
        """(id, name) of employees whose name contains every word of ``name``."""
        words = [w for w in name.lower().split() if w]
        if not words:
            return []
        with self._sessions() as s:
            q = select(m.Employee.id, m.Employee.name)
            for w in words:
                q = q.where(func.lower(m.Employee.name).contains(w))
            return [(i, n) for i, n in s.execute(q.order_by(m.Employee.id).limit(limit))]

    def update_contact(self, employee_id: str, field: str, value: str) -> None:
        if field not in {"address", "phone", "emergency_contact"}:
            raise ValueError(f"not an editable field: {field}")
        with self._sessions() as s:
            emp = s.get(m.Employee, employee_id)
            if emp is None:
                raise UnknownEmployee(employee_id)
            setattr(emp, field, value)
            s.commit()

    # -- leave --------------------------------------------------------------------------------
    def holidays_between(self, start: dt.date, end: dt.date) -> set[dt.date]:
        with self._sessions() as s:
            return set(s.scalars(select(m.Holiday.day).where(m.Holiday.day.between(start, end))))

    def upcoming_holidays(self, today: dt.date, limit: int = 3) -> list[tuple[dt.date, str]]:
        with self._sessions() as s:
            rows = s.execute(
                select(m.Holiday.day, m.Holiday.name).where(m.Holiday.day >= today).order_by(m.Holiday.day).limit(limit)
            )
            return [(d, n) for d, n in rows]

    def balance(self, employee_id: str, leave_type: str, year: int) -> Balance:
        """The year's entitlement, taken and pending days.

        A year not set up yet (next year's leave, booked in December) has the entitlement of the latest
        year before it: it renews every January (carry-over is not modelled). A request across New Year
        counts each year's working days in that year.
        """
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        with self._sessions() as s:
            entitled = s.scalar(
                select(m.LeaveBalance.entitled_days)
                .where(
                    m.LeaveBalance.employee_id == employee_id,
                    m.LeaveBalance.leave_type == leave_type,
                    m.LeaveBalance.year <= year,
                )
                .order_by(m.LeaveBalance.year.desc())
                .limit(1)
            )
            rows = s.execute(
                select(
                    m.LeaveRequest.status,
                    m.LeaveRequest.start_date,
                    m.LeaveRequest.end_date,
                    m.LeaveRequest.working_days,
                ).where(
                    m.LeaveRequest.employee_id == employee_id,
                    m.LeaveRequest.leave_type == leave_type,
                    m.LeaveRequest.status.in_(COUNTED_STATUSES),
                    m.LeaveRequest.start_date <= last,
                    m.LeaveRequest.end_date >= first,
                )
            ).all()
        totals = {"approved": Decimal(0), "pending": Decimal(0)}
        for status, start, end, counted in rows:
            if start < first or end > last:  # across New Year: only this year's part
                part = (max(start, first), min(end, last))
                counted = Decimal(working_days(*part, self.holidays_between(*part)))
            totals[status] += Decimal(counted)
        return Balance(leave_type, Decimal(entitled or 0), totals["approved"], totals["pending"])

    def leave_requests(self, employee_id: str, limit: int = 5) -> list[LeaveRecord]:
        with self._sessions() as s:
            rows = s.scalars(
                select(m.LeaveRequest)
                .where(m.LeaveRequest.employee_id == employee_id)
                .order_by(m.LeaveRequest.created_at.desc(), m.LeaveRequest.id.desc())
                .limit(limit)
            )
            return [_leave_record(r) for r in rows]

    def overlapping_leave(self, employee_id: str, start: dt.date, end: dt.date) -> list[LeaveRecord]:
        with self._sessions() as s:
            rows = s.scalars(
                select(m.LeaveRequest).where(
                    m.LeaveRequest.employee_id == employee_id,
                    m.LeaveRequest.status.in_(COUNTED_STATUSES),
                    m.LeaveRequest.start_date <= end,
                    m.LeaveRequest.end_date >= start,
                )
            )
            return [_leave_record(r) for r in rows]

    def request_leave(self, employee_id: str, leave_type: str, start: dt.date, end: dt.date, days: int) -> int:
        with self._sessions() as s:
            req = m.LeaveRequest(
                employee_id=employee_id,
                leave_type=leave_type,
                start_date=start,
                end_date=end,
                working_days=Decimal(days),
                status="pending",
                created_at=dt.datetime.utcnow(),
            )
            s.add(req)
            s.commit()
            return int(req.id)

    def cancellable_leave(self, employee_id: str, today: dt.date) -> list[LeaveRecord]:
        """Requests the employee can still withdraw: pending or approved, not started yet; soonest first."""
        with self._sessions() as s:
            rows = s.scalars(
                select(m.LeaveRequest)
                .where(*_withdrawable(employee_id, today))
                .order_by(m.LeaveRequest.start_date, m.LeaveRequest.id)
            )
            return [_leave_record(r) for r in rows]

    def cancel_leave(self, employee_id: str, request_id: int, today: dt.date) -> LeaveRecord | None:
        """Withdraws one of the employee's requests if it can still be withdrawn; the record as it was, or None."""
        with self._sessions() as s:
            row = s.scalars(
                select(m.LeaveRequest).where(m.LeaveRequest.id == request_id, *_withdrawable(employee_id, today))
            ).first()
            if row is None:
                return None
            record = _leave_record(row)
            row.status = "cancelled"
            s.commit()
            return record

    # -- pay and benefits ---------------------------------------------------------------------
    def next_payday(self, today: dt.date) -> dt.date | None:
        with self._sessions() as s:
            return s.scalar(select(m.PayDate.day).where(m.PayDate.day >= today).order_by(m.PayDate.day).limit(1))

    def salary(self, employee_id: str) -> Decimal:
        with self._sessions() as s:
            value = s.scalar(select(m.Employee.annual_salary).where(m.Employee.id == employee_id))
            if value is None:
                raise UnknownEmployee(employee_id)
            return Decimal(value)

    def payslips(self, employee_id: str, limit: int = 1) -> list[PayslipRecord]:
        with self._sessions() as s:
            rows = s.scalars(
                select(m.Payslip)
                .where(m.Payslip.employee_id == employee_id)
                .order_by(m.Payslip.pay_date.desc())
                .limit(limit)
            )
            return [
                PayslipRecord(
                    r.pay_date,
                    Decimal(r.gross),
                    Decimal(r.income_tax),
                    Decimal(r.social_security),
                    Decimal(r.benefits),
                    Decimal(r.retirement),
                    Decimal(r.net),
                )
                for r in rows
            ]

    def taxes_this_year(self, employee_id: str, year: int) -> Decimal:
        with self._sessions() as s:
            total = s.scalar(
                select(func.sum(m.Payslip.income_tax)).where(
                    m.Payslip.employee_id == employee_id, func.extract("year", m.Payslip.pay_date) == year
                )
            )
            return Decimal(total or 0)

    def bank_account_last4(self, employee_id: str) -> str | None:
        with self._sessions() as s:
            return s.scalar(select(m.Employee.bank_account_last4).where(m.Employee.id == employee_id))

    def plans(self, employee_id: str) -> list[PlanRecord]:
        with self._sessions() as s:
            rows = s.scalars(
                select(m.BenefitPlan)
                .join(m.BenefitEnrolment)
                .where(m.BenefitEnrolment.employee_id == employee_id)
                .order_by(m.BenefitPlan.kind)
            )
            return [PlanRecord(p.kind, p.name, p.summary, Decimal(p.monthly_cost)) for p in rows]

    def all_plans(self, kind: str) -> list[PlanRecord]:
        with self._sessions() as s:
            rows = s.scalars(select(m.BenefitPlan).where(m.BenefitPlan.kind == kind).order_by(m.BenefitPlan.name))
            return [PlanRecord(p.kind, p.name, p.summary, Decimal(p.monthly_cost)) for p in rows]

    # -- meetings -----------------------------------------------------------------------------
    def meetings(self, employee_id: str, start: dt.datetime, end: dt.datetime) -> list[MeetingRecord]:
        with self._sessions() as s:
            rows = s.scalars(
                select(m.Meeting)
                .join(m.MeetingAttendee, m.MeetingAttendee.meeting_id == m.Meeting.id)
                .where(m.MeetingAttendee.employee_id == employee_id, m.Meeting.starts_at.between(start, end))
                .order_by(m.Meeting.starts_at)
            )
            out = []
            for meeting in rows:
                names = s.scalars(
                    select(m.Employee.name)
                    .join(m.MeetingAttendee, m.MeetingAttendee.employee_id == m.Employee.id)
                    .where(m.MeetingAttendee.meeting_id == meeting.id, m.Employee.id != employee_id)
                    .order_by(m.Employee.name)
                )
                out.append(MeetingRecord(meeting.id, meeting.title, meeting.starts_at, meeting.minutes, tuple(names)))
            return out

    def book_meeting(
        self, organizer_id: str, attendee_id: str, starts_at: dt.datetime, title: str, minutes: int = 30
    ) -> int:
        with self._sessions() as s:
            meeting = m.Meeting(organizer_id=organizer_id, title=title, starts_at=starts_at, minutes=minutes)
            s.add(meeting)
            s.flush()
            s.add_all(
                [
                    m.MeetingAttendee(meeting_id=meeting.id, employee_id=organizer_id),
                    m.MeetingAttendee(meeting_id=meeting.id, employee_id=attendee_id),
                ]
            )
            s.commit()
            return int(meeting.id)

    # -- tickets, expenses, conversations ----------------------------------------------------
    def tickets(self, employee_id: str, open_only: bool = False, limit: int = 5) -> list[TicketRecord]:
        with self._sessions() as s:
            q = select(m.Ticket).where(m.Ticket.employee_id == employee_id)
            if open_only:
                q = q.where(m.Ticket.status.in_(OPEN_TICKET_STATUSES))
            rows = s.scalars(q.order_by(m.Ticket.created_at.desc(), m.Ticket.id.desc()).limit(limit))
            return [TicketRecord(t.id, t.category, t.summary, t.status, t.created_at, t.updated_at) for t in rows]

    def ticket(self, employee_id: str, ticket_id: int) -> TicketRecord | None:
        with self._sessions() as s:
            t = s.get(m.Ticket, ticket_id)
            if t is None or t.employee_id != employee_id:
                return None
            return TicketRecord(t.id, t.category, t.summary, t.status, t.created_at, t.updated_at)

    def open_ticket(self, employee_id: str, category: str, summary: str, transcript: str | None = None) -> int:
        now = dt.datetime.utcnow()
        with self._sessions() as s:
            t = m.Ticket(
                employee_id=employee_id,
                category=category,
                summary=summary[:300],
                status="open",
                transcript=transcript,
                created_at=now,
                updated_at=now,
            )
            s.add(t)
            s.commit()
            return int(t.id)

    def add_to_ticket(self, employee_id: str, ticket_id: int, text: str) -> bool:
        """Append the employee's new report to their open ticket (and mark it updated)."""
        with self._sessions() as s:
            t = s.get(m.Ticket, ticket_id)
            if t is None or t.employee_id != employee_id:
                return False
            t.transcript = ((t.transcript or "") + f"\nEmployee (follow-up): {text[:1000]}").strip()
            t.updated_at = dt.datetime.utcnow()
            s.commit()
            return True

    def close_ticket(self, employee_id: str, ticket_id: int, text: str) -> bool:
        """Mark the employee's open ticket resolved because they said the problem went away; False if it
        is not theirs or no longer open."""
        with self._sessions() as s:
            t = s.get(m.Ticket, ticket_id)
            if t is None or t.employee_id != employee_id or t.status not in OPEN_TICKET_STATUSES:
                return False
            t.status = "resolved"
            t.transcript = ((t.transcript or "") + f"\nEmployee (closed it): {text[:1000]}").strip()
            t.updated_at = dt.datetime.utcnow()
            s.commit()
            return True

    def record_identity_check(self, employee_id: str, passed: bool, at: dt.datetime) -> None:
        with self._sessions() as s:
            s.add(m.IdentityCheck(employee_id=employee_id, passed=passed, at=at))
            s.commit()

    def failed_identity_checks(self, employee_id: str, since: dt.datetime) -> int:
        """Wrong codes since ``since`` that no later right code has cleared, in any conversation."""
        with self._sessions() as s:
            checks = m.IdentityCheck
            last_pass = s.scalar(
                select(func.max(checks.at)).where(checks.employee_id == employee_id, checks.passed.is_(True))
            )
            start = max(since, last_pass) if last_pass is not None else since
            count = s.scalar(
                select(func.count(checks.id)).where(
                    checks.employee_id == employee_id, checks.passed.is_(False), checks.at >= start
                )
            )
            return int(count or 0)

    def expense_claims(self, employee_id: str, limit: int = 3) -> list[ExpenseRecord]:
        """The employee's latest expense claims, newest first."""
        with self._sessions() as s:
            q = select(m.ExpenseClaim).where(m.ExpenseClaim.employee_id == employee_id)
            rows = s.scalars(q.order_by(m.ExpenseClaim.created_at.desc(), m.ExpenseClaim.id.desc()).limit(limit))
            return [ExpenseRecord(c.id, c.category, Decimal(c.amount), c.status, c.created_at) for c in rows]

    def claim_expense(self, employee_id: str, category: str, amount: Decimal, description: str) -> int:
        with self._sessions() as s:
            claim = m.ExpenseClaim(
                employee_id=employee_id,
                category=category,
                amount=amount,
                description=description[:300],
                status="submitted",
                created_at=dt.datetime.utcnow(),
            )
            s.add(claim)
            s.commit()
            return int(claim.id)

    def record_conversation(
        self, conversation_id: str, employee_id: str, last_intent: str | None, sensitive: bool
    ) -> None:
        with self._sessions() as s:
            conv = s.get(m.Conversation, conversation_id)
            if conv is None:
                conv = m.Conversation(id=conversation_id, employee_id=employee_id, started_at=dt.datetime.utcnow())
                s.add(conv)
            conv.last_intent = last_intent or conv.last_intent
            conv.sensitive = bool(conv.sensitive) or sensitive
            s.commit()

    def record_escalation(self, conversation_id: str, employee_id: str, reason: str, evidence: dict[str, Any]) -> None:
        """Store why the conversation went to a person, with the evidence, next to the conversation."""
        with self._sessions() as s:
            conv = s.get(m.Conversation, conversation_id)
            if conv is None:
                conv = m.Conversation(id=conversation_id, employee_id=employee_id, started_at=dt.datetime.utcnow())
                s.add(conv)
            conv.escalation_reason = reason
            conv.escalation_evidence = json.dumps(evidence, default=str)
            s.commit()

    def escalation(self, conversation_id: str) -> tuple[str, dict[str, Any]] | None:
        with self._sessions() as s:
            conv = s.get(m.Conversation, conversation_id)
            if conv is None or conv.escalation_reason is None:
                return None
            return conv.escalation_reason, json.loads(conv.escalation_evidence or "{}")

    def past_conversations(
        self, employee_id: str, exclude: str | None = None, limit: int = 3
    ) -> list[ConversationRecord]:
        with self._sessions() as s:
            q = select(m.Conversation).where(m.Conversation.employee_id == employee_id)
            if exclude:
                q = q.where(m.Conversation.id != exclude)
            rows = s.scalars(q.order_by(m.Conversation.started_at.desc()).limit(limit))
            return [ConversationRecord(c.id, c.started_at, c.last_intent, bool(c.sensitive), c.summary) for c in rows]
