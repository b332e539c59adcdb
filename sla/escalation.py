"""The minute job (S5): warn and escalate on clocks that come due, each rung exactly once.

Cost follows what comes due, not the number of open tickets: the job reads only clocks whose
`next_check_at` has passed (a partial index), claims them with SELECT … FOR UPDATE SKIP LOCKED
so concurrent runs split the work, and every (clock, rule) escalation is a unique row, so even a
second scheduler that somehow reaches the same clock cannot send a rung twice. After downtime it
catches up with one message per rung, not one per missed minute.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from accounts.roles import Role
from itsm.clock import now as clock_now
from notifications.services import notification_enqueue, webhook_enqueue
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
            for clock in due:
                fired += _process(clock, now, cache, done.get(clock.pk, set()))
            # One statement for the whole batch instead of one UPDATE per clock.
            Clock.objects.bulk_update(due, ["next_check_at", "breached_at"])
        if len(due) < batch:
            return fired


def _process(clock: Clock, now: datetime, cache: dict, done: set[int]) -> int:
    """Decide what is due for one clock; the caller saves next_check_at and breached_at."""
    if not clock.is_running or clock.due_at is None:
        clock.next_check_at = None
        return 0
    if clock.due_at <= now and clock.breached_at is None:
        clock.breached_at = clock.due_at
    ticket = clock.ticket
    rules = [r for r in rules_for(ticket.contract_id, cache["rules"])
             if r.applies_to(clock.kind, ticket.priority)]
    fired = 0
    upcoming = []
    for rule in rules:
        if rule.pk in done:
            continue
        instant = _instant(rule, clock)
        if instant is None:
            continue
        if instant > now:
            upcoming.append(instant)
            continue
        if _fire(clock, rule, now, cache["people"]):
            fired += 1
    if clock.breached_at is None and clock.due_at > now:
        upcoming.append(clock.due_at)
    clock.next_check_at = min(upcoming) if upcoming else None
    return fired


def _fire(clock: Clock, rule: EscalationRule, now: datetime, people_cache: dict) -> bool:
    overdue = 0
    if clock.due_at and now > clock.due_at:
        overdue = calendar_for(clock.calendar).between(clock.due_at, now)
    try:
        with transaction.atomic():
            escalation = Escalation.objects.create(clock=clock, rule=rule, fired_at=now,
                                                   overdue_seconds=overdue)
    except IntegrityError:
        return False  # another run fired this rung first
    for person in _recipients(rule, clock.ticket, people_cache):
        _tell(person, escalation, clock)
    if rule.trigger == EscalationRule.Trigger.BREACH:
        key = ("webhooks", clock.ticket.contract_id)
        if key not in people_cache:
            people_cache[key] = list(clock.ticket.contract.webhooks.filter(active=True))
        _post_to_chat(escalation, clock, people_cache[key])
    return True


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


def _message(escalation: Escalation, clock: Clock, recipient: User | None,
             language: str) -> tuple[str, str]:
    ticket = clock.ticket
    with translation.override(language):
        text = render_to_string("sla/email/escalation.txt", {
            "ticket": ticket, "clock": clock, "escalation": escalation, "recipient": recipient,
            "late_minutes": escalation.overdue_seconds // 60,
            "url": settings.SITE_URL + reverse("tickets:detail", args=[ticket.number]),
        }).strip()
    subject, _newline, body = text.partition("\n")
    return subject.strip(), body.strip() + "\n"


def _post_to_chat(escalation: Escalation, clock: Clock, webhooks) -> None:
    """Breaches also go to the contract's group robots (WeCom, DingTalk, Feishu)."""
    for webhook in webhooks:
        subject, body = _message(escalation, clock, None, settings.LANGUAGE_CODE)
        webhook_enqueue(webhook=webhook, event=f"sla.{escalation.rule.trigger}",
                        subject=subject, body=body,
                        dedupe_key=f"escalation:{escalation.pk}:webhook:{webhook.pk}")


def _tell(person: User, escalation: Escalation, clock: Clock) -> None:
    subject, body = _message(escalation, clock, person,
                             person.language or settings.LANGUAGE_CODE)
    notification_enqueue(recipient=person, event=f"sla.{escalation.rule.trigger}",
                         subject=subject, body=body,
                         dedupe_key=f"escalation:{escalation.pk}:{person.pk}")
