"""Generated KPI test data: tickets, SLA clocks, surveys and complaints written straight to the
database (no services), so each test can build hundreds of tickets with known outcomes fast.

`raw_figures()` computes the dashboard figures again directly from those raw rows, in plain
Python, independently of kpi/services/rollup.py: the tests compare the two.
"""

from __future__ import annotations

import random
import zoneinfo
from datetime import date, datetime, timedelta

from django.conf import settings

from sla.models import Clock, ClockKind
from surveys.models import Complaint, TicketSurvey
from tickets.models import OPEN_STATUSES, Kind, ServiceType, Status, Ticket

SHANGHAI = zoneinfo.ZoneInfo(settings.TIME_ZONE)
_serial = iter(range(1, 10_000_000))


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def make_ticket(contract, *, created_at, requester, assignee=None, service_type=None,
                priority=3, kind=Kind.FAULT, resolved_at=None, status=None,
                first_line=False, reopen_count=0, cancelled_at=None, asset=None,
                title="Generated fault") -> Ticket:
    if status is None:
        status = (Status.CANCELLED if cancelled_at else
                  Status.RESOLVED if resolved_at else Status.DISPATCHED)
    return Ticket.objects.create(
        number=f"T-{next(_serial):07d}", contract=contract, kind=kind,
        service_type=service_type or ServiceType.objects.order_by("pk").first(),
        priority=priority, title=title, requester=requester, logged_by=requester,
        assignee=assignee, status=status, created_at=created_at, updated_at=created_at,
        resolved_at=resolved_at, cancelled_at=cancelled_at,
        resolution_code="fixed" if status in (Status.RESOLVED, Status.CLOSED) else "",
        first_line_resolution=first_line, reopen_count=reopen_count, asset=asset)


def make_clock(ticket, kind, *, met=None, stopped_at=None, breached_at=None) -> Clock:
    return Clock.objects.create(
        ticket=ticket, kind=kind, calendar=ticket.contract.calendar, target_seconds=3600,
        started_at=ticket.created_at, stopped_at=stopped_at, met=met, breached_at=breached_at,
        running_since=None if stopped_at else ticket.created_at)


def make_survey(ticket, *, sent_at, overall=None, engineer=None) -> TicketSurvey:
    answered = overall is not None
    return TicketSurvey.objects.create(
        ticket=ticket, contract=ticket.contract, requester=ticket.requester,
        engineer=engineer if engineer is not None else ticket.assignee,
        token=f"tok-{next(_serial)}", sent_at=sent_at, expires_at=sent_at + timedelta(days=7),
        answered_at=sent_at + timedelta(hours=2) if answered else None,
        fixed=True if answered else None, overall=overall)


def make_complaint(contract, *, received_at, registered_by, ticket=None, engineer=None,
                   major=False) -> Complaint:
    return Complaint.objects.create(
        number=f"TS-X-{next(_serial):07d}", contract=contract, channel="phone",
        complainant_name="投诉人", ticket=ticket, engineer=engineer, major=major,
        description="generated", received_at=received_at,
        answer_due=received_at + timedelta(hours=24),
        resolution_due=received_at.date() + timedelta(days=9),
        registered_by=registered_by, created_at=received_at)


def generate(contract, *, people, start: date, days: int, seed: int = 7) -> None:
    """A month-like mix on `contract`: every case the rollup rules distinguish.

    Per ticket: a response clock (met, breached, breached-then-stopped late, stopped late
    without a breach mark, still running); an arrival clock on some (or "not needed");
    a resolution clock on the resolved ones; surveys on most resolved tickets, some answered;
    complaints on a few; times spread over the day, including late evening (the UTC date
    differs from the Shanghai date)."""
    rng = random.Random(seed)
    engineers = people["engineers"]
    requesters = people["requesters"]
    types = list(ServiceType.objects.order_by("pk")[:3])
    for offset in range(days):
        day = start + timedelta(days=offset)
        for _ in range(rng.randint(3, 9)):
            created = at(day, rng.choice([0, 1, 8, 9, 10, 14, 17, 22, 23]), rng.randint(0, 59))
            engineer = rng.choice(engineers + [None])
            outcome = rng.random()
            resolved_at = cancelled_at = None
            if outcome < 0.65:
                resolved_at = created + timedelta(hours=rng.choice([1, 3, 20, 50, 200]))
            elif outcome < 0.7:
                cancelled_at = created + timedelta(hours=rng.choice([2, 30]))
            ticket = make_ticket(
                contract, created_at=created, requester=rng.choice(requesters),
                assignee=engineer, service_type=rng.choice(types),
                priority=rng.choice([1, 2, 3, 3, 3, 4]),
                kind=rng.choice([Kind.FAULT, Kind.FAULT, Kind.REQUEST]),
                resolved_at=resolved_at, cancelled_at=cancelled_at,
                first_line=bool(resolved_at) and rng.random() < 0.4,
                reopen_count=1 if resolved_at and rng.random() < 0.1 else 0)
            _clocks(rng, ticket)
            if resolved_at and rng.random() < 0.8:
                make_survey(ticket, sent_at=resolved_at,
                            overall=rng.choice([None, None, 1, 2, 3, 4, 5, 5, 5]))
            if rng.random() < 0.05:
                make_complaint(contract, received_at=created + timedelta(hours=30),
                               registered_by=people["desk"], ticket=ticket,
                               engineer=ticket.assignee, major=rng.random() < 0.3)
        if rng.random() < 0.2:  # a complaint about no ticket in particular
            make_complaint(contract, received_at=at(day, 16), registered_by=people["desk"])


