"""Starting, stopping, pausing and resuming a ticket's SLA clocks (S1, S4).

Called by the ticket services inside their transaction, with the ticket and one `moment`.
Deadlines are computed here, once, when a clock starts or resumes, and stored; nothing
recomputes them on read. The business-time arithmetic is sla/calendar.py (pure Python).
"""

from __future__ import annotations

from datetime import datetime

from core import batch
from core.prepared import PreparedQuery
from sla.holidays import build_calendar
from sla.models import Clock, ClockKind, ServiceCalendar, Target


def calendar_for(service_calendar: ServiceCalendar):
    """The BusinessCalendar of a ServiceCalendar row (build_calendar caches it)."""
    return build_calendar(hours=service_calendar.hours, holidays=service_calendar.holidays,
                          tz=service_calendar.time_zone)


# The target of a (contract, service type, priority), with the calendars it may run on: read
# as every ticket is filed, by a query compiled once per process (core.prepared: building and
# compiling it cost more than running it). Unique on those three, so in no order. The markers
# are values no ticket has, inside each field's range (Django drops a lookup outside it).
TARGET_QUERY = PreparedQuery(
    lambda contract, service_type, priority: (
        Target.objects.select_related("calendar", "contract__calendar")
        .filter(contract_id=contract, service_type_id=service_type, priority=priority)
        .order_by()),
    contract=-1_987_654_321, service_type=-1_987_654_322, priority=32_001)


def target_for(ticket) -> Target | None:
    # A bulk action reads each (contract, type, priority) target and its calendar once.
    key = ("sla.target", ticket.contract_id, ticket.service_type_id, ticket.priority)
    if None in key:  # no such target (the three are required on a target)
        return None
    return batch.remember(key, lambda: next(iter(TARGET_QUERY.models(
        contract=ticket.contract_id, service_type=ticket.service_type_id,
        priority=ticket.priority)), None))


def _wanted_kinds(ticket, target: Target) -> list[str]:
    kinds = [ClockKind.RESPONSE, ClockKind.RESOLUTION]
    if ticket.needs_on_site and target.arrival_minutes:
        kinds.insert(1, ClockKind.ARRIVAL)
    return kinds


def _schedule(clock: Clock, moment: datetime) -> None:
    """Set due/warn instants for a clock that (re)starts running at `moment`."""
    calendar = calendar_for(clock.calendar)
    remaining = max(0, clock.target_seconds - clock.consumed_seconds)
    clock.running_since = moment
    clock.paused_since = None
    clock.due_at = calendar.add(moment, remaining)
    warn_left = max(0, clock.target_seconds * clock.warning_percent // 100
                    - clock.consumed_seconds)
    clock.warn_at = calendar.add(moment, warn_left) if warn_left else moment
    clock.provisional = calendar.is_provisional(moment, clock.due_at)
    clock.next_check_at = clock.warn_at if clock.breached_at is None else clock.due_at


def clocks_start(*, ticket, moment: datetime) -> list[Clock]:
    """Start the clocks a new ticket needs, from the contract's target for its type and priority.
    No target: no clocks (the ticket is outside any service level)."""
    clocks = clocks_plan(ticket=ticket, moment=moment)
    clocks_save(clocks)
    return clocks


def clocks_plan(*, ticket, moment: datetime) -> list[Clock]:
    """The clocks clocks_start would start, with their deadlines, not saved yet: a ticket being
    filed plans them before it is written (the target is read before the ticket number is taken,
    and the row is written with its first deadline in it), then clocks_save writes them."""
    target = target_for(ticket)
    if target is None:
        return []
    service_calendar = target.calendar or target.contract.calendar
    clocks = []
    for kind in _wanted_kinds(ticket, target):
        clock = Clock(ticket=ticket, kind=kind, calendar=service_calendar,
                      target_seconds=target.minutes_for(kind) * 60,
                      warning_percent=target.warning_percent, started_at=moment)
        _schedule(clock, moment)
        clocks.append(clock)
    return clocks


def clocks_save(clocks: list[Clock]) -> None:
    """Write planned clocks in one insert, once their ticket is saved."""
    Clock.objects.bulk_create(clocks)


def _running(ticket, kinds=None):
    clocks = Clock.objects.select_related("calendar").filter(ticket=ticket,
                                                              stopped_at__isnull=True)
    return clocks.filter(kind__in=kinds) if kinds else clocks


def clock_stop(*, ticket, kind: str, moment: datetime) -> Clock | None:
    """The milestone was reached: met if on time, breached otherwise."""
    clock = _running(ticket, [kind]).first()
    if clock is None:
        return None
    _stop(clock, moment)
    return clock


def _stop(clock: Clock, moment: datetime) -> None:
    if clock.paused_since is not None:
        _resume_one(clock, moment)
    clock.stopped_at = moment
    clock.met = clock.due_at is not None and moment <= clock.due_at
    if not clock.met and clock.breached_at is None:
        clock.breached_at = clock.due_at
    clock.next_check_at = None
    clock.save()


def clocks_not_needed(*, ticket, moment: datetime, kinds=None) -> None:
    """Stop clocks without a verdict (cancelled ticket, no visit after all)."""
    for clock in _running(ticket, kinds):
        _drop(clock, moment)


