"""Fill the store with a fictional company so the product runs out of the box.

Deterministic for a given seed and ``today``: dates are laid out relative to the day of seeding.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.db import models as m

FIRST = [
    "Alex",
    "Priya",
    "Sam",
    "Jordan",
    "Maria",
    "Chen",
    "Fatima",
    "Liam",
    "Aisha",
    "Diego",
    "Hannah",
    "Kenji",
    "Olivia",
    "Noah",
    "Zara",
    "Mateo",
    "Grace",
    "Ibrahim",
    "Sofia",
    "Ethan",
    "Leila",
    "Lucas",
    "Mei",
    "Oscar",
    "Nadia",
    "Tom",
    "Amara",
    "Felix",
    "Yara",
    "Ravi",
]
LAST = [
    "Morgan",
    "Nair",
    "Okafor",
    "Lee",
    "Garcia",
    "Wei",
    "Khan",
    "Murphy",
    "Bello",
    "Rossi",
    "Schmidt",
    "Tanaka",
    "Brown",
    "Kowalski",
    "Ahmed",
    "Silva",
    "Johnson",
    "Haddad",
    "Novak",
    "Park",
    "Dubois",
    "Costa",
    "Lin",
    "Evans",
    "Petrova",
    "Walsh",
    "Mensah",
    "Wagner",
    "Cohen",
    "Patel",
]
DEPARTMENTS = {
    "Engineering": ["Software Engineer", "Senior Software Engineer", "QA Engineer", "Engineering Manager"],
    "Sales": ["Account Executive", "Sales Development Rep", "Sales Manager"],
    "Marketing": ["Marketing Associate", "Content Strategist", "Marketing Manager"],
    "Finance": ["Accountant", "Payroll Specialist", "Finance Manager"],
    "People": ["HR Generalist", "Recruiter", "HR Business Partner"],
    "Operations": ["Warehouse Associate", "Warehouse Supervisor", "Logistics Coordinator"],
    "IT": ["IT Support Technician", "Systems Administrator", "IT Manager"],
}
LOCATIONS = ["Austin", "Denver", "Chicago", "Remote"]

# Demo employees with fixed ids, picked in the widget's demo page and used by the tests.
DEMO = [
    ("E1000", "Jordan Lee", "HR Director", "People", None, -9 * 365, "detailed"),
    ("E1001", "Alex Morgan", "Software Engineer", "Engineering", "E1000", -3 * 365, "detailed"),
    ("E1002", "Priya Nair", "Marketing Associate", "Marketing", "E1000", -10, "detailed"),
    ("E1003", "Sam Okafor", "Warehouse Supervisor", "Operations", "E1000", -5 * 365, "brief"),
]

PLANS = [
    ("health", "Blue Shield PPO", "Nationwide PPO, $500 deductible, 90% coverage after deductible.", "145.00"),
    ("health", "Kaiser HMO", "HMO with $20 copays and no deductible; in-network care only.", "95.00"),
    ("dental", "Delta Dental Plus", "Two cleanings a year, 80% basic and 50% major work.", "22.00"),
    ("vision", "VSP Choice", "Yearly eye exam and a $150 frame allowance.", "8.00"),
    (
        "retirement",
        "Kindred 401(k)",
        "Company matches 100% of the first 4% you contribute; rollovers accepted.",
        "0.00",
    ),
]


def us_holidays(year: int) -> list[tuple[dt.date, str]]:
    """The company's paid holidays for ``year``."""

    def nth_weekday(month: int, weekday: int, n: int) -> dt.date:
        d = dt.date(year, month, 1)
        d += dt.timedelta(days=(weekday - d.weekday()) % 7)
        return d + dt.timedelta(weeks=n - 1)

    def last_weekday(month: int, weekday: int) -> dt.date:
        d = dt.date(year, month + 1, 1) - dt.timedelta(days=1)
        return d - dt.timedelta(days=(d.weekday() - weekday) % 7)

    thanksgiving = nth_weekday(11, 3, 4)
    return [
        (dt.date(year, 1, 1), "New Year's Day"),
        (nth_weekday(1, 0, 3), "Martin Luther King Jr. Day"),
        (last_weekday(5, 0), "Memorial Day"),
        (dt.date(year, 6, 19), "Juneteenth"),
        (dt.date(year, 7, 4), "Independence Day"),
        (nth_weekday(9, 0, 1), "Labor Day"),
        (thanksgiving, "Thanksgiving Day"),
        (thanksgiving + dt.timedelta(days=1), "Day after Thanksgiving"),
        (dt.date(year, 12, 24), "Christmas Eve"),
        (dt.date(year, 12, 25), "Christmas Day"),
    ]


