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
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from accounts.roles import Role
from core.clock import now as clock_now
from notifications.models import Notification
from notifications.services import notifications_enqueue_many
from sla.clocks import calendar_for
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
    cache: dict = {"rules": {}, "people": {}}
    while True:
        with transaction.atomic():
            due = list(Clock.objects.select_for_update(skip_locked=True, of=("self",))
                       .select_related("ticket", "ticket__contract", "ticket__assignee",
                                       "ticket__contract__project_manager", "calendar")
                       .filter(next_check_at__lte=now).order_by("next_check_at")[:batch])
            done: dict[int, set[int]] = {}
            for clock_id, rule_id in Escalation.objects.filter(
                    clock__in=[c.pk for c in due]).values_list("clock_id", "rule_id"):
                done.setdefault(clock_id, set()).add(rule_id)
            owed = []
            for clock in due:
                owed += [(clock, rule) for rule in _plan(clock, now, cache["rules"],
                                                         done.get(clock.pk, set()))]
            fired += _fire(owed, now, cache["people"])
            _save_clocks(due)
        if len(due) < batch:
            return fired


def _save_clocks(clocks: list[Clock]) -> None:
    """One UPDATE … FROM (VALUES …) for the batch. Django's bulk_update builds a CASE per field
    and row, which cost more Python time than the rest of the job (bench/README.md)."""
    if not clocks:
        return
    if connection.vendor != "postgresql":
        Clock.objects.bulk_update(clocks, ["next_check_at", "breached_at"])
        return
    table = Clock._meta.db_table
    values = ", ".join(["(%s, %s::timestamptz, %s::timestamptz)"] * len(clocks))
    params = [v for c in clocks for v in (c.pk, c.next_check_at, c.breached_at)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS c SET next_check_at = v.next_check_at, "  # noqa: S608
            f"breached_at = v.breached_at FROM (VALUES {values}) AS v(id, next_check_at, "
            f"breached_at) WHERE c.id = v.id", params)


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


def _fire(owed: list[tuple[Clock, EscalationRule]], now: datetime, cache: dict) -> int:
    """Record the owed escalations in one statement and queue their messages in another."""
    if not owed:
        return 0
    overdue = {}
    for clock, _rule in owed:
        if clock.pk not in overdue:
            overdue[clock.pk] = (calendar_for(clock.calendar).between(clock.due_at, now)
                                 if now > clock.due_at else 0)
    created = _insert_escalations(
        [(clock.pk, rule.pk, now, overdue[clock.pk]) for clock, rule in owed])
    clocks = {clock.pk: clock for clock, _rule in owed}
    rules = {rule.pk: rule for _clock, rule in owed}
    messages = []
    texts: dict = {}
    for escalation_id, clock_id, rule_id in created:
        clock, rule = clocks[clock_id], rules[rule_id]
        late = overdue[clock_id]
        for person in _recipients(rule, clock.ticket, cache):
            if not person.email or not person.is_active:
                continue
            language = person.language or settings.LANGUAGE_CODE
            subject, body = _text(texts, escalation_id, clock, rule, late, language)
            messages.append({
                "channel": Notification.Channel.EMAIL, "event": f"sla.{rule.trigger}",
                "recipient": person, "address": person.email, "subject": subject,
                "body": body, "dedupe_key": f"escalation:{escalation_id}:{person.pk}"})
        if rule.trigger == EscalationRule.Trigger.BREACH:
            for webhook in _webhooks(clock.ticket.contract, cache):
                subject, body = _text(texts, escalation_id, clock, rule, late,
                                      settings.LANGUAGE_CODE)
                messages.append({
                    "channel": Notification.Channel.WEBHOOK, "event": f"sla.{rule.trigger}",
                    "webhook": webhook, "address": webhook.url, "subject": subject,
                    "body": body, "dedupe_key": f"escalation:{escalation_id}:webhook:{webhook.pk}"})
    notifications_enqueue_many(messages)
    return len(created)


def _insert_escalations(rows: list[tuple]) -> list[tuple[int, int, int]]:
    """INSERT … ON CONFLICT DO NOTHING RETURNING: the rows another run inserted first are not
    returned, so nobody announces a rung twice (PostgreSQL, and SQLite ≥ 3.35)."""
    table = Escalation._meta.db_table
    created = []
    for start in range(0, len(rows), 500):
        chunk = rows[start:start + 500]
        values = ", ".join(["(%s, %s, %s, %s)"] * len(chunk))
        params = [value for row in chunk for value in row]
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (clock_id, rule_id, fired_at, overdue_seconds) "  # noqa: S608
                f"VALUES {values} ON CONFLICT (clock_id, rule_id) DO NOTHING "
                f"RETURNING id, clock_id, rule_id", params)
            created += cursor.fetchall()
    return created


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


def _text(texts: dict, escalation_id: int, clock: Clock, rule: EscalationRule, late: int,
          language: str) -> tuple[str, str]:
    """Subject and body of an escalation in one language: which ticket, which clock, how late,
    who has it, with a link. Plain format strings — a template render per message would cost
    more than the rest of the job (bench/README.md)."""
    key = (escalation_id, language)
    if key in texts:
        return texts[key]
    ticket = clock.ticket
    if "url" not in texts:  # reverse() once per run, not once per message
        texts["url"] = settings.SITE_URL + reverse("tickets:detail", args=["NUMBER"])
    with translation.override(language):
        kind = _label(texts, language, clock, "kind")
        if rule.trigger == EscalationRule.Trigger.WARNING:
            subject = _("[SLA warning] %(kind)s of ticket %(number)s is about to run out") % {
                "kind": kind, "number": ticket.number}
        else:
            subject = _("[SLA breach, level %(level)s] %(kind)s of ticket %(number)s is "
                        "overdue") % {"level": rule.level, "kind": kind, "number": ticket.number}
        minutes = late // 60
        lines = [
            f"{ticket.number} {ticket.title} ({_label(texts, language, ticket, 'priority')}, "
            f"{_label(texts, language, ticket, 'status')})",
            f"{_('Contract')}: {ticket.contract.code}",
            f"{_('Clock')}: {kind}",
            f"{_('Due')}: {timezone.localtime(clock.due_at):%Y-%m-%d %H:%M}",
        ]
        if minutes:
            lines.append(ngettext("Late by %(minutes)s business minute",
                                  "Late by %(minutes)s business minutes", minutes)
                         % {"minutes": minutes})
        assignee = (f"{ticket.assignee.display_name} {ticket.assignee.phone}"
                    if ticket.assignee_id else _("nobody yet"))
        lines += [f"{_('Assignee')}: {assignee}", "",
                  texts["url"].replace("NUMBER", ticket.number)]
    texts[key] = (subject, "\n".join(lines) + "\n")
    return texts[key]


def _label(texts: dict, language: str, obj, field: str) -> str:
    """A choice label in the active language, looked up once per run and value."""
    value = getattr(obj, field)
    key = ("label", language, type(obj).__name__, field, value)
    if key not in texts:
        texts[key] = str(dict(type(obj)._meta.get_field(field).flatchoices).get(value, value))
    return texts[key]
