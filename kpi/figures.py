"""KPI figures from the daily rollup (K1): one function per figure family, all reading the rollup
rows of a scope (contracts, optionally engineers and a service type) and a period of whole days.

Rates are fractions 0–1, or None when nothing was measured (a dashboard shows "—", not 0 %).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import partial
from typing import NamedTuple

from django.db.models import Count, F, Max, OuterRef, Q, Subquery, Sum
from django.db.models.functions import TruncMonth

from accounts.models import User
from assets.models import Asset, AssetStatus, AssetType
from core.lookups import InDateList, InIdList
from core.prepared import PreparedQuery, one_row
from kpi import prepared
from kpi.models import (
    AssetFaultRollup,
    BacklogSnapshot,
    DailyRollup,
    KpiTargets,
    MonthlyRollup,
)
from kpi.models.rollup import MEASURES
from kpi.prepared import ScopedQuery

CLOCKS = ("response", "arrival", "resolution")


@dataclass(frozen=True)
class Scope:
    """Which rollup rows count: contract ids, and optionally engineers and one service type."""

    contract_ids: tuple[int, ...]
    engineer_ids: tuple[int, ...] | None = None
    service_type_id: int | None = None

    def q(self) -> Q:
        q = Q(contract_id__in=self.contract_ids)
        if self.engineer_ids is not None:
            q &= Q(engineer_id__in=self.engineer_ids)
        if self.service_type_id is not None:
            q &= Q(service_type_id=self.service_type_id)
        return q


def ratio(part, whole) -> float | None:
    return part / whole if whole else None


def totals(scope: Scope, start: date, end: date) -> dict[str, int]:
    """Every rollup measure summed over the scope and days start..end (inclusive), and when the
    newest of those rows was rebuilt (`refreshed_at`, None without rows): one query."""
    sums = (DailyRollup.objects.filter(scope.q(), day__gte=start, day__lte=end)
            .aggregate(refreshed_at=Max("refreshed_at"), **{m: Sum(m) for m in MEASURES}))
    return {"refreshed_at": sums["refreshed_at"], **{m: sums[m] or 0 for m in MEASURES}}


def totals_by(scope: Scope, start: date, end: date, *fields: str) -> dict:
    """`totals` grouped by rollup columns (e.g. "engineer_id"): one query. Keyed by the column's
    value, or by a tuple of values when grouped by several columns; groups without rows are
    absent."""
    rows = (DailyRollup.objects.filter(scope.q(), day__gte=start, day__lte=end)
            .values(*fields)
            .annotate(refreshed_at=Max("refreshed_at"), **{m: Sum(m) for m in MEASURES})
            .order_by(*fields))
    return {(row[fields[0]] if len(fields) == 1 else tuple(row[f] for f in fields)):
            {"refreshed_at": row["refreshed_at"], **{m: row[m] or 0 for m in MEASURES}}
            for row in rows}


def from_totals(t: dict[str, int]) -> dict:
    """The summary figures (the API's fields) from summed measures."""
    figures = {
        "tickets_opened": t["opened"],
        "tickets_resolved": t["resolved"],
        "first_line_resolution_rate": ratio(t["resolved_first_line"], t["resolved"]),
        "reopen_rate": ratio(t["resolved_reopened"], t["resolved"]),
        "mttr_minutes": (round(t["resolve_seconds"] / t["resolved"] / 60, 1)
                         if t["resolved"] else None),
        "fault_resolution_rate": ratio(
            t["fault_resolution_met"], t["fault_resolution_met"] + t["fault_resolution_breached"]),
        "satisfaction_rate": ratio(t["surveys_satisfied"], t["surveys_answered"]),
        "survey_response_rate": ratio(t["surveys_answered"], t["surveys_sent"]),
        "surveys_sent": t["surveys_sent"],
        "surveys_answered": t["surveys_answered"],
        "complaints": t["complaints"],
        "major_complaints": t["major_complaints"],
    }
    for kind in CLOCKS:
        met, breached = t[f"{kind}_met"], t[f"{kind}_breached"]
        figures[f"{kind}_attainment"] = ratio(met, met + breached)
        figures[f"{kind}_met"] = met
        figures[f"{kind}_breached"] = breached
    return figures


def summary(scope: Scope, start: date, end: date) -> dict:
    return from_totals(totals(scope, start, end))


def trend(scope: Scope, start: date, end: date, *, monthly: bool | None = None) -> list[dict]:
    """Figures per day (periods up to 62 days) or per month: one grouped query."""
    if monthly is None:
        monthly = (end - start).days + 1 > 62
    rows = DailyRollup.objects.filter(scope.q(), day__gte=start, day__lte=end)
    rows = rows.annotate(bucket=TruncMonth("day") if monthly else F("day"))
    grouped = rows.values("bucket").annotate(**{m: Sum(m) for m in MEASURES}).order_by("bucket")
    by_bucket = {as_date(row["bucket"]): {m: row[m] or 0 for m in MEASURES} for row in grouped}
    return _points(by_bucket, start, end, monthly)


def _points(by_bucket: dict, start: date, end: date, monthly: bool) -> list[dict]:
    """One point per bucket of the period, zeros where the rollup has no rows."""
    empty = dict.fromkeys(MEASURES, 0)
    return [{"period": bucket, **from_totals(by_bucket.get(bucket, empty))}
            for bucket in _buckets(start, end, monthly)]


class _Group(NamedTuple):
    """One row of PeriodSums' query: a bucket's and an engineer's summed measures."""

    bucket: date
    engineer_id: int | None
    refreshed_at: object
    values: list[int]  # in the order of MEASURES


def _sums_per_bucket_and_engineer(rows):
    """Every measure summed per (bucket, engineer) of rows annotated with their `bucket`."""
    person = User.objects.filter(pk=OuterRef("engineer_id"))
    return (rows.values_list("bucket", "engineer_id")
            .annotate(refreshed_at=Max("refreshed_at"), **{m: Sum(m) for m in MEASURES})
            # Looked up per group, after the sums; the database's collation orders them, so
            # by_engineer comes in the order of the engineers' names.
            .annotate(engineer_name=Subquery(person.values("name")[:1]),
                      engineer_username=Subquery(person.values("username")[:1]))
            .order_by("engineer_name", "engineer_id", "bucket"))


def _period_sums(where, *, start, end, monthly: bool):
    return _sums_per_bucket_and_engineer(
        DailyRollup.objects.filter(*where, day__gte=start, day__lte=end)
        .annotate(bucket=TruncMonth("day") if monthly else F("day")))


def _whole_month_sums(where, *, start, end):
    """_period_sums(monthly=True) over whole months, from MonthlyRollup: its rows are the
    daily rows of each month summed per contract, service type and engineer."""
    return _sums_per_bucket_and_engineer(
        MonthlyRollup.objects.filter(*where, month__gte=start, month__lte=end)
        .annotate(bucket=F("month")))


_PERIOD_SUMS = {monthly: ScopedQuery(partial(_period_sums, monthly=monthly),
                                     start=prepared.START, end=prepared.END)
                for monthly in (False, True)}
_WHOLE_MONTH_SUMS = ScopedQuery(_whole_month_sums, start=prepared.START, end=prepared.END)


def _whole_months(start: date, end: date) -> bool:
    return start.day == 1 and (end + timedelta(days=1)).day == 1


class PeriodSums:
    """A dashboard's read of the rollup in one pass: every measure summed per (bucket, engineer)
    over the scope and days start..end, from which the period's totals (`totals`), its trend
    (`trend`) and its engineers' sums (`by_engineer`) are added up in Python. Reading them as
    three grouped queries scanned the same rollup rows three times: at 1,000,000 tickets a
    contract's quarter is ~6,000 rows on ~1,100 pages, ~5 ms a scan (bench/README.md).
    A monthly trend over whole months (a quarter's, a year's dashboard) reads MonthlyRollup
    instead: the same sums, from a few hundred rows. tests/kpi/test_dashboard.py and
    test_prepared_figures.py check each against its own query over the daily rows."""

    def __init__(self, scope: Scope, start: date, end: date, *, monthly: bool):
        self.start, self.end, self.monthly = start, end, monthly
        query = (_WHOLE_MONTH_SUMS if monthly and _whole_months(start, end)
                 else _PERIOD_SUMS[monthly])
        rows = query.dicts(scope, start=start, end=end)
        self.groups = [_Group(as_date(row["bucket"]), row["engineer_id"], row["refreshed_at"],
                              [row[m] or 0 for m in MEASURES]) for row in rows]
        # What the engineer table shows as each engineer's name.
        self.names = {row["engineer_id"]: row["engineer_name"] or row["engineer_username"]
                      for row in rows if row["engineer_id"] is not None}

    def totals(self) -> dict:
        """As figures.totals over the same scope and days."""
        refreshed = [g.refreshed_at for g in self.groups if g.refreshed_at is not None]
        return {"refreshed_at": max(refreshed) if refreshed else None,
                **self._summed(lambda g: None).get(None, dict.fromkeys(MEASURES, 0))}

    def trend(self) -> list[dict]:
        """As figures.trend over the same scope, days and buckets."""
        return _points(self._summed(lambda g: g.bucket), self.start, self.end, self.monthly)

    def by_engineer(self) -> dict[int, dict]:
        """The measures summed per engineer, in the order of their names (rows without an
        engineer left out)."""
        return {engineer: t for engineer, t in self._summed(lambda g: g.engineer_id).items()
                if engineer is not None}

    def _summed(self, key) -> dict:
        """The measures summed over the groups with the same key(group), in first-seen order."""
        sums: dict = {}
        for group in self.groups:
            known = sums.get(key(group))
            sums[key(group)] = group.values if known is None else [
                a + b for a, b in zip(known, group.values, strict=True)]
        return {k: dict(zip(MEASURES, values, strict=True)) for k, values in sums.items()}


def as_date(value) -> date:
    """A truncated date as a date (a backend may give it as a date and time)."""
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def _buckets(start: date, end: date, monthly: bool) -> list[date]:
    if not monthly:
        return [start + timedelta(days=i) for i in range((end - start).days + 1)]
    buckets, day = [], start.replace(day=1)
    while day <= end:
        buckets.append(day)
        day = (day + timedelta(days=32)).replace(day=1)
    return buckets


_BACKLOG = ScopedQuery(
    lambda where, day: one_row(BacklogSnapshot.objects.filter(*where, day=day),
                               open=Sum("open"), over_1d=Sum("over_1d"), over_3d=Sum("over_3d"),
                               over_7d=Sum("over_7d"), taken_at=Max("taken_at")),
    day=prepared.DAY)
_BACKLOG_TREND = ScopedQuery(
    lambda where, start, end: (
        BacklogSnapshot.objects.filter(*where, day__gte=start, day__lte=end)
        .values_list("day").annotate(open=Sum("open"), over_7d=Sum("over_7d")).order_by("day")),
    start=prepared.START, end=prepared.END)


_BACKLOG_ON_DAYS = ScopedQuery(
    lambda where, days: (
        BacklogSnapshot.objects.filter(*where, InDateList(F("day"), days))
        .values_list("day").annotate(open=Sum("open"), over_7d=Sum("over_7d")).order_by("day")),
    days=prepared.DAYS)


def backlog(scope: Scope, day: date) -> dict:
    """The backlog snapshot of `day` (end of day; today: the latest taken): open, and ageing."""
    [agg] = _BACKLOG.dicts(scope, day=day)
    return {key: (value or 0) if key != "taken_at" else value for key, value in agg.items()}


def backlog_trend(scope: Scope, start: date, end: date) -> list[dict]:
    return _BACKLOG_TREND.dicts(scope, start=start, end=end)


def backlog_on_days(scope: Scope, days: list[date]) -> list[dict]:
    """backlog_trend's rows of these days only (a monthly chart's month ends: a quarter's
    three days, not its ninety-two)."""
    return _BACKLOG_ON_DAYS.dicts(scope, days=days)


def asset_figures(contract_ids, start: date, end: date) -> list[dict]:
    """Per asset type (K4): devices in service, faults in the period, the failure rate (the
    share of those devices that had a fault in the period), MTBF (device-hours in the period
    per fault) and availability (1 − the hours from creation to resolution of those faults ÷
    the device-hours; faults overlapping on one device count twice, so it errs low)."""
    hours = ((end - start).days + 1) * 24
    contracts = list(contract_ids)
    devices = dict(_DEVICES_PER_TYPE.rows(contracts=contracts))
    faults = {row["asset_type_id"]: row
              for row in _FAULTS_PER_TYPE.dicts(contracts=contracts, start=start, end=end)}
    types = {t.pk: t for t in _ASSET_TYPES.models(ids=sorted(set(devices) | set(faults)))}
    result = []
    for type_id, asset_type in sorted(types.items(), key=lambda item: item[1].ordering):
        n_devices = devices.get(type_id, 0)
        n_faults = faults[type_id]["n"] if type_id in faults else 0
        failed = faults[type_id]["failed"] if type_id in faults else 0
        down_hours = (faults[type_id]["down"] or 0) / 3600 if type_id in faults else 0
        result.append({
            "asset_type": asset_type, "asset_type_id": type_id, "devices": n_devices,
            "faults": n_faults, "failed_devices": failed,
            "failure_rate": ratio(min(failed, n_devices), n_devices),
            "mtbf_hours": round(n_devices * hours / n_faults) if n_faults else None,
            "downtime_hours": down_hours,
            "availability": (max(0.0, 1 - down_hours / (n_devices * hours)) if n_devices
                             else None),
            "is_server": asset_type.code in SERVER_TYPE_CODES,
        })
    return result


_DEVICES_PER_TYPE = PreparedQuery(
    lambda contracts: (Asset.objects.filter(InIdList(F("contract_id"), contracts))
                       .exclude(status=AssetStatus.RETIRED)
                       .values_list("asset_type_id").annotate(n=Count("pk")).order_by()),
    contracts=prepared.CONTRACTS)
_FAULTS_PER_TYPE = PreparedQuery(
    lambda contracts, start, end: (
        AssetFaultRollup.objects.filter(InIdList(F("contract_id"), contracts),
                                        day__gte=start, day__lte=end)
        .values_list("asset_type_id")
        .annotate(n=Sum("faults"), failed=Count("asset_id", distinct=True),
                  down=Sum("downtime_seconds")).order_by()),
    contracts=prepared.CONTRACTS, start=prepared.START, end=prepared.END)
_ASSET_TYPES = PreparedQuery(lambda ids: AssetType.objects.filter(InIdList(F("pk"), ids)),
                             ids=prepared.IDS)


# Asset types the server targets (failure rate < 1 %, MTBF ≥ 5000 h; seed 004) apply to.
SERVER_TYPE_CODES = {"server", "storage"}


def targets_of(contract) -> KpiTargets:
    """The contract's targets; the defaults (unsaved) when none were set."""
    try:
        return contract.kpi_targets
    except KpiTargets.DoesNotExist:
        return KpiTargets(contract=contract)


def percent(value: Decimal | float | None) -> float | None:
    return None if value is None else float(value) / 100


def per_contract(contract_ids, start: date, end: date) -> dict[int, dict]:
    """The summary figures of several contracts at once (home pages): one grouped query."""
    grouped = totals_by(Scope(contract_ids=tuple(contract_ids)), start, end, "contract_id")
    return {contract_id: from_totals(t) for contract_id, t in grouped.items()}
