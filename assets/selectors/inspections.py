"""Inspection rounds (巡检, A6): the read side — periods and pre-holiday breaks, the assets a
plan inspects, and the queries pages and API share, scoped by role and contract. Changes
(generation, recording, plans) are in assets/services/inspections.py.

Periods and due dates (the plan's frequency):
- daily: that day, due the same day;
- weekly: Monday to Sunday, due on **Friday** (inspections are done in the working week);
- monthly / quarterly / half-yearly: the calendar period, due on its last day.

Asset selection: the live (not retired) assets of the plan's contract matching every filter the
plan sets (type, criticality, site), plus the assets picked by hand. A plan with no filters and
hand-picked assets inspects just those; with neither, every live asset of the contract. The
selection is taken when the round is generated; assets added later join the next round.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy

from assets.models import (
    Asset,
    AssetStatus,
    Frequency,
    InspectionPhoto,
    InspectionPlan,
    InspectionRecord,
    InspectionRound,
)
from assets.permissions import may_see_inspections, may_see_plans
from assets.selectors.register import visible_contract_ids
from core.periods import month_bounds, quarter_bounds, quarter_of
from sla.holiday_notice import festivals_named
from sla.working_days import closed_day_names
from sla.working_days import working_days as official_working_days

PENDING = InspectionRecord.Outcome.PENDING
# The holidays that get an extra round (seed 003 1.1.8.2), by festival: day names are read with
# sla.holiday_notice.festivals_named (a combined "国庆节、中秋节", short forms and the English
# names of old rows all count).
PRE_HOLIDAYS = {"国庆节": "National Day", "元旦": "New Year's Day", "春节": "Spring Festival"}
HOLIDAY_LABELS = {
    "National Day": gettext_lazy("National Day"),
    "New Year's Day": gettext_lazy("New Year's Day"),
    "Spring Festival": gettext_lazy("Spring Festival"),
}


def pre_holiday_working_days() -> int:
    """How many working days before a long holiday its extra round appears (setting)."""
    return int(getattr(settings, "INSPECTION_PRE_HOLIDAY_WORKING_DAYS", 3))


# --------------------------------------------------------------------------------------------
# Periods and holidays (pure functions, plus one read of the holiday tables)
# --------------------------------------------------------------------------------------------


def period_of(frequency: str, day: date) -> tuple[date, date]:
    """``(period_start, due_on)`` of the period of ``frequency`` that contains ``day``."""
    if frequency == Frequency.DAILY:
        return day, day
    if frequency == Frequency.WEEKLY:
        monday = day - timedelta(days=day.weekday())
        return monday, monday + timedelta(days=4)
    if frequency == Frequency.MONTHLY:
        return month_bounds(day.year, day.month)
    if frequency == Frequency.QUARTERLY:
        return quarter_bounds(*quarter_of(day))
    if frequency == Frequency.HALF_YEARLY:
        if day.month <= 6:
            return date(day.year, 1, 1), date(day.year, 6, 30)
        return date(day.year, 7, 1), date(day.year, 12, 31)
    raise ValueError(f"unknown frequency {frequency!r}")


@dataclass(frozen=True)
class HolidayBreak:
    name: str          # canonical English name, a key of HOLIDAY_LABELS
    starts_on: date    # first closed day (weekend days joined to the holiday included)
    due_on: date       # the last working day before it


def holiday_breaks_ahead(today: date, *, working_days: int) -> list[HolidayBreak]:
    """National Day, New Year and Spring Festival breaks starting within the next
    ``working_days`` working days, from the SLA holiday tables (sla.working_days).

    A break counts only when the holiday years involved are entered (a HolidayYear row): without
    the official days we cannot tell when the holiday starts or which days are worked."""
    horizon = today + timedelta(days=working_days * 3 + 21)
    official = official_working_days()
    if today.year not in official.entered:
        return []
    names = closed_day_names(today, horizon)
    runs: list[list[date]] = []
    for day in sorted(names):
        if runs and day - runs[-1][-1] == timedelta(days=1):
            runs[-1].append(day)
        else:
            runs.append([day])
    breaks = []
    for run in runs:
        start = run[0]
        if start <= today or start.year not in official.entered:
            continue
        wanted = [PRE_HOLIDAYS[f] for d in run for f in sorted(festivals_named([names.get(d)]))
                  if f in PRE_HOLIDAYS]
        if not wanted:
            continue
        worked = official.between(today, start)
        if 1 <= len(worked) <= working_days:
            breaks.append(HolidayBreak(name=wanted[0], starts_on=start, due_on=worked[-1]))
    return breaks


# --------------------------------------------------------------------------------------------
# Asset selection
# --------------------------------------------------------------------------------------------


def plan_assets(plan: InspectionPlan) -> QuerySet[Asset]:
    """The live assets a round of this plan inspects (see the module docstring)."""
    live = Asset.objects.filter(contract_id=plan.contract_id).exclude(status=AssetStatus.RETIRED)
    filters = {}
    if plan.asset_type_id:
        filters["asset_type_id"] = plan.asset_type_id
    if plan.criticality:
        filters["criticality"] = plan.criticality
    if plan.site_id:
        filters["site_id"] = plan.site_id
    picked = Q(pk__in=plan.assets.values("pk")) if plan.pk else Q(pk__in=[])
    if filters:
        return live.filter(Q(**filters) | picked).order_by("tag", "pk")
    if plan.pk and plan.assets.exists():
        return live.filter(picked).order_by("tag", "pk")
    return live.order_by("tag", "pk")

# --------------------------------------------------------------------------------------------
# Reads, scoped by role and contract (pages and API share them)
# --------------------------------------------------------------------------------------------


def rounds_visible_to(user) -> QuerySet[InspectionRound]:
    if not getattr(user, "is_authenticated", False) or not may_see_inspections(user):
        return InspectionRound.objects.none()
    return InspectionRound.objects.filter(contract_id__in=visible_contract_ids(user))


def records_visible_to(user) -> QuerySet[InspectionRecord]:
    if not getattr(user, "is_authenticated", False) or not may_see_inspections(user):
        return InspectionRecord.objects.none()
    return InspectionRecord.objects.filter(round__contract_id__in=visible_contract_ids(user))


def plans_visible_to(user) -> QuerySet[InspectionPlan]:
    if not getattr(user, "is_authenticated", False) or not may_see_plans(user):
        return InspectionPlan.objects.none()
    return InspectionPlan.objects.filter(contract_id__in=visible_contract_ids(user))


def with_progress(rounds: QuerySet[InspectionRound]) -> QuerySet[InspectionRound]:
    """Rounds with ``total``, ``done`` and ``failed`` record counts, in the same query."""
    return rounds.annotate(
        total=Count("records"),
        done=Count("records", filter=~Q(records__outcome=PENDING)),
        failed=Count("records", filter=Q(records__outcome=InspectionRecord.Outcome.FAILED)),
    )


def rounds_due_for(*, user) -> QuerySet[InspectionRound]:
    """An engineer's list: open rounds on their contracts assigned to them or to nobody,
    overdue and due today first, then upcoming."""
    return (with_progress(rounds_visible_to(user).filter(
        Q(assignee=user) | Q(assignee__isnull=True), status=InspectionRound.Status.OPEN))
        .select_related("plan", "contract", "assignee").order_by("due_on", "pk"))


def round_list(*, user, status: str = "") -> QuerySet[InspectionRound]:
    """Every visible round with its progress, for the rounds page's "all rounds" view (its
    filters are assets.filters.RoundFilterSet): the open ones earliest due first, else newest
    due first."""
    order = ("due_on", "pk") if status == InspectionRound.Status.OPEN else ("-due_on", "-pk")
    return (with_progress(rounds_visible_to(user)).select_related("plan", "contract", "assignee")
            .order_by(*order))


def round_get(*, user, pk: int) -> InspectionRound:
    """One visible round with its progress; InspectionRound.DoesNotExist otherwise (→ 404)."""
    return (with_progress(rounds_visible_to(user))
            .select_related("plan", "plan__template", "contract", "assignee").get(pk=pk))


def record_get(*, user, pk: int) -> InspectionRecord:
    return (records_visible_to(user)
            .select_related("round", "round__plan", "round__plan__template", "round__contract",
                            "asset", "asset__asset_type", "asset__site", "inspected_by",
                            "ticket")
            .get(pk=pk))


def photo_get(*, user, pk: int) -> InspectionPhoto:
    return InspectionPhoto.objects.get(pk=pk, record__in=records_visible_to(user))