def _drop(clock: Clock, moment: datetime) -> None:
    clock.stopped_at = moment
    clock.met = None if clock.breached_at is None else False
    clock.next_check_at = None
    clock.save()


def clocks_settle(*, ticket, moment: datetime, stop=(), not_needed=()) -> None:
    """Several clocks at once with one read (resolving a ticket): those of the kinds in `stop`
    as clock_stop does (the first running one of each kind), those in `not_needed` as
    clocks_not_needed does."""
    stopped = set()
    for clock in _running(ticket, [*stop, *not_needed]).order_by("pk"):
        if clock.kind in stop and clock.kind not in stopped:
            stopped.add(clock.kind)
            _stop(clock, moment)
        elif clock.kind in not_needed:
            _drop(clock, moment)


def clocks_pause(*, ticket, moment: datetime) -> None:
    """Pending: the running clocks stop counting; the deadline is cleared until resume."""
    for clock in _running(ticket).filter(paused_since__isnull=True):
        calendar = calendar_for(clock.calendar)
        if clock.breached_at is None and clock.due_at is not None and clock.due_at <= moment:
            # Overdue before the minute job saw it: it breached at its deadline, not whenever
            # it stops after resuming (the deadline is cleared here and moves on resume).
            clock.breached_at = clock.due_at
        clock.consumed_seconds += calendar.between(clock.running_since, moment)
        clock.paused_since = moment
        clock.running_since = None
        clock.due_at = clock.warn_at = clock.next_check_at = None
        clock.save()


def _resume_one(clock: Clock, moment: datetime) -> None:
    calendar = calendar_for(clock.calendar)
    clock.paused_seconds += calendar.between(clock.paused_since, moment)
    _schedule(clock, moment)


def clocks_resume(*, ticket, moment: datetime) -> None:
    """Back from pending: deadlines move on by the business time the pause took."""
    for clock in _running(ticket).filter(paused_since__isnull=False):
        _resume_one(clock, moment)
        clock.save()


def clock_restart(*, ticket, kind: str, moment: datetime) -> None:
    """Reopened: the stopped clock runs again with the business time it had left."""
    clock = Clock.objects.select_related("calendar").filter(ticket=ticket, kind=kind).first()
    if clock is None or clock.stopped_at is None:
        return
    calendar = calendar_for(clock.calendar)
    clock.consumed_seconds += calendar.between(clock.running_since or clock.stopped_at,
                                               clock.stopped_at)
    clock.stopped_at = None
    clock.met = None
    _schedule(clock, moment)
    clock.save()


def clocks_retarget(*, ticket, moment: datetime) -> None:
    """Priority, service type or contract changed: running clocks take the new target."""
    target = target_for(ticket)
    for clock in _running(ticket):
        if target is None:
            clocks_not_needed(ticket=ticket, moment=moment, kinds=[clock.kind])
            continue
        minutes = target.minutes_for(clock.kind)
        if not minutes:
            clocks_not_needed(ticket=ticket, moment=moment, kinds=[clock.kind])
            continue
        if clock.paused_since is None:
            clock.consumed_seconds += calendar_for(clock.calendar).between(
                clock.running_since, moment)
        clock.calendar = target.calendar or target.contract.calendar
        clock.target_seconds = minutes * 60
        clock.warning_percent = target.warning_percent
        if clock.paused_since is None:
            _schedule(clock, moment)
        clock.save()
    if target is not None:
        existing = set(Clock.objects.filter(ticket=ticket).values_list("kind", flat=True))
        if not existing:
            clocks_start(ticket=ticket, moment=moment)


def earliest_due_of(clocks: list[Clock]) -> datetime | None:
    """earliest_due of a ticket whose clocks are these (e.g. just planned), without a query."""
    return min((clock.due_at for clock in clocks if clock.due_at is not None
                and clock.stopped_at is None and clock.paused_since is None), default=None)


def earliest_due(ticket) -> datetime | None:
    """The deadline the queue sorts by: the soonest of the running clocks."""
    return (Clock.objects.filter(ticket=ticket, stopped_at__isnull=True,
                                 paused_since__isnull=True)
            .order_by("due_at").values_list("due_at", flat=True).first())


def clocks_recompute(*, clocks, moment: datetime) -> int:
    """Recompute the stored deadlines of running clocks from their current segment, e.g. after a
    holiday year was entered or a calendar corrected. Paused and stopped clocks keep theirs
    (a paused clock gets a new deadline when it resumes). Returns how many changed."""
    changed = 0
    tickets = set()
    for clock in clocks.filter(stopped_at__isnull=True, paused_since__isnull=True,
                               running_since__isnull=False).select_related("calendar"):
        before = (clock.due_at, clock.warn_at, clock.provisional)
        _schedule(clock, clock.running_since)
        if clock.breached_at is not None and clock.due_at > moment:
            clock.breached_at = None  # the corrected deadline is still ahead
        if (clock.due_at, clock.warn_at, clock.provisional) != before:
            clock.save()
            changed += 1
            tickets.add(clock.ticket_id)
    Ticket = Clock._meta.get_field("ticket").related_model  # sla does not import tickets
    for ticket in Ticket.objects.filter(pk__in=tickets):
        Ticket.objects.filter(pk=ticket.pk).update(sla_due_at=earliest_due(ticket))
    return changed
