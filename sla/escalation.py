"""The minute job (S5): warn and escalate on clocks that come due, each rung exactly once.

Cost follows what comes due, not the number of open tickets: the job reads only clocks whose
`next_check_at` has passed (a partial index), claims them with SELECT … FOR UPDATE SKIP LOCKED
so concurrent runs split the work, and every (clock, rule) escalation is a unique row, so even a
second scheduler that somehow reaches the same clock cannot send a rung twice. After downtime it
catches up with one message per rung, not one per missed minute.

Work is done per claimed batch, in a handful of statements: one INSERT … ON CONFLICT DO NOTHING
RETURNING for the batch's escalations (only the rows it returns are announced), one bulk insert
into the outbox, one bulk update of the clocks and one broker message (bench/README.md).
"""

from __future__ import annotations

import logging
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
from sla.models import Clock, ContractMember, Escalation, EscalationRule

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


def _instant(rule: EscalationRule, clock: Clock) -> datetime | None:
    if rule.trigger == EscalationRule.Trigger.WARNING:
        return clock.warn_at
    if clock.due_at is None:
        return None
    return clock.due_at + timedelta(minutes=rule.offset_minutes)


def escalations_run(*, now: datetime | None = None, batch: int = 500) -> int:
    """Process every clock whose next check has come; returns how many escalations fired."""
    now = now or clock_now()
    fired = 0
    cache: dict = {"rules": {}, "people": {}, "texts": EscalationTexts()}
    while True:
        with transaction.atomic():
            due, done = _claim(now, batch)
            owed = []
            for clock in due:
                owed += [(clock, rule) for rule in _plan(clock, now, cache["rules"],
                                                         done.get(clock.pk, set()))]
            fired += _fire(owed, now, cache["people"], cache["texts"])
            _save_clocks(due)
        if len(due) < batch:
            return fired


def _claim(now: datetime, batch: int) -> tuple[list[Clock], dict[int, set[int]]]:
    """Lock up to `batch` due clocks that no other run holds, with the rules each has fired.

    The fired rules are a second statement, not a subquery of the claim: with statistics of
    sla_escalation taken before a catch-up added thousands of rows, PostgreSQL planned that
    subquery as a sequential scan per clock (seconds per batch), where the separate IN list
    costs one scan per batch at worst (bench/README.md)."""
    due = list(Clock.objects.select_for_update(skip_locked=True, of=("self",))
               .select_related("ticket", "ticket__contract", "ticket__assignee",
                               "ticket__contract__project_manager", "calendar")
               .only(*_claimed_fields())
               .filter(next_check_at__lte=now).order_by("next_check_at")[:batch])
    done: dict[int, set[int]] = {}
    for clock_id, rule_id in Escalation.objects.filter(
            clock__in=[c.pk for c in due]).values_list("clock_id", "rule_id"):
        done.setdefault(clock_id, set()).add(rule_id)
    return due, done


def _claimed_fields() -> list[str]:
    """What the job reads of a claimed clock and its ticket, contract, people and calendar.
    Building a model instance costs Python time per column, and the ticket and user rows are
    wide (description, password…): reading only these halves the claim's cost. A field missing
    here would be read back one query per clock (test_its_queries_do_not_grow_…)."""
    person = ("name", "first_name", "last_name", "username", "phone", "email", "is_active",
              "language")
    return [*(f.name for f in Clock._meta.concrete_fields),
            "ticket__number", "ticket__title", "ticket__priority", "ticket__status",
            "ticket__contract", "ticket__assignee", "ticket__contract__code",
            "ticket__contract__project_manager",
            *(f"ticket__assignee__{name}" for name in person),
            *(f"ticket__contract__project_manager__{name}" for name in person),
            "calendar__hours", "calendar__holidays", "calendar__time_zone"]


def _save_clocks(clocks: list[Clock]) -> None:
    """One UPDATE … FROM unnest(…) for the batch, each column one array parameter. Django's
    bulk_update builds a CASE per field and row, which cost more Python time than the rest of
    the job (bench/README.md)."""
    if not clocks:
        return
    if connection.vendor != "postgresql":
        Clock.objects.bulk_update(clocks, ["next_check_at", "breached_at"])
        return
    table = Clock._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS c SET next_check_at = v.next_check_at, "  # noqa: S608
            "breached_at = v.breached_at FROM unnest(%s::bigint[], %s::timestamptz[], "
            "%s::timestamptz[]) AS v(id, next_check_at, breached_at) WHERE c.id = v.id",
            [[c.pk for c in clocks], [c.next_check_at for c in clocks],
             [c.breached_at for c in clocks]])


def _plan(clock: Clock, now: datetime, rules_cache: dict, done: set[int]) -> list:
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


def _fire(owed: list[tuple[Clock, EscalationRule]], now: datetime, cache: dict,
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
