"""Answers to the routine questions, as pure functions of the store, the employee and the date.

Each function returns a :class:`Reply`: a short answer, optional detail (shown to employees who
prefer detailed answers) and optional buttons. ``ANSWERS`` maps intent names to them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable

from actions.it_tickets import (
    asks_how_to_get,
    asks_to_close,
    asks_to_open_ticket,
    describes_problem,
    fault_category,
    open_ticket_for,
    things_named,
)
from actions.knowledge import find_policy, policy_titles
from actions.parsing import leave_type_from_text, month_named, ticket_number
from actions.profiles import NEW_HIRE_DAYS
from bot.db.store import HRStore, Profile, TicketRecord


@dataclass(frozen=True)
class Ask:
    """What an answer function gets: the store, who asks, when, and what they wrote."""

    store: HRStore
    profile: Profile
    today: dt.date
    text: str
    conversation_id: str = ""
    tickets_opened_here: tuple[int, ...] = ()  # what this conversation already opened, newest first


@dataclass(frozen=True)
class Reply:
    brief: str
    detail: str = ""
    buttons: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    def render(self, style: str | None) -> str:
        """The text for this employee: brief only for those who asked for brief answers."""
        if style == "brief" or not self.detail:
            return self.brief
        return f"{self.brief} {self.detail}"


PAYSLIP_HISTORY = 26  # a year of twice-monthly payslips, and a little more


def money(value: Decimal) -> str:
    return f"${value:,.2f}"


def day(value: dt.date) -> str:
    return value.strftime("%A %-d %B %Y")


def relative_day(moment: dt.datetime, today: dt.date) -> str:
    """'today', 'on Saturday' within a week, else 'on 3 March'."""
    age = (today - moment.date()).days
    if age == 0:
        return "today"
    return f"on {moment:%A}" if 0 < age < 7 else f"on {moment:%-d %B}"


def days(value: Decimal) -> str:
    n = value.normalize()
    return f"{n:f} day" if n == 1 else f"{n:f} days"


LEAVE_NAMES = {"vacation": "vacation", "sick": "sick leave", "personal": "personal leave"}


def pto_balance(a: Ask) -> Reply:
    """The balance of the kind asked about ("how many sick days do I have"), vacation by default."""
    kind = leave_type_from_text(a.text) or "vacation"
    b = a.store.balance(a.profile.id, kind, a.today.year)
    detail = f"That's {days(b.entitled)} for {a.today.year}, minus {days(b.used)} taken"
    detail += f" and {days(b.pending)} waiting for approval." if b.pending else "."
    others = [
        f"{days(a.store.balance(a.profile.id, other, a.today.year).remaining)} of {LEAVE_NAMES[other]}"
        for other in LEAVE_NAMES
        if other != kind
    ]
    detail += f" You also have {' and '.join(others)}."
    return Reply(
        f"You have {days(b.remaining)} of {LEAVE_NAMES[kind]} left this year.",
        detail,
        (("Book time off", "I'd like to book time off"),),
    )


def pto_used(a: Ask) -> Reply:
    kind = leave_type_from_text(a.text) or "vacation"
    b = a.store.balance(a.profile.id, kind, a.today.year)
    detail = f"{days(b.pending)} more are requested and waiting for approval." if b.pending else ""
    return Reply(
        f"You've taken {days(b.used)} of {LEAVE_NAMES[kind]} in {a.today.year}, with {days(b.remaining)} left.",
        detail,
    )


def pto_request_status(a: Ask) -> Reply:
    requests = a.store.leave_requests(a.profile.id, limit=3)
    if not requests:
        return Reply("I can't find any time-off requests from you.", "Say 'book time off' to make one.")
    latest = requests[0]
    state = {
        "pending": "is waiting for your manager's approval",
        "approved": "was approved",
        "rejected": "was declined",
        "cancelled": "was cancelled",
    }.get(latest.status, latest.status)
    brief = (
        f"Your {latest.leave_type} request for {latest.start_date:%-d %b} to {latest.end_date:%-d %b} "
        f"(made {latest.created_at:%-d %b}) {state}."
    )
    others = [f"{r.start_date:%-d %b}-{r.end_date:%-d %b}: {r.status}" for r in requests[1:]]
    return Reply(brief, ("Earlier requests: " + "; ".join(others) + ".") if others else "")


def next_holiday(a: Ask) -> Reply:
    upcoming = a.store.upcoming_holidays(a.today, limit=3)
    if not upcoming:
        return Reply("I don't have the holiday calendar for the coming months yet.")
    first_day, name = upcoming[0]
    when = "today" if first_day == a.today else f"on {day(first_day)}"
    rest = ", ".join(f"{n} ({d:%-d %b})" for d, n in upcoming[1:])
    return Reply(f"The next company holiday is {name}, {when}.", f"After that: {rest}." if rest else "")


def payday(a: Ask) -> Reply:
    nxt = a.store.next_payday(a.today)
    if nxt is None:
        return Reply("I don't have the payroll calendar for the coming weeks yet.")
    when = "today" if nxt == a.today else f"on {day(nxt)}"
    return Reply(
        f"Your next payday is {when}.",
        "We pay twice a month, on the 15th and the last day of the month (the Friday before when "
        "that falls on a weekend).",
    )


def income(a: Ask) -> Reply:
    salary = a.store.salary(a.profile.id)
    slips = a.store.payslips(a.profile.id, limit=1)
    detail = (
        f"Your last payslip ({slips[0].pay_date:%-d %b}) was {money(slips[0].gross)} gross, {money(slips[0].net)} net."
        if slips
        else ""
    )
    return Reply(f"Your annual base salary is {money(salary)}, paid in 24 instalments of {money(salary / 24)}.", detail)


def taxes(a: Ask) -> Reply:
    slips = a.store.payslips(a.profile.id, limit=1)
    year_total = a.store.taxes_this_year(a.profile.id, a.today.year)
    if not slips:
        return Reply("I can't find a payslip for you yet, so there's no tax withheld so far.")
    s = slips[0]
    return Reply(
        f"On your last payslip {money(s.income_tax)} of income tax and {money(s.social_security)} of "
        f"Social Security and Medicare were withheld.",
        f"So far in {a.today.year} you've had {money(year_total)} of income tax withheld. To change your "
        "withholding, submit a new W-4 in the HR portal under Pay > Tax forms.",
    )


def w2(a: Ask) -> Reply:
    year = a.today.year - 1
    return Reply(
        f"Your {year} W-2 is in the HR portal under Pay > Tax forms, ready to download as a PDF.",
        "W-2s are published by January 31 each year. If you need a paper copy mailed, reply 'talk to "
        "payroll' and I'll bring in a person.",
    )


def direct_deposit(a: Ask) -> Reply:
    last4 = a.store.bank_account_last4(a.profile.id)
    on_file = f"Your pay currently goes to the account ending {last4}. " if last4 else ""
    return Reply(
        f"{on_file}To change it, go to the HR portal > Pay > Direct deposit and add the new account.",
        "Changes made before the 5th or the 20th apply to the next payday; you can split pay across "
        "up to three accounts.",
    )


def insurance(a: Ask) -> Reply:
    plans = [p for p in a.store.plans(a.profile.id) if p.kind != "retirement"]
    if not plans:
        return Reply(
            "You're not enrolled in any insurance plan.",
            "You can enrol during open enrollment or within 30 days of a life event.",
        )
    brief = "You're enrolled in " + ", ".join(f"{p.name} ({p.kind})" for p in plans) + "."
    detail = " ".join(f"{p.name}: {p.summary} You pay {money(p.monthly_cost)} a month." for p in plans)
    return Reply(brief, detail)


def insurance_change(a: Ask) -> Reply:
    health = ", ".join(f"{p.name} ({money(p.monthly_cost)}/month)" for p in a.store.all_plans("health"))
    return Reply(
        "You can change plans during open enrollment (November 1-30) or within 30 days of a life event "
        "such as marriage, a birth or a move, in the HR portal under Benefits.",
        f"Health plans on offer: {health}. Adding a dependant needs their date of birth and proof of relationship.",
    )


def rollover_401k(a: Ask) -> Reply:
    return Reply(
        "To roll an old 401(k) into the Kindred 401(k), ask your previous provider for a direct "
        "rollover to 'Kindred 401(k) Plan' and send the rollover form from the HR portal > Benefits.",
        "Direct rollovers aren't taxed. The company matches 100% of the first 4% you contribute; "
        "rolled-over money isn't matched.",
    )


def meeting_schedule(a: Ask) -> Reply:
    start = dt.datetime.combine(a.today, dt.time())
    meetings = a.store.meetings(a.profile.id, start, start + dt.timedelta(days=7))
    if not meetings:
        return Reply("Your calendar is clear for the next seven days.", "Say 'schedule a meeting' to book one.")
    first = meetings[0]
    brief = (
        f"You have {len(meetings)} meeting{'s' if len(meetings) > 1 else ''} in the next 7 days; next: "
        f"{first.title} on {first.starts_at:%A at %H:%M}."
    )
    detail = " ".join(
        f"{m.starts_at:%a %-d %b %H:%M}: {m.title} with {', '.join(m.attendees) or 'no one else'}." for m in meetings
    )
    return Reply(brief, detail)


def opened_here(a: Ask, open_tickets: list[TicketRecord]) -> TicketRecord | None:
    """The newest ticket this conversation opened that is still open."""
    still_open = {t.id: t for t in open_tickets}
    return next((still_open[n] for n in a.tickets_opened_here if n in still_open), None)


def close_buttons(tickets: list[TicketRecord]) -> tuple[tuple[str, str], ...]:
    return tuple((f"#{t.id} {t.summary[:40]}", f"close ticket #{t.id}") for t in tickets)


def close_ticket(a: Ask) -> Reply:
    """'close it, it's working now': the ticket named, else the one this chat opened, else the only open one;
    with several open and none named, a button per ticket (nothing is closed before the press)."""
    open_tickets = a.store.tickets(a.profile.id, open_only=True)
    wanted = ticket_number(a.text)
    if wanted is not None:
        ticket = a.store.ticket(a.profile.id, wanted)
        if ticket is None:
            return Reply(f"I can't find a ticket #{wanted} of yours. Check the number, or ask for your open tickets.")
        if ticket.id not in {t.id for t in open_tickets}:
            return Reply(f"Ticket #{ticket.id} ({ticket.summary}) is already {ticket.status.replace('_', ' ')}.")
    else:
        named = things_named(a.text)  # "the outlook one is fixed now, close it": only a ticket about outlook
        about = [t for t in open_tickets if things_named(t.summary) & named] if named else open_tickets
        here = opened_here(a, about)
        ticket = here or (about[0] if len(about) == 1 else None)
        if ticket is None and named and open_tickets:
            return Reply(
                f"I don't see an open ticket about {', '.join(sorted(named))}. Which ticket should I close?",
                buttons=close_buttons(open_tickets),
            )
    if ticket is None and not open_tickets:
        return Reply("You have no open tickets, so there's nothing to close.")
    if ticket is None:
        return Reply("Which ticket should I close?", buttons=close_buttons(about))
    if not a.store.close_ticket(a.profile.id, ticket.id, a.text):
        return Reply(f"Ticket #{ticket.id} is no longer open, so there's nothing to close.")
    return Reply(
        f"Done: I've closed ticket #{ticket.id} ({ticket.summary}). Glad it's sorted!",
        "If the problem comes back, tell me and I'll open a new ticket.",
    )


def ticket_status(a: Ask) -> Reply:
    if asks_to_close(a.text):
        return close_ticket(a)
    if asks_to_open_ticket(a.text):  # "my monitor keeps flickering, can u open a ticket" is not a status check
        if describes_problem(a.text):
            return it_ticket(a, fault_category(a.text))
        fresh = opened_here(a, a.store.tickets(a.profile.id, open_only=True))
        if fresh:  # "yes pls open a ticket" just after one was opened: say so rather than ask for a problem
            return Reply(
                f"I've already opened ticket #{fresh.id} for that ({fresh.summary}); IT will pick it up "
                "from there. If this is about something else, tell me the problem and I'll open a new ticket."
            )
        return Reply("Of course. What's the problem? Tell me in a sentence or two and I'll open the ticket.")
    wanted = ticket_number(a.text)
    if wanted is not None:
        ticket = a.store.ticket(a.profile.id, wanted)
        if ticket is None:
            return Reply(f"I can't find a ticket #{wanted} of yours. Check the number, or ask for your open tickets.")
        tickets = [ticket]
    else:
        tickets = a.store.tickets(a.profile.id, open_only=True) or a.store.tickets(a.profile.id, limit=1)
    if not tickets:
        return Reply("You have no tickets with us.", "Tell me about the problem and I'll open one.")
    t = tickets[0]
    when = relative_day(t.created_at, a.today)
    brief = f"Ticket #{t.id} ({t.summary}), opened {when}, is {t.status.replace('_', ' ')}."
    others = [f"#{x.id} {x.summary}: {x.status}" for x in tickets[1:]]
    return Reply(brief, ("Also open: " + "; ".join(others) + ".") if others else "")


def onboarding(a: Ask) -> Reply:
    tenure = a.profile.tenure_days(a.today)
    checklist = (
        "1) sign your contract and tax forms in the HR portal, 2) pick benefits within 30 days of your "
        "start, 3) set up direct deposit, 4) finish the security and code-of-conduct training, "
        "5) book a 30-day check-in with your manager"
    )
    manager = (
        f" {a.profile.manager_name} is your manager and your first point of contact." if a.profile.manager_name else ""
    )
    opener = "Welcome aboard!" if tenure <= 90 else "Here's the onboarding checklist."
    return Reply(
        f"{opener} Your onboarding checklist: {checklist}.",
        f"You're in {a.profile.department} ({a.profile.location}).{manager}",
    )


def payslip(a: Ask) -> Reply:
    """The latest payslip, or those of the month asked about ("my payslip for october")."""
    month = month_named(a.text)
    if month is not None:
        return _payslips_of_month(a, month)
    slips = a.store.payslips(a.profile.id, limit=1)
    if not slips:
        return Reply("I can't find a payslip for you yet; your first one arrives on your first payday.")
    s = slips[0]
    return Reply(
        f"Your latest payslip ({day(s.pay_date)}): {money(s.gross)} gross, {money(s.net)} net. "
        "Download it from the HR portal > Pay > Payslips.",
        f"Deductions: income tax {money(s.income_tax)}, Social Security and Medicare "
        f"{money(s.social_security)}, benefits {money(s.benefits)}, 401(k) {money(s.retirement)}.",
    )


def _payslips_of_month(a: Ask, month: int) -> Reply:
    """We pay twice a month, so a month has up to two payslips; the latest such month that has any."""
    slips = a.store.payslips(a.profile.id, limit=PAYSLIP_HISTORY)
    name = dt.date(2000, month, 1).strftime("%B")
    wanted = [s for s in slips if s.pay_date.month == month]
    if not wanted:
        since = f" Your payslips go back to {day(slips[-1].pay_date)}." if slips else ""
        return Reply(f"I can't find a payslip from {name}.{since}")
    year = wanted[0].pay_date.year
    wanted = sorted((s for s in wanted if s.pay_date.year == year), key=lambda s: s.pay_date)
    each = "; ".join(f"{s.pay_date:%-d %B}: {money(s.gross)} gross, {money(s.net)} net" for s in wanted)
    total = sum((s.net for s in wanted), Decimal(0))
    several = len(wanted) > 1
    return Reply(
        f"Your {name} {year} payslip{'s' if several else ''}: {each}. "
        f"Download {'them' if several else 'it'} from the HR portal > Pay > Payslips.",
        f"That's {money(total)} net for the month." if several else "",
    )


def expense_status(a: Ask) -> Reply:
    """A complaint about a claim ("my expense claim got rejected"): the claims made, not a new claim."""
    claims = a.store.expense_claims(a.profile.id)
    if not claims:
        return Reply("I can't see any expense claims of yours in the system.")
    latest = claims[0]
    brief = (
        f"Your latest expense claim, #{latest.id} ({latest.category}, {money(latest.amount)}, made "
        f"{relative_day(latest.created_at, a.today)}), is {latest.status.replace('_', ' ')}."
    )
    others = [f"#{c.id} {c.category} {money(c.amount)}: {c.status}" for c in claims[1:]]
    return Reply(brief, ("Before that: " + "; ".join(others) + ".") if others else "")


def update_personal_details(a: Ask) -> Reply:
    return Reply(
        "You can change your address, phone number, name or emergency contact in the HR portal > "
        "My profile; changes apply straight away.",
        "A legal name change needs a copy of the document; a new address may change your tax "
        "withholding, so check your W-4 too.",
    )


def policy_question(a: Ask) -> Reply:
    found = find_policy(a.text)
    if found is None:
        return Reply(
            "Which policy do you mean? I can summarise: " + ", ".join(policy_titles()) + ".",
            "The full handbook is in the HR portal > Policies.",
        )
    title, summary = found
    return Reply(f"{title}: {summary}", "The full text is in the HR portal > Policies.")


OPENED = "I've opened IT ticket"  # ``tickets_opened_here`` reads the number after it back from the conversation
OPENED_HERE = re.compile(re.escape(OPENED) + r" #(\d+)")


def tickets_opened_here(bot_texts: list[str]) -> tuple[int, ...]:
    """The ticket numbers this conversation was told it opened, newest first."""
    return tuple(int(m) for text in reversed(bot_texts) for m in OPENED_HERE.findall(text))


IT_STEPS = {
    "vpn": "Meanwhile: quit and reopen the VPN client, check you're on a working internet "
    "connection, and make sure the client is version 5.2 or newer.",
    "hardware": "If it's a laptop, a restart and checking the charger often help; "
    "spare loan devices are at the IT desk on each floor.",
    "access": "Access requests need your manager's approval, which IT asks for automatically.",
    "it": "",
}


def it_ticket(a: Ask, category: str) -> Reply:
    """Opens an IT ticket, or adds to the open one about the same thing (never to an unrelated one)."""
    if asks_to_close(a.text):  # "the vpn works again, close the ticket" was read as a vpn report
        return close_ticket(a)
    steps = IT_STEPS.get(category, "")
    open_tickets = a.store.tickets(a.profile.id, open_only=True)
    same = open_ticket_for(open_tickets, category, a.text)
    if same is None and not things_named(a.text):  # "still not working" right after a VPN ticket: that one
        same = opened_here(a, open_tickets)
    if same is not None:
        a.store.add_to_ticket(a.profile.id, same.id, a.text)
        return Reply(
            f"You already have ticket #{same.id} open for this ({same.summary}), opened "
            f"{same.created_at:%A %-d %b}; I've added what you just told me to it.",
            steps,
        )
    ticket_id = a.store.open_ticket(a.profile.id, category, a.text or category)
    return Reply(f"{OPENED} #{ticket_id} for you; IT usually replies within 4 working hours.", steps)


def vpn_issue(a: Ask) -> Reply:
    return it_ticket(a, "vpn")


def hardware_issue(a: Ask) -> Reply:
    if asks_how_to_get(a.text):  # a new hire's "where do I get my laptop?" opened a fault ticket
        first_days = " on your first day" if a.profile.tenure_days(a.today) <= NEW_HIRE_DAYS else ""
        return Reply(
            f"Laptops and other equipment are handed out by IT{first_days}: pick them up at the IT desk on "
            "your floor, with your badge. Anything extra (a second monitor, a headset) needs your manager's "
            "approval, which IT asks for. If something you were promised hasn't arrived, say \"open a "
            "ticket\" and tell me what's missing."
        )
    category = fault_category(a.text)  # "outlook crashes on start" is a fault of an application
    return it_ticket(a, category if things_named(a.text) else "hardware")


def software_access(a: Ask) -> Reply:
    return it_ticket(a, "access")


ANSWERS: dict[str, Callable[[Ask], Reply]] = {
    "pto_balance": pto_balance,
    "pto_used": pto_used,
    "pto_request_status": pto_request_status,
    "next_holiday": next_holiday,
    "payday": payday,
    "income": income,
    "taxes": taxes,
    "w2": w2,
    "direct_deposit": direct_deposit,
    "insurance": insurance,
    "insurance_change": insurance_change,
    "rollover_401k": rollover_401k,
    "meeting_schedule": meeting_schedule,
    "ticket_status": ticket_status,
    "onboarding": onboarding,
    "payslip": payslip,
    "expense_status": expense_status,
    "update_personal_details": update_personal_details,
    "policy_question": policy_question,
    "vpn_issue": vpn_issue,
    "hardware_issue": hardware_issue,
    "software_access": software_access,
}
