"""Tables of the fictional company's HR and IT records.

SQLite by default, PostgreSQL when ``DATABASE_URL`` says so: only portable column types are used.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import declarative_base, relationship
from sqlalchemy.types import TypeDecorator

Base = declarative_base()


class Amount(TypeDecorator):  # type: ignore[type-arg]
    """An exact decimal: NUMERIC on PostgreSQL, an integer count of hundredths on SQLite.

    SQLite has no decimal type and would round-trip money through floats.
    """

    impl = Numeric
    cache_ok = True

    def __init__(self, precision: int = 12, scale: int = 2) -> None:
        super().__init__(precision, scale)
        self._scale = scale

    def load_dialect_impl(self, dialect: Dialect):  # type: ignore[no-untyped-def]
        if dialect.name == "sqlite":
            return dialect.type_descriptor(Integer())
        return dialect.type_descriptor(Numeric(self.impl.precision, self._scale))

    def process_bind_param(self, value, dialect: Dialect):  # type: ignore[no-untyped-def]
        if value is None:
            return None
        if dialect.name == "sqlite":
            return int((Decimal(str(value)) * (10**self._scale)).to_integral_value())
        return Decimal(str(value))

    def process_result_value(self, value, dialect: Dialect):  # type: ignore[no-untyped-def]
        if value is None:
            return None
        if dialect.name == "sqlite":
            return Decimal(int(value)).scaleb(-self._scale)
        return Decimal(value)


class Employee(Base):
    __tablename__ = "employees"

    id = Column(String(16), primary_key=True)
    name = Column(String(120), nullable=False)
    email = Column(String(200), nullable=False, unique=True)
    role = Column(String(120), nullable=False)
    department = Column(String(60), nullable=False)
    manager_id = Column(String(16), ForeignKey("employees.id"), nullable=True)
    location = Column(String(60), nullable=False)
    start_date = Column(Date, nullable=False)
    phone = Column(String(32), nullable=False)
    address = Column(String(200), nullable=False)
    emergency_contact = Column(String(200), nullable=True)
    annual_salary = Column(Amount(12, 2), nullable=False)
    bank_account_last4 = Column(String(4), nullable=True)
    answer_style = Column(String(16), nullable=False, default="detailed")  # brief | detailed

    manager = relationship("Employee", remote_side=[id])


class LeaveBalance(Base):
    __tablename__ = "leave_balances"
    __table_args__ = (UniqueConstraint("employee_id", "leave_type", "year"),)

    id = Column(Integer, primary_key=True)
    employee_id = Column(String(16), ForeignKey("employees.id"), nullable=False, index=True)
    leave_type = Column(String(20), nullable=False)  # vacation | sick | personal
    year = Column(Integer, nullable=False)
    entitled_days = Column(Amount(5, 1), nullable=False)


class LeaveRequest(Base):
    __tablename__ = "leave_requests"

    id = Column(Integer, primary_key=True)
    employee_id = Column(String(16), ForeignKey("employees.id"), nullable=False, index=True)
    leave_type = Column(String(20), nullable=False)
    start_date = Column(Date, nullable=False)
    end_date = Column(Date, nullable=False)
    working_days = Column(Amount(5, 1), nullable=False)
    status = Column(String(16), nullable=False, default="pending")  # pending|approved|rejected|cancelled
    created_at = Column(DateTime, nullable=False, default=dt.datetime.utcnow)


class Holiday(Base):
    __tablename__ = "holidays"

    id = Column(Integer, primary_key=True)
    day = Column(Date, nullable=False, index=True)
    name = Column(String(120), nullable=False)


class PayDate(Base):
    __tablename__ = "pay_dates"

    id = Column(Integer, primary_key=True)
    day = Column(Date, nullable=False, unique=True)


class Payslip(Base):
    __tablename__ = "payslips"

    id = Column(Integer, primary_key=True)
    employee_id = Column(String(16), ForeignKey("employees.id"), nullable=False, index=True)
    pay_date = Column(Date, nullable=False)
    gross = Column(Amount(12, 2), nullable=False)
    income_tax = Column(Amount(12, 2), nullable=False)
    social_security = Column(Amount(12, 2), nullable=False)
    benefits = Column(Amount(12, 2), nullable=False)
    retirement = Column(Amount(12, 2), nullable=False)
    net = Column(Amount(12, 2), nullable=False)


class BenefitPlan(Base):
    __tablename__ = "benefit_plans"

    id = Column(Integer, primary_key=True)
    kind = Column(String(20), nullable=False)  # health | dental | vision | retirement
    name = Column(String(120), nullable=False)
    summary = Column(Text, nullable=False)
    monthly_cost = Column(Amount(8, 2), nullable=False)


class BenefitEnrolment(Base):
    __tablename__ = "benefit_enrolments"
    __table_args__ = (UniqueConstraint("employee_id", "plan_id"),)

    id = Column(Integer, primary_key=True)
    employee_id = Column(String(16), ForeignKey("employees.id"), nullable=False, index=True)
    plan_id = Column(Integer, ForeignKey("benefit_plans.id"), nullable=False)
    plan = relationship(BenefitPlan)


class Meeting(Base):
    __tablename__ = "meetings"

    id = Column(Integer, primary_key=True)
    organizer_id = Column(String(16), ForeignKey("employees.id"), nullable=False, index=True)
    title = Column(String(200), nullable=False)
    starts_at = Column(DateTime, nullable=False)
    minutes = Column(Integer, nullable=False, default=30)


class MeetingAttendee(Base):
    __tablename__ = "meeting_attendees"
    __table_args__ = (UniqueConstraint("meeting_id", "employee_id"),)

    id = Column(Integer, primary_key=True)
    meeting_id = Column(Integer, ForeignKey("meetings.id"), nullable=False, index=True)
    employee_id = Column(String(16), ForeignKey("employees.id"), nullable=False, index=True)


class Ticket(Base):
    __tablename__ = "tickets"

    id = Column(Integer, primary_key=True)
    employee_id = Column(String(16), ForeignKey("employees.id"), nullable=False, index=True)
    category = Column(String(40), nullable=False)
    summary = Column(String(300), nullable=False)
    status = Column(String(16), nullable=False, default="open")  # open | in_progress | resolved
    transcript = Column(Text, nullable=True)
    created_at = Column(DateTime, nullable=False, default=dt.datetime.utcnow)
    updated_at = Column(DateTime, nullable=False, default=dt.datetime.utcnow)


class IdentityCheck(Base):
    """One answer to the identity question before a password reset, kept per employee so that a new
    chat does not bring fresh guesses at a four-digit code."""

    __tablename__ = "identity_checks"

    id = Column(Integer, primary_key=True)
    employee_id = Column(String(16), ForeignKey("employees.id"), nullable=False, index=True)
    passed = Column(Boolean, nullable=False)
    at = Column(DateTime, nullable=False, index=True)


class ExpenseClaim(Base):
    __tablename__ = "expense_claims"

    id = Column(Integer, primary_key=True)
    employee_id = Column(String(16), ForeignKey("employees.id"), nullable=False, index=True)
    category = Column(String(40), nullable=False)
    amount = Column(Amount(10, 2), nullable=False)
    description = Column(String(300), nullable=False)
    status = Column(String(16), nullable=False, default="submitted")
    created_at = Column(DateTime, nullable=False, default=dt.datetime.utcnow)


class Conversation(Base):
    """One chat session with the assistant, kept so later sessions can refer back to it."""

    __tablename__ = "conversations"

    id = Column(String(80), primary_key=True)  # Rasa sender id
    employee_id = Column(String(16), ForeignKey("employees.id"), nullable=False, index=True)
    started_at = Column(DateTime, nullable=False, default=dt.datetime.utcnow)
    last_intent = Column(String(60), nullable=True)
    sensitive = Column(Boolean, nullable=False, default=False)
    summary = Column(String(300), nullable=True)
    escalation_reason = Column(String(40), nullable=True)
    escalation_evidence = Column(Text, nullable=True)  # JSON: what the policy saw when it decided