def _clocks(rng, ticket) -> None:
    created = ticket.created_at
    case = rng.random()
    if case < 0.6:
        make_clock(ticket, ClockKind.RESPONSE, met=True,
                   stopped_at=created + timedelta(minutes=20))
    elif case < 0.75:
        make_clock(ticket, ClockKind.RESPONSE, met=False,
                   breached_at=created + timedelta(hours=1),
                   stopped_at=created + timedelta(hours=rng.choice([2, 40])))
    elif case < 0.85:
        # Stopped late between two runs of the SLA job: no breach mark, verdict "not met".
        make_clock(ticket, ClockKind.RESPONSE, met=False,
                   stopped_at=created + timedelta(hours=2))
    elif case < 0.93:
        make_clock(ticket, ClockKind.RESPONSE, breached_at=created + timedelta(hours=1))
    else:
        make_clock(ticket, ClockKind.RESPONSE)  # still running, no verdict yet
    arrival = rng.random()
    if arrival < 0.3:
        make_clock(ticket, ClockKind.ARRIVAL, met=arrival < 0.25,
                   stopped_at=created + timedelta(hours=3),
                   breached_at=None if arrival < 0.25 else created + timedelta(hours=2))
    elif arrival < 0.4:
        make_clock(ticket, ClockKind.ARRIVAL, met=None, stopped_at=created + timedelta(hours=1))
    if ticket.resolved_at:
        late = rng.random() < 0.15
        make_clock(ticket, ClockKind.RESOLUTION, met=not late, stopped_at=ticket.resolved_at,
                   breached_at=created + timedelta(hours=8) if late else None)


# --- The same figures, from the raw rows, without the rollup ----------------------------------

def _local_day(moment: datetime) -> date:
    return moment.astimezone(SHANGHAI).date()


def _in(moment, start: date, end: date) -> bool:
    return moment is not None and start <= _local_day(moment) <= end


def _ratio(part, whole):
    return part / whole if whole else None


def raw_figures(contract, start: date, end: date, *, engineer=None, service_type=None) -> dict:
    tickets = [t for t in Ticket.objects.filter(contract=contract)
               if (engineer is None or t.assignee_id == engineer.pk)
               and (service_type is None or t.service_type_id == service_type.pk)]
    ids = {t.pk for t in tickets}
    opened = [t for t in tickets if _in(t.created_at, start, end)]
    resolved = [t for t in tickets if _in(t.resolved_at, start, end)]
    figures = {
        "tickets_opened": len(opened), "tickets_resolved": len(resolved),
        "first_line_resolution_rate": _ratio(sum(t.first_line_resolution for t in resolved),
                                             len(resolved)),
        "reopen_rate": _ratio(sum(t.reopen_count > 0 for t in resolved), len(resolved)),
        "mttr_minutes": (round(sum(int((t.resolved_at - t.created_at).total_seconds())
                                   for t in resolved) / len(resolved) / 60, 1)
                         if resolved else None),
    }
    by_id = {t.pk: t for t in tickets}
    verdicts = {kind: [0, 0] for kind in ClockKind.values}
    faults = [0, 0]
    for clock in Clock.objects.filter(ticket_id__in=ids):
        if clock.breached_at is not None:
            when, met = clock.breached_at, False
        elif clock.met is not None and clock.stopped_at is not None:
            when, met = clock.stopped_at, clock.met
        else:
            continue
        if not _in(when, start, end):
            continue
        verdicts[clock.kind][0 if met else 1] += 1
        if clock.kind == ClockKind.RESOLUTION and by_id[clock.ticket_id].kind == Kind.FAULT:
            faults[0 if met else 1] += 1
    for kind, (met, breached) in verdicts.items():
        figures[f"{kind}_attainment"] = _ratio(met, met + breached)
    figures["fault_resolution_rate"] = _ratio(faults[0], sum(faults))
    surveys = [s for s in TicketSurvey.objects.filter(contract=contract)
               .select_related("ticket")
               if _in(s.sent_at, start, end)
               and (engineer is None or s.engineer_id == engineer.pk)
               and (service_type is None or s.ticket.service_type_id == service_type.pk)]
    answered = [s for s in surveys if s.answered_at]
    figures["survey_response_rate"] = _ratio(len(answered), len(surveys))
    figures["satisfaction_rate"] = _ratio(sum(s.overall >= 4 for s in answered), len(answered))
    complaints = [c for c in Complaint.objects.filter(contract=contract).select_related("ticket")
                  if _in(c.received_at, start, end)
                  and (engineer is None or c.engineer_id == engineer.pk)
                  and (service_type is None
                       or (c.ticket is not None and c.ticket.service_type_id == service_type.pk))]
    figures["complaints"] = len(complaints)
    figures["major_complaints"] = sum(c.major for c in complaints)
    return figures


def raw_backlog(contract, moment: datetime) -> dict:
    """Tickets open at `moment` (created before it, not yet resolved or cancelled then)."""
    open_ = [t for t in Ticket.objects.filter(contract=contract, created_at__lt=moment)
             if t.status in OPEN_STATUSES
             or (t.resolved_at and t.resolved_at >= moment)
             or (t.cancelled_at and t.cancelled_at >= moment)]
    return {"open": len(open_),
            "over_1d": sum(t.created_at < moment - timedelta(days=1) for t in open_),
            "over_3d": sum(t.created_at < moment - timedelta(days=3) for t in open_),
            "over_7d": sum(t.created_at < moment - timedelta(days=7) for t in open_)}
