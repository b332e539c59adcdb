"""The report schedule (seed 001), run by a daily beat job (kpi.tasks.reports_schedule):

- on the 1st of every month: the monthly service summary (due the 5th) and the monthly repair
  summary (due the 10th) of the month before, for every contract in force during that month;
- on the 1st of January, April, July and October: the quarterly review of the quarter before;
- on the 1st of January: the annual review of the year before (both due the 15th);
- every day: a major-incident report for any P1 resolved in the last week that has none (the
  on-resolution task normally wrote it; this catches a lost broker message).

Idempotent: a report that exists for its contract, kind and period is left alone (regenerating
is a person's decision, from the reports page).
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from kpi.models.reports import ReportKind, ServiceReport
from kpi.reports.periods import period_of

logger = logging.getLogger(__name__)


def due_reports(today: date) -> list[tuple[str, date, date]]:
    """(kind, period start, period end) the schedule generates on `today`."""
    if today.day != 1:
        return []
    month = (today - timedelta(days=1)).replace(day=1)
    due = [(ReportKind.MONTHLY_SUMMARY, *period_of(ReportKind.MONTHLY_SUMMARY, month)),
           (ReportKind.MONTHLY_REPAIR, *period_of(ReportKind.MONTHLY_REPAIR, month))]
    if today.month in (1, 4, 7, 10):
        due.append((ReportKind.QUARTERLY, *period_of(ReportKind.QUARTERLY, month)))
    if today.month == 1:
        due.append((ReportKind.ANNUAL, *period_of(ReportKind.ANNUAL, month)))
    return due


def run_schedule(today: date | None = None) -> dict:
    from itsm.periods import today as local_today
    from kpi.reports.generate import (
        MISSED_INCIDENT_DAYS,
        generate_report,
        major_incident_for,
        missing_major_incidents,
    )
    from sla.models import Contract

    today = today or local_today()
    made, failed = [], []
    for kind, start, end in due_reports(today):
        contracts = Contract.objects.filter(starts_on__lte=end, ends_on__gte=start).order_by("pk")
        done = set(ServiceReport.objects.filter(kind=kind, period_start=start,
                                                ticket__isnull=True)
                   .values_list("contract_id", flat=True))
        for contract in contracts:
            if contract.pk in done:
                continue
            try:
                report = generate_report(contract, kind, start)
            except Exception:  # one contract's failure must not stop the others
                logger.exception("Could not generate %s %s for %s", kind, start, contract.code)
                failed.append(f"{contract.code} {kind} {start}")
                continue
            made.append(report.pk)
    for ticket_id in missing_major_incidents(today - timedelta(days=MISSED_INCIDENT_DAYS)):
        try:
            report = major_incident_for(ticket_id)
        except Exception:
            logger.exception("Could not generate the major-incident report of %s", ticket_id)
            failed.append(f"ticket {ticket_id}")
            continue
        if report is not None:
            made.append(report.pk)
    return {"generated": made, "failed": failed}
