"""SLA figures (S6) for dashboards and reports to build on: attainment per clock kind and the
fault resolution rate, over clocks whose outcome became known in a period."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Q, QuerySet

from sla.models import Clock, ClockKind


def _outcomes(clocks: QuerySet[Clock], start: datetime, end: datetime) -> QuerySet[Clock]:
    """Clocks whose verdict falls in [start, end): a breach counts when it happened, a clock that
    never breached when it stopped with a verdict — the rule the KPI rollup uses
    (kpi/services/rollup.py), so a breach is counted once, in one period."""
    return clocks.filter(
        Q(breached_at__gte=start, breached_at__lt=end)
        | Q(breached_at__isnull=True, met__isnull=False, stopped_at__gte=start, stopped_at__lt=end))


def attainment(*, contracts, start: datetime, end: datetime) -> dict[str, dict]:
    """Per clock kind: met, breached and the met share (None when nothing ended)."""
    rows = (_outcomes(Clock.objects.filter(ticket__contract__in=contracts), start, end)
            .values("kind")
            .annotate(n_met=Count("pk", filter=Q(met=True, breached_at__isnull=True)),
                      n_breached=Count("pk", filter=~Q(met=True, breached_at__isnull=True))))
    figures = {kind: {"met": 0, "breached": 0, "rate": None} for kind in ClockKind.values}
    for row in rows:
        total = row["n_met"] + row["n_breached"]
        figures[row["kind"]] = {"met": row["n_met"], "breached": row["n_breached"],
                                "rate": row["n_met"] / total if total else None}
    return figures


def fault_resolution_rate(*, contracts, start: datetime, end: datetime) -> dict:
    """Faults resolved within their resolution target, of the faults whose resolution clock
    ended (or breached) in the period — the seed's 故障解决率 within working time."""
    clocks = _outcomes(Clock.objects.filter(ticket__contract__in=contracts,
                                            ticket__kind="fault", kind=ClockKind.RESOLUTION),
                       start, end)
    counts = clocks.aggregate(total=Count("pk"),
                              n_met=Count("pk", filter=Q(met=True, breached_at__isnull=True)))
    total = counts["total"]
    return {"met": counts["n_met"], "total": total,
            "rate": counts["n_met"] / total if total else None}
