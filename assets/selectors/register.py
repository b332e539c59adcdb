"""Read queries for the asset register, scoped by role and contract (every page and the API)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from accounts.roles import Capability, can
from assets.models import Asset, AssetRelation, AssetStatus
from core.clock import now
from sla.selectors import contracts_visible_to
from tickets.models import Kind, Status, Ticket
from tickets.selectors import tickets_visible_to


def assets_visible_to(user) -> QuerySet[Asset]:
    """The register a person may read: their contracts' assets for staff and client contacts;
    for end users only what they hold (their own devices)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Asset.objects.none()
    if can(user, Capability.SEE_ASSETS):
        # Literal ids, not a subquery: the planner then knows how many rows a contract has and
        # walks the (contract, tag) index instead of sorting a whole contract's register.
        return Asset.objects.filter(contract_id__in=visible_contract_ids(user))
    return Asset.objects.filter(custodian=user)


def visible_contract_ids(user) -> list[int]:
    """The ids of the user's contracts as a plain list (inspections scope by it too)."""
    return list(contracts_visible_to(user).values_list("pk", flat=True))


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


# --- the register list --------------------------------------------------------------------------
LIST_RELATED = ("contract", "asset_type", "site", "department", "custodian")


def asset_list(*, user) -> QuerySet[Asset]:
    """The register as the list page and the API read it: scoped, with what a row shows, in
    register order. Their filters are assets/filters.py's AssetFilterSet."""
    return assets_visible_to(user).select_related(*LIST_RELATED).order_by("contract_id", "tag",
                                                                           "id")


WARRANTY_STATES = ("valid", "expiring", "expired", "unknown")


def asset_get(*, user, pk: int) -> Asset:
    """One asset the user may read, with what its page shows; Asset.DoesNotExist otherwise."""
    return (assets_visible_to(user)
            .select_related(*LIST_RELATED, "contract__client")
            .get(pk=pk))


def asset_relations(asset: Asset) -> list[tuple[str, Asset, AssetRelation]]:
    """Both directions of the configuration map around one asset, worded from its side."""
    rows = []
    for relation in asset.relations_out.select_related("target__asset_type"):
        rows.append((relation.get_kind_display(), relation.target, relation))
    inverse = {AssetRelation.Kind.RUNS_ON: _("hosts"),
               AssetRelation.Kind.CONNECTED_TO: _("is connected to"),
               AssetRelation.Kind.PART_OF: _("contains")}
    for relation in asset.relations_in.select_related("source__asset_type"):
        rows.append((inverse[relation.kind], relation.source, relation))
    return rows


def asset_tickets(*, user, asset: Asset):
    """Every ticket ever raised on the asset that this user may see, newest first."""
    return (tickets_visible_to(user).filter(asset=asset)
            .select_related("service_type", "category", "assignee", "requester")
            .order_by("-created_at"))


# Bookkeeping the system keeps on the row, not a change anyone made to the asset: left out of
# the diffs (the warranty notice is written by a bulk update, so it would otherwise show up in
# the next person's edit).
HISTORY_HIDDEN_FIELDS = ["updated_at", "warranty_notice_for"]


def _shown(value):
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return value


def asset_history(asset: Asset, limit: int = 50) -> list:
    """The change history with, for each version, the fields that changed. A version without a
    user is the system's (the recurring-fault flag, an import from the command line)."""
    versions = list(asset.history.select_related("history_user")
                    .order_by("-history_date", "-history_id")[:limit + 1])
    rows = []
    for newer, older in zip(versions, [*versions[1:], None], strict=False):
        if len(rows) == limit:
            break
        changes = []
        if older is not None:
            delta = newer.diff_against(older, excluded_fields=HISTORY_HIDDEN_FIELDS)
            changes = [(asset._meta.get_field(c.field).verbose_name, _shown(c.old),
                        _shown(c.new)) for c in delta.changes]
        rows.append({"version": newer, "changes": changes})
    return rows


@dataclass
class Reliability:
    """Fault history figures of one asset (A5)."""

    faults: int
    repairs: int
    mtbf_hours: float | None
    mttr_hours: float | None
    in_service_since: date | None


def asset_reliability(asset: Asset, *, at=None) -> Reliability:
    """MTBF = time in service / number of faults (seed 004: MTBF ≥ 5000 h); MTTR over the
    faults that were resolved. Computed in one aggregate query."""
    at = at or now()
    faults = Ticket.objects.filter(asset=asset, kind=Kind.FAULT).exclude(
        status=Status.CANCELLED)
    figures = faults.aggregate(
        count=Count("pk"),
        repaired=Count("pk", filter=Q(resolved_at__isnull=False)),
        repair_time=Sum(F("resolved_at") - F("created_at"),
                        filter=Q(resolved_at__isnull=False)))
    since = asset.purchase_date or asset.created_at.date()
    service_hours = max((at.date() - since).days, 0) * 24
    mtbf = service_hours / figures["count"] if figures["count"] else None
    mttr = None
    if figures["repaired"] and figures["repair_time"] is not None:
        mttr = figures["repair_time"].total_seconds() / 3600 / figures["repaired"]
    return Reliability(faults=figures["count"], repairs=figures["repaired"], mtbf_hours=mtbf,
                       mttr_hours=mttr, in_service_since=since)


def warranty_expiring(*, user, limit: int = 50) -> list[Asset]:
    """Live assets whose warranty ends within the notice window, soonest first."""
    return list(assets_visible_to(user).exclude(status=AssetStatus.RETIRED)
                .filter(warranty_q("expiring")).select_related(*LIST_RELATED)
                .order_by("warranty_end", "pk")[:limit])
