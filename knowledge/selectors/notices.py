"""Reads of maintenance notices: the banner, the list and the calendar, scoped by contract
(an end user sees their organisation's contracts' notices for their site)."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.roles import CLIENT_ROLES
from core.clock import now
from knowledge.models import Notice
from sla.selectors import contracts_visible_to

# The banner shows a notice from publication until its window ends; the calendar looks ahead.
CALENDAR_DAYS = 60


def notices_visible_to(user) -> QuerySet[Notice]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Notice.objects.none()
    return Notice.objects.filter(contract_id__in=list(
        contracts_visible_to(user).values_list("pk", flat=True)))


def notice_list(*, user, contract: str = "", past: bool = False) -> QuerySet[Notice]:
    notices = notices_visible_to(user).select_related("contract", "service_type", "change")
    if contract:
        notices = notices.filter(contract__code=contract)
    moment = now()
    if past:
        return notices.filter(ends_at__lte=moment).order_by("-starts_at", "-id")
    return notices.filter(ends_at__gt=moment).order_by("starts_at", "id")


def notice_get(*, user, pk: int) -> Notice:
    return (notices_visible_to(user)
            .select_related("contract", "service_type", "change", "published_by")
            .prefetch_related("sites").get(pk=pk))


def banner_notices(user) -> list[Notice]:
    """The live notices for the person's contracts; a client person only those of their site
    (or of every site)."""
    notices = (notices_visible_to(user)
               .filter(cancelled_at__isnull=True, ends_at__gt=now())
               .select_related("contract", "service_type"))
    if user.role in CLIENT_ROLES and user.site_id and not user.is_superuser:
        notices = notices.filter(Q(sites__isnull=True) | Q(sites=user.site_id))
    return list(notices.distinct().order_by("starts_at")[:5])


def upcoming_windows(*, user, contract: str = "") -> list[tuple]:
    """The calendar: live windows of the next CALENDAR_DAYS days, by day (local date)."""
    moment = now()
    notices = (notices_visible_to(user)
               .filter(cancelled_at__isnull=True, ends_at__gt=moment,
                       starts_at__lt=moment + timedelta(days=CALENDAR_DAYS))
               .select_related("contract", "service_type", "change").order_by("starts_at"))
    if contract:
        notices = notices.filter(contract__code=contract)
    days: dict = {}
    for notice in notices[:500]:
        day = max(notice.starts_at, moment)
        days.setdefault(timezone.localtime(day).date(), []).append(notice)
    return sorted(days.items())
