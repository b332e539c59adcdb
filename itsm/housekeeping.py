"""Retention: what the installation deletes, and what it keeps, night after night.

- sessions past their expiry (Django's clearsessions);
- notifications delivered, or given up, longer than NOTIFICATION_RETENTION_DAYS ago, and
  in-app notifications read that long ago (unread ones stay under the bell);
- change history older than HISTORY_RETENTION_DAYS, except the history of service records,
  kept SERVICE_RECORD_RETENTION_YEARS (at least five years, seed 004).

The service records themselves (tickets and their timeline, service reports, surveys,
complaints, KPI reports, problems and changes) are never deleted here. Each purge deletes what
is past its date and nothing else, so running it twice deletes nothing the second time; rows
go in batches so no long transaction holds locks the minute job needs.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import models, transaction
from django.db.models import Q

from core.clock import now as clock_now
from notifications.models import InAppNotification, Notification

BATCH = 5000
# The apps whose records are the service given (and the contract it was measured against):
# their history follows SERVICE_RECORD_RETENTION_YEARS.
SERVICE_RECORD_APPS = frozenset({"tickets", "fieldservice", "surveys", "kpi", "sla"})
SERVICE_RECORD_MODELS = frozenset({"knowledge.problem", "knowledge.change"})


def sessions_clear() -> None:
    call_command("clearsessions")


def notifications_purge(*, now: datetime | None = None) -> int:
    cutoff = (now or clock_now()) - timedelta(days=settings.NOTIFICATION_RETENTION_DAYS)
    delivered = Notification.objects.filter(
        Q(status=Notification.Status.SENT, sent_at__lt=cutoff)
        | Q(status=Notification.Status.FAILED, attempted_at__lt=cutoff)
        | Q(status=Notification.Status.FAILED, attempted_at__isnull=True, created_at__lt=cutoff))
    read = InAppNotification.objects.filter(read_at__lt=cutoff)
    return delete_in_batches(delivered) + delete_in_batches(read)


def is_service_record(model: type[models.Model]) -> bool:
    return (model._meta.app_label in SERVICE_RECORD_APPS
            or model._meta.label_lower in SERVICE_RECORD_MODELS)


def history_cutoffs(*, now: datetime) -> dict[type[models.Model], datetime]:
    """Each historical model and the date before which its rows go."""
    general = now - timedelta(days=settings.HISTORY_RETENTION_DAYS)
    # Whole years by days (365.25): a leap day never shortens the five years.
    service = now - timedelta(days=round(settings.SERVICE_RECORD_RETENTION_YEARS * 365.25))
    cutoffs = {}
    for model in apps.get_models():
        tracked = getattr(model, "instance_type", None)  # set on django-simple-history's models
        if tracked is None or not hasattr(model, "history_date"):
            continue
        cutoffs[model] = min(general, service) if is_service_record(tracked) else general
    return cutoffs


def history_purge(*, now: datetime | None = None) -> dict[str, int]:
    """Deletes old history; returns the rows deleted per historical model (those with any)."""
    deleted = {}
    for model, cutoff in history_cutoffs(now=now or clock_now()).items():
        count = delete_in_batches(model.objects.filter(history_date__lt=cutoff))
        if count:
            deleted[model._meta.label] = count
    return deleted


def delete_in_batches(queryset: models.QuerySet, *, batch: int = BATCH) -> int:
    """Deletes the rows of `queryset` a batch per transaction; returns how many rows went
    (related rows deleted by cascade not counted)."""
    total = 0
    while True:
        with transaction.atomic():
            ids = list(queryset.order_by("pk").values_list("pk", flat=True)[:batch])
            if not ids:
                return total
            queryset.model.objects.filter(pk__in=ids).delete()
        total += len(ids)