def pay_dates(year: int) -> list[dt.date]:
    """Semi-monthly pay: the 15th and the last day of each month, moved back to a Friday at weekends."""
    days = []
    for month in range(1, 13):
        last = (dt.date(year + (month == 12), month % 12 + 1, 1)) - dt.timedelta(days=1)
        for d in (dt.date(year, month, 15), last):
            while d.weekday() >= 5:
                d -= dt.timedelta(days=1)
            days.append(d)
    return days


def _money(x: float) -> Decimal:
    return Decimal(str(round(x, 2)))


def seed(session: Session, today: dt.date, employees: int = 300, rng_seed: int = 7, reset: bool = False) -> int:
    """Create the company; returns the number of employees. Does nothing if already seeded."""
    if reset:
        for table in reversed(m.Base.metadata.sorted_tables):
            session.execute(delete(table))
        session.commit()
    existing = session.scalar(select(func.count()).select_from(m.Employee))
    if existing:
        return int(existing)
    rng = random.Random(rng_seed)
    people: list[m.Employee] = []
    for emp_id, name, role, dept, manager, start_offset, style in DEMO:
        people.append(_employee(rng, emp_id, name, role, dept, manager, today + dt.timedelta(days=start_offset), style))
    managers = {"E1000"}
    for i in range(len(DEMO), employees):
        dept = rng.choice(sorted(DEPARTMENTS))
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        start = today - dt.timedelta(days=rng.randint(5, 12 * 365))
        manager = rng.choice(sorted(managers))
        emp = _employee(
            rng,
            f"E{1000 + i}",
            name,
            rng.choice(DEPARTMENTS[dept]),
            dept,
            manager,
            start,
            rng.choice(["brief", "detailed"]),
        )
        people.append(emp)
        if emp.role.endswith("Manager") or emp.role.endswith("Supervisor"):
            managers.add(emp.id)
    session.add_all(people)
    session.flush()

    for year in (today.year - 1, today.year, today.year + 1):
        session.add_all(m.Holiday(day=d, name=n) for d, n in us_holidays(year))
        session.add_all(m.PayDate(day=d) for d in pay_dates(year))
    plans = [m.BenefitPlan(kind=k, name=n, summary=s, monthly_cost=Decimal(c)) for k, n, s, c in PLANS]
    session.add_all(plans)
    session.flush()

    past_paydays = [d for y in (today.year - 1, today.year) for d in pay_dates(y) if d <= today][-6:]
    for emp in people:
        tenure_years = (today - emp.start_date).days // 365
        session.add(
            m.LeaveBalance(
                employee_id=emp.id,
                leave_type="vacation",
                year=today.year,
                entitled_days=Decimal(min(25, 20 + tenure_years // 2)),
            )
        )
        session.add(m.LeaveBalance(employee_id=emp.id, leave_type="sick", year=today.year, entitled_days=Decimal(10)))
        session.add(
            m.LeaveBalance(employee_id=emp.id, leave_type="personal", year=today.year, entitled_days=Decimal(3))
        )
        health = plans[0] if rng.random() < 0.6 else plans[1]
        session.add_all(m.BenefitEnrolment(employee_id=emp.id, plan_id=p.id) for p in (health, plans[2], plans[4]))
        gross = float(emp.annual_salary) / 24
        for day in past_paydays:
            if day < emp.start_date:
                continue
            tax, social, benefits, retirement = gross * 0.18, gross * 0.0765, 87.5, gross * 0.04
            session.add(
                m.Payslip(
                    employee_id=emp.id,
                    pay_date=day,
                    gross=_money(gross),
                    income_tax=_money(tax),
                    social_security=_money(social),
                    benefits=_money(benefits),
                    retirement=_money(retirement),
                    net=_money(gross - tax - social - benefits - retirement),
                )
            )
        if tenure_years >= 1:
            start = dt.date(today.year, 1, 1) + dt.timedelta(days=rng.randint(20, 200))
            while start.weekday() >= 5:
                start += dt.timedelta(days=1)
            if start < today - dt.timedelta(days=7):
                session.add(
                    m.LeaveRequest(
                        employee_id=emp.id,
                        leave_type="vacation",
                        start_date=start,
                        end_date=start + dt.timedelta(days=2),
                        working_days=Decimal(3),
                        status="approved",
                    )
                )
    _demo_history(session, today)
    session.commit()
    return len(people)


def _employee(
    rng: random.Random, emp_id: str, name: str, role: str, dept: str, manager: str | None, start: dt.date, style: str
) -> m.Employee:
    first, last = name.split(" ", 1)
    return m.Employee(
        id=emp_id,
        name=name,
        email=f"{first.lower()}.{last.lower()}.{emp_id.lower()}@kindred.example",
        role=role,
        department=dept,
        manager_id=manager,
        location=rng.choice(LOCATIONS),
        start_date=start,
        phone=f"+1 512 555 {rng.randint(1000, 9999)}",
        address=f"{rng.randint(10, 999)} Elm Street",
        emergency_contact=None,
        annual_salary=Decimal(rng.randrange(52000, 165000, 500)),
        bank_account_last4=f"{rng.randint(0, 9999):04d}",
        answer_style=style,
    )


def _demo_history(session: Session, today: dt.date) -> None:
    """Past interactions of the demo employees, so personalised answers have something to refer to."""
    now = dt.datetime.combine(today, dt.time(10, 0))
    three_days_ago = now - dt.timedelta(days=3)
    session.add(
        m.Ticket(
            employee_id="E1003",
            category="hardware",
            summary="Handheld scanner won't charge",
            status="open",
            created_at=three_days_ago,
            updated_at=three_days_ago,
        )
    )
    session.add(
        m.Ticket(
            employee_id="E1001",
            category="vpn",
            summary="VPN drops every few minutes",
            status="resolved",
            created_at=now - dt.timedelta(days=20),
            updated_at=now - dt.timedelta(days=18),
        )
    )
    next_month = today + dt.timedelta(days=30)
    while next_month.weekday() >= 5:
        next_month += dt.timedelta(days=1)
    session.add(
        m.LeaveRequest(
            employee_id="E1003",
            leave_type="vacation",
            start_date=next_month,
            end_date=next_month + dt.timedelta(days=4),
            working_days=Decimal(5),
            status="pending",
            created_at=three_days_ago,
        )
    )
    for emp_id, other, hours, title in (
        ("E1001", "E1000", 26, "1:1 with Jordan"),
        ("E1001", "E1003", 50, "Inventory system sync"),
        ("E1002", "E1000", 20, "Onboarding check-in"),
    ):
        meeting = m.Meeting(organizer_id=other, title=title, starts_at=now + dt.timedelta(hours=hours), minutes=30)
        session.add(meeting)
        session.flush()
        session.add_all(
            [
                m.MeetingAttendee(meeting_id=meeting.id, employee_id=emp_id),
                m.MeetingAttendee(meeting_id=meeting.id, employee_id=other),
            ]
        )
    session.add(
        m.Conversation(
            id="seed-e1003-1",
            employee_id="E1003",
            started_at=three_days_ago,
            last_intent="hardware_issue",
            summary="Reported a scanner that won't charge",
        )
    )
