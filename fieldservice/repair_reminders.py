"""The repair job (beat, hourly): remind the desk when a written progress update is due and
escalate a repair not back by its return date to the project manager.

Exactly once: each reminder is a unique row (repair, progress, due date) and each escalation a
unique row (repair, overdue) claimed in its own savepoint before the message is queued in the
same transaction, so a second run, or two runs at once, never sends it twice. Repairs are
claimed with SELECT … FOR UPDATE SKIP LOCKED so concurrent runs split the work.
"""

from __future__ import annotations

import logging
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core.clock import now as clock_now
from fieldservice import repair_dates
from fieldservice.models import RepairReminder, RepairStatus, VendorRepair
from fieldservice.services.repairs import calendar_of, policy_of
from notifications.services import email_from_template
from sla.models import ContractMember

logger = logging.getLogger(__name__)
BATCH = 200


def _claim(repair: VendorRepair, kind: str, due_on: date, moment) -> bool:
    """Insert the unique row; False when another run (or an earlier one) already did."""
    try:
        with transaction.atomic():
            RepairReminder.objects.create(repair=repair, kind=kind, due_on=due_on,
                                          sent_at=moment)
    except IntegrityError:
        return False
    return True


def _desk(contract, cache: dict) -> list[User]:
    """The contract's service desk, else its project manager (someone must hear)."""
    if contract.pk not in cache:
        people = list(User.objects.filter(
            contract_memberships__contract=contract, is_active=True,
            contract_memberships__duty=ContractMember.Duty.AGENT).distinct())
        cache[contract.pk] = people or [contract.project_manager]
    return cache[contract.pk]


def _send(repair: VendorRepair, recipient, event: str, template: str, **context) -> None:
    email_from_template(
        recipient=recipient, event=event, template=template,
        dedupe_key=f"{event}:{repair.pk}:{context.get('due', repair.return_due)}:{recipient.pk}",
        context={"repair": repair, "ticket": repair.ticket, **context,
                 "url": settings.SITE_URL + reverse("fieldservice:repair", args=[repair.pk])})


def _open_repairs():
    return (VendorRepair.objects.exclude(status=RepairStatus.RETURNED)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("ticket__contract__calendar", "ticket__contract__project_manager",
                            "ticket__contract__repair_policy")
            .order_by("pk"))


def repair_reminders_run(*, moment=None) -> tuple[int, int]:
    """Send what is owed at ``moment``; returns (progress reminders, overdue escalations)."""
    moment = moment or clock_now()
    day = timezone.localdate(moment)
    reminded = escalated = 0
    desk_cache: dict = {}
    last = 0
    while True:  # progress reminders, one batch per transaction
        with transaction.atomic():
            batch = list(_open_repairs().filter(progress_due__lte=day, pk__gt=last)[:BATCH])
            for repair in batch:
                contract = repair.ticket.contract
                calendar = calendar_of(contract)
                every = policy_of(contract).progress_working_days
                # After downtime, one reminder for the latest missed due date, not one per day.
                due, following = repair.progress_due, repair_dates.progress_due(
                    repair.progress_due, calendar, every)
                while following <= day:
                    due, following = following, repair_dates.progress_due(following, calendar,
                                                                          every)
                if _claim(repair, RepairReminder.Kind.PROGRESS, due, moment):
                    for person in _desk(contract, desk_cache):
                        _send(repair, person, "repair.reminder",
                              "fieldservice/email/repair_reminder.txt", due=due)
                    reminded += 1
                repair.progress_due = following
                repair.save(update_fields=["progress_due"])
            last = batch[-1].pk if batch else last
        if len(batch) < BATCH:
            break
    last = 0
    while True:  # overdue returns: the project manager, once per repair
        with transaction.atomic():
            batch = list(_open_repairs().filter(return_due__lt=day, pk__gt=last).exclude(
                reminders__kind=RepairReminder.Kind.OVERDUE)[:BATCH])
            for repair in batch:
                if _claim(repair, RepairReminder.Kind.OVERDUE, repair.return_due, moment):
                    _send(repair, repair.ticket.contract.project_manager, "repair.overdue",
                          "fieldservice/email/repair_overdue.txt")
                    escalated += 1
            last = batch[-1].pk if batch else last
        if len(batch) < BATCH:
            break
    if reminded or escalated:
        logger.info("repair reminders: %d progress, %d overdue", reminded, escalated)
    return reminded, escalated
