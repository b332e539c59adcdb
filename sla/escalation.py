"""The minute job (S5): warn and escalate on clocks that come due, each rung exactly once.

Cost follows what comes due, not the number of open tickets: the job reads only clocks whose
`next_check_at` has passed (a partial index), claims them with SELECT … FOR UPDATE SKIP LOCKED
so concurrent runs split the work, and every (clock, rule) escalation is a unique row, so even a
second scheduler that somehow reaches the same clock cannot send a rung twice. After downtime it
catches up with one message per rung, not one per missed minute.

Work is done per claimed batch, in a handful of statements: one INSERT … ON CONFLICT DO NOTHING
RETURNING for the batch's escalations (only the rows it returns are announced), one bulk insert
into the outbox, one bulk update of the clocks and one broker message (bench/README.md). A
backlog (a first batch that comes back full) is worked by two connections at once.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction

from accounts.models import User
from accounts.roles import Role
from core.bulk_insert import insert_new
from core.clock import now as clock_now
from notifications.models import Notification
from notifications.services import notifications_enqueue_many
from sla.clocks import calendar_for
from sla.messages import EscalationTexts
from sla.models import (
    Clock,
    Contract,
    ContractMember,
    Escalation,
    EscalationRule,
    ServiceCalendar,
)

logger = logging.getLogger(__name__)


def rules_for(contract_id: int, cache: dict) -> list[EscalationRule]:
    """A contract's own ladder, or the default ladder when it has none."""
    if contract_id not in cache:
        own = list(EscalationRule.objects.filter(contract_id=contract_id, active=True))
        if not own:
            if None not in cache:
                cache[None] = list(EscalationRule.objects.filter(contract__isnull=True,
                                                                 active=True))
            own = cache[None]
        cache[contract_id] = sorted(own, key=lambda r: r.level)
    return cache[contract_id]


def _instant(rule: EscalationRule, clock: DueClock) -> datetime | None:
    if rule.trigger == EscalationRule.Trigger.WARNING:
        return clock.warn_at
    if clock.due_at is None:
        return None
    return clock.due_at + timedelta(minutes=rule.offset_minutes)


def escalations_run(*, now: datetime | None = None, batch: int = 500,
                    connections_: int | None = None) -> int:
    """Process every clock whose next check has come; returns how many escalations fired.

    A backlog (a first batch that came back full: after downtime, or when a contract's clocks
    fall due together) is worked by `connections_` database connections at once
    (SLA_CATCH_UP_CONNECTIONS, default 2), this thread and helper threads, each claiming its own
    batches with SKIP LOCKED. On two cores that overlaps one batch's Python with another's
    PostgreSQL work: 10,000 due clocks in ~2.5 s instead of ~4.5 s (bench/README.md)."""
    now = now or clock_now()
    cache: dict = {"rules": {}, "people": {}, "claimed": {}, "texts": EscalationTexts()}
    fired, full = _run_batch(now, batch, cache)
    if not full:
        return fired  # the usual minute: one batch or nothing
    helpers = [_Helper(now, batch, cache) for _ in range(_helper_count(connections_))]
    for helper in helpers:
        helper.start()
    try:
        fired += _drain(now, batch, cache)
    finally:
        for helper in helpers:
            helper.join()
    for helper in helpers:
        if helper.error is not None:
            raise helper.error
        fired += helper.fired
    return fired


def _helper_count(wanted: int | None) -> int:
    """Helper threads for a backlog: none on SQLite (one writer at a time) or inside a caller's
    transaction, whose uncommitted rows another connection could not see."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return 0
    wanted = settings.SLA_CATCH_UP_CONNECTIONS if wanted is None else wanted
    return max(0, wanted - 1)


def _run_batch(now: datetime, batch: int, cache: dict) -> tuple[int, bool]:
    """Claim, plan, fire and save one batch in one transaction: (escalations fired, whether
    the batch was full, so more may be due)."""
    with transaction.atomic():
        due, done = _claim(now, batch, cache["claimed"])
        owed = []
        for clock in due:
            owed += [(clock, rule) for rule in _plan(clock, now, cache["rules"],
                                                     done.get(clock.pk, set()))]
        fired = _fire(owed, now, cache["people"], cache["texts"])
        _save_clocks(due)
    return fired, len(due) == batch


def _drain(now: datetime, batch: int, cache: dict) -> int:
    fired, full = 0, True
    while full:
        more, full = _run_batch(now, batch, cache)
        fired += more
    return fired


class _Helper(threading.Thread):
    """Another connection working the same backlog. The run's caches are shared: they hold
    read-only rows and texts, and two threads filling the same key store equal values.
    Translations are activated per thread (translation.override), so texts stay right."""

    def __init__(self, now: datetime, batch: int, cache: dict):
        super().__init__(name="sla-catch-up", daemon=True)
        self.now, self.batch, self.cache = now, batch, cache
        self.fired, self.error = 0, None

    def run(self) -> None:
        try:
            self.fired = _drain(self.now, self.batch, self.cache)
        except BaseException as exc:  # noqa: BLE001 - re-raised by escalations_run
            self.error = exc
        finally:
            connection.close()  # this thread's own connection


@dataclass(slots=True)
class DueTicket:
    """What the job reads of a due clock's ticket; contract and assignee are shared objects,
    read once per run (there are few of them and thousands of clocks)."""

    number: str
    title: str
    priority: int
    status: str
    contract_id: int
    assignee_id: int | None
    contract: Contract
    assignee: User | None


@dataclass(slots=True)
class DueClock:
    """A claimed clock: the columns the job reads and the two it writes back (next_check_at,
    breached_at). Plain objects, not model instances: building six instances per clock (clock,
    ticket, contract, two people, calendar) was a third of the job's CPU (bench/README.md)."""

    pk: int
    kind: str
    due_at: datetime | None
    warn_at: datetime | None
    next_check_at: datetime | None
    breached_at: datetime | None
    is_running: bool
    calendar: ServiceCalendar
    ticket: DueTicket


