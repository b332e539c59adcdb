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
