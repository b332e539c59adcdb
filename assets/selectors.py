"""Read queries for the asset register, scoped by role and contract (every page and the API)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Q, QuerySet

from accounts.roles import Capability, can
from assets.models import Asset, AssetStatus
from itsm.clock import now
from sla.selectors import contracts_visible_to


def assets_visible_to(user) -> QuerySet[Asset]:
    """The register a person may read: their contracts' assets for staff and client contacts;
    for end users only what they hold (their own devices)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Asset.objects.none()
    if can(user, Capability.SEE_ASSETS):
        return Asset.objects.filter(contract__in=contracts_visible_to(user))
    return Asset.objects.filter(custodian=user)


def assets_reportable_by(user) -> QuerySet[Asset]:
    """Live assets a person may file a fault on: any of their contracts' (a shared printer has
    no custodian), never a retired one."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Asset.objects.none()
    return Asset.objects.filter(contract__in=contracts_visible_to(user)).exclude(
        status=AssetStatus.RETIRED)


def assets_held_by(user) -> QuerySet[Asset]:
    """The portal form's choices: the requester's own live devices."""
    return assets_reportable_by(user).filter(custodian=user).order_by("tag", "pk")


def warranty_q(state: str, *, today=None) -> Q:
    """Filter for a warranty state: valid, expiring (within the notice window), expired, unknown."""
    today = today or now().date()
    soon = today + timedelta(days=settings.WARRANTY_NOTICE_DAYS)
    return {
        "valid": Q(warranty_end__gt=soon),
        "expiring": Q(warranty_end__gte=today, warranty_end__lte=soon),
        "expired": Q(warranty_end__lt=today),
        "unknown": Q(warranty_end__isnull=True),
    }[state]


def warranty_state(asset: Asset, *, today=None) -> str:
    today = today or now().date()
    if asset.warranty_end is None:
        return "unknown"
    if asset.warranty_end < today:
        return "expired"
    if asset.warranty_end <= today + timedelta(days=settings.WARRANTY_NOTICE_DAYS):
        return "expiring"
    return "valid"