_CLAIMED = ("id", "kind", "due_at", "warn_at", "next_check_at", "breached_at", "stopped_at",
            "paused_since", "calendar_id", "ticket__number", "ticket__title",
            "ticket__priority", "ticket__status", "ticket__contract_id", "ticket__assignee_id")
_CONTRACT, _ASSIGNEE, _CALENDAR = (_CLAIMED.index(name) for name in (
    "ticket__contract_id", "ticket__assignee_id", "calendar_id"))
_PERSON = ("name", "first_name", "last_name", "username", "phone", "email", "is_active",
           "language")


def _claim(now: datetime, batch: int, cache: dict) -> tuple[list[DueClock], dict[int, set[int]]]:
    """Lock up to `batch` due clocks that no other run holds, with the rules each has fired.

    The claim joins only the ticket and reads tuples; contracts (with their project manager),
    assignees and calendars come from the run's cache, each read once, by id, in the first
    batch that names it. The fired rules are a second statement, not a subquery of the claim:
    with statistics of sla_escalation taken before a catch-up added thousands of rows,
    PostgreSQL planned that subquery as a sequential scan per clock (seconds per batch), where
    the separate IN list costs one scan per batch at worst (bench/README.md)."""
    rows = list(Clock.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(next_check_at__lte=now).order_by("next_check_at")
                .values_list(*_CLAIMED)[:batch])
    contracts = _known(cache, "contracts", {row[_CONTRACT] for row in rows}, lambda ids: (
        Contract.objects.select_related("project_manager")
        .only("code", *(f"project_manager__{name}" for name in _PERSON)).in_bulk(ids)))
    people = _known(cache, "assignees", {row[_ASSIGNEE] for row in rows
                                                if row[_ASSIGNEE] is not None},
                    lambda ids: User.objects.only(*_PERSON).in_bulk(ids))
    calendars = _known(cache, "calendars", {row[_CALENDAR] for row in rows}, lambda ids: (
        ServiceCalendar.objects.only("hours", "holidays", "time_zone").in_bulk(ids)))
    due = [DueClock(pk, kind, due_at, warn_at, next_check_at, breached_at,
                    stopped_at is None and paused_since is None, calendars[calendar_id],
                    DueTicket(number, title, priority, status, contract_id, assignee_id,
                              contracts[contract_id],
                              people[assignee_id] if assignee_id is not None else None))
           for (pk, kind, due_at, warn_at, next_check_at, breached_at, stopped_at,
                paused_since, calendar_id, number, title, priority, status, contract_id,
                assignee_id) in rows]
    done: dict[int, set[int]] = {}
    for clock_id, rule_id in Escalation.objects.filter(
            clock__in=[c.pk for c in due]).values_list("clock_id", "rule_id"):
        done.setdefault(clock_id, set()).add(rule_id)
    return due, done


def _known(cache: dict, kind: str, ids: set[int], load) -> dict:
    """The run's objects of one kind by id, loading (one query) only those not seen yet."""
    known = cache.setdefault(kind, {})
    missing = ids - known.keys()
    if missing:
        known.update(load(missing))
    return known


def _save_clocks(clocks: list[DueClock]) -> None:
    """One UPDATE … FROM unnest(…) for the batch, each column one array parameter. Django's
    bulk_update builds a CASE per field and row, which cost more Python time than the rest of
    the job (bench/README.md)."""
    if not clocks:
        return
    if connection.vendor != "postgresql":
        Clock.objects.bulk_update(
            [Clock(pk=c.pk, next_check_at=c.next_check_at, breached_at=c.breached_at)
             for c in clocks], ["next_check_at", "breached_at"])
        return
    table = Clock._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS c SET next_check_at = v.next_check_at, "  # noqa: S608
            "breached_at = v.breached_at FROM unnest(%s::bigint[], %s::timestamptz[], "
            "%s::timestamptz[]) AS v(id, next_check_at, breached_at) WHERE c.id = v.id",
            [[c.pk for c in clocks], [c.next_check_at for c in clocks],
             [c.breached_at for c in clocks]])


