"""Report periods and due dates (seed 001): the monthly summary is due on the 5th of the next
month, the repair summary on the 10th; quarterly and annual reviews on the 15th of the month
after the period; a major-incident report 5 days after the ticket was resolved."""

from __future__ import annotations

from datetime import date, timedelta

from core.periods import month_bounds, quarter_bounds, quarter_of
from kpi.models.reports import ReportKind

DUE_DAY = {ReportKind.MONTHLY_SUMMARY: 5, ReportKind.MONTHLY_REPAIR: 10,
           ReportKind.QUARTERLY: 15, ReportKind.ANNUAL: 15}
INCIDENT_DUE_DAYS = 5


def period_of(kind: str, period_start: date) -> tuple[date, date]:
    """The first and last day of the period a report of `kind` starting at period_start covers
    (the start is moved to the first day of its month, quarter or year)."""
    if kind == ReportKind.ANNUAL:
        start = period_start.replace(month=1, day=1)
        return start, start.replace(month=12, day=31)
    if kind == ReportKind.QUARTERLY:
        return quarter_bounds(*quarter_of(period_start))
    return month_bounds(period_start.year, period_start.month)


def due_on(kind: str, period_end: date) -> date:
    if kind == ReportKind.MAJOR_INCIDENT:
        return period_end + timedelta(days=INCIDENT_DUE_DAYS)
    return (period_end + timedelta(days=1)).replace(day=DUE_DAY[kind])


def parse_month(text: str) -> date:
    """"2026-10" → date(2026, 10, 1); ValueError for anything else."""
    parts = (text or "").strip().split("-")
    if len(parts) != 2 or not all(p.isdigit() for p in parts) or len(parts[0]) != 4:
        raise ValueError(text)
    return date(int(parts[0]), int(parts[1]), 1)


# How far back the generate form's period picker reaches (a report is regenerated for a past
# period; the current one is offered for a draft).
PICKER_MONTHS = 18
PICKER_QUARTERS = 8
PICKER_YEARS = 3


def period_choices(today: date) -> dict[str, list[tuple[str, str]]]:
    """The periods the generate form offers, newest first, as the values parse_period reads:
    {"month": [("2026-10", "2026-10"), …], "quarter": [("2026Q3", "2026 Q3"), …],
    "year": [("2026", "2026"), …]}."""
    months, quarters, years = [], [], []
    index = today.year * 12 + today.month - 1
    for back in range(PICKER_MONTHS):
        year, month = divmod(index - back, 12)
        months.append((f"{year}-{month + 1:02d}", f"{year}-{month + 1:02d}"))
    year, quarter = quarter_of(today)
    for _back in range(PICKER_QUARTERS):
        quarters.append((f"{year}Q{quarter}", f"{year} Q{quarter}"))
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    for back in range(PICKER_YEARS):
        years.append((str(today.year - back), str(today.year - back)))
    return {"month": months, "quarter": quarters, "year": years}


def default_period_value(today: date) -> str:
    """The period a report is usually generated for: last month."""
    first = today.replace(day=1) - timedelta(days=1)
    return f"{first.year}-{first.month:02d}"