def _plan(clock: DueClock, now: datetime, rules_cache: dict, done: set[int]) -> list:
    """The rungs this clock owes now; sets its breach and next check (saved by the caller)."""
    if not clock.is_running or clock.due_at is None:
        clock.next_check_at = None
        return []
    if clock.due_at <= now and clock.breached_at is None:
        clock.breached_at = clock.due_at
    ticket = clock.ticket
    owed, upcoming = [], []
    for rule in rules_for(ticket.contract_id, rules_cache):
        if rule.pk in done or not rule.applies_to(clock.kind, ticket.priority):
            continue
        instant = _instant(rule, clock)
        if instant is None:
            continue
        if instant > now:
            upcoming.append(instant)
        else:
            owed.append(rule)
    if clock.breached_at is None and clock.due_at > now:
        upcoming.append(clock.due_at)
    clock.next_check_at = min(upcoming) if upcoming else None
    return owed


def _fire(owed: list[tuple[DueClock, EscalationRule]], now: datetime, cache: dict,
          texts: EscalationTexts) -> int:
    """Record the owed escalations in one statement and queue their messages in another."""
    if not owed:
        return 0
    overdue = {}
    for clock, _rule in owed:
        if clock.pk not in overdue:
            overdue[clock.pk] = (calendar_for(clock.calendar).between(clock.due_at, now)
                                 if now > clock.due_at else 0)
    created = insert_new(
        Escalation, [{"clock_id": clock.pk, "rule_id": rule.pk, "fired_at": now,
                      "overdue_seconds": overdue[clock.pk]} for clock, rule in owed],
        unique=("clock_id", "rule_id"), returning=("id", "clock_id", "rule_id"))
    clocks = {clock.pk: clock for clock, _rule in owed}
    rules = {rule.pk: rule for _clock, rule in owed}
    messages = []
    for escalation_id, clock_id, rule_id in created:
        clock, rule = clocks[clock_id], rules[rule_id]
        late = overdue[clock_id]
        event = f"sla.{rule.trigger}"
        for person in _recipients(rule, clock.ticket, cache):
            if not person.email or not person.is_active:
                continue
            subject, body = texts.text(clock, rule, late,
                                       person.language or settings.LANGUAGE_CODE)
            messages.append({
                "channel": Notification.Channel.EMAIL, "event": event,
                "recipient": person, "address": person.email, "subject": subject,
                "body": body, "dedupe_key": f"escalation:{escalation_id}:{person.pk}"})
        if rule.trigger == EscalationRule.Trigger.BREACH:
            for webhook in _webhooks(clock.ticket.contract, cache):
                subject, body = texts.text(clock, rule, late, settings.LANGUAGE_CODE)
                messages.append({
                    "channel": Notification.Channel.WEBHOOK, "event": event,
                    "webhook": webhook, "address": webhook.url, "subject": subject,
                    "body": body, "dedupe_key": f"escalation:{escalation_id}:webhook:{webhook.pk}"})
    notifications_enqueue_many(messages)
    return len(created)


def _recipients(rule: EscalationRule, ticket, cache: dict) -> list[User]:
    R = EscalationRule.Recipient
    if rule.recipient == R.ASSIGNEE and ticket.assignee_id:
        return [ticket.assignee]
    if rule.recipient == R.PROJECT_MANAGER:
        return [ticket.contract.project_manager]
    # The desk (when nobody has the ticket yet), delivery managers and general managers are
    # the same people for every clock of a contract: look them up once per run.
    key = (rule.recipient, ticket.contract_id)
    if key not in cache:
        if rule.recipient == R.ASSIGNEE:
            people = User.objects.filter(
                contract_memberships__contract_id=ticket.contract_id,
                contract_memberships__duty=ContractMember.Duty.AGENT, is_active=True)
        elif rule.recipient == R.DELIVERY_MANAGER:
            people = User.objects.filter(
                contract_memberships__contract_id=ticket.contract_id,
                contract_memberships__duty=ContractMember.Duty.DELIVERY_MANAGER, is_active=True)
        else:
            people = User.objects.filter(role=Role.GENERAL_MANAGER, is_active=True)
        cache[key] = list(people)
    return cache[key]


def _webhooks(contract, cache: dict) -> list:
    """The contract's active group robots (WeCom, DingTalk, Feishu), looked up once per run."""
    key = ("webhooks", contract.pk)
    if key not in cache:
        cache[key] = list(contract.webhooks.filter(active=True))
    return cache[key]
