"""The report schedule (seed 001), run by a daily beat job (kpi.tasks.reports_schedule):

- the monthly service summary (due the 5th) and the monthly repair summary (due the 10th) of the
  month before, for every contract in force during that month;
- in January, April, July and October: the quarterly review of the quarter before;
- in January: the annual review of the year before (both due the 15th);
- every day: a major-incident report for any P1 resolved in the last week that has none (the
  on-resolution task normally wrote it; this catches a lost broker message).

The periodic reports are normally made on the 1st. Every later run of the month makes those
still missing, so a 1st the worker or beat missed (downtime, a holiday shutdown) is caught up
on the next run, once: a report that exists for its contract, kind and period is left alone
(regenerating is a person's decision, from the reports page). A contract is only reported on
for periods it was in force in (one that starts mid-month gets nothing for the month before).
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from core.periods import month_start
from core.periods import today as local_today
from kpi.models.reports import ReportKind, ServiceReport
from kpi.reports.periods import period_of
from kpi.services import reports
from sla.models import Contract

logger = logging.getLogger(__name__)


def due_reports(today: date) -> list[tuple[str, date, date]]:
    """(kind, period start, period end) of the periodic reports due in `today`'s month: the
    schedule makes those not archived yet, on the 1st or on the first run after it."""
    month = month_start(today, back=1)
    due = [(ReportKind.MONTHLY_SUMMARY, *period_of(ReportKind.MONTHLY_SUMMARY, month)),
           (ReportKind.MONTHLY_REPAIR, *period_of(ReportKind.MONTHLY_REPAIR, month))]
    if today.month in (1, 4, 7, 10):
        due.append((ReportKind.QUARTERLY, *period_of(ReportKind.QUARTERLY, month)))
    if today.month == 1:
        due.append((ReportKind.ANNUAL, *period_of(ReportKind.ANNUAL, month)))
    return due


def run_schedule(today: date | None = None) -> dict:
    today = today or local_today()
    made, failed = _periodic_reports(due_reports(today))
    for ticket_id in reports.missing_major_incidents(
            today - timedelta(days=reports.MISSED_INCIDENT_DAYS)):
        try:
            report = reports.major_incident_for(ticket_id)
        except Exception:
            logger.exception("Could not generate the major-incident report of %s", ticket_id)
            failed.append(f"ticket {ticket_id}")
            continue
        if report is not None:
            made.append(report.pk)
    return {"generated": made, "failed": failed}


def _periodic_reports(due: list[tuple]) -> tuple[list[int], list[str]]:
    """Generate the due monthly, quarterly and annual reports missing for each contract in force
    in their period; the figures are refreshed once per contract for the widest period."""
    made, failed = [], []
    if not due:
        return made, failed
    first, last = min(start for _k, start, _e in due), max(end for _k, _s, end in due)
    done = set(ServiceReport.objects.filter(
        ticket__isnull=True, kind__in=[kind for kind, _s, _e in due],
        period_start__in=[start for _k, start, _e in due])
        .values_list("contract_id", "kind", "period_start"))
    for contract in Contract.objects.filter(starts_on__lte=last, ends_on__gte=first).order_by("pk"):
        todo = [(kind, start, end) for kind, start, end in due
                if contract.starts_on <= end and contract.ends_on >= start
                and (contract.pk, kind, start) not in done]
        if not todo:
            continue
        try:  # the widest period once (on the 1st of January: the year covers the rest)
            reports.refresh_period(contract, min(s for _k, s, _e in todo),
                                    max(e for _k, _s, e in todo))
        except Exception:  # one contract's failure must not stop the others
            logger.exception("Could not refresh the figures of %s", contract.code)
            failed += [f"{contract.code} {kind} {start}" for kind, start, _e in todo]
            continue
        for kind, start, _end in todo:
            if ServiceReport.objects.filter(contract=contract, kind=kind, period_start=start,
                                            ticket__isnull=True).exists():
                continue  # another run made it meanwhile (a second scheduler, a slow refresh)
            try:
                report = reports.generate_report(contract, kind, start, refresh=False)
            except Exception:
                logger.exception("Could not generate %s %s for %s", kind, start, contract.code)
                failed.append(f"{contract.code} {kind} {start}")
                continue
            made.append(report.pk)
    return made, failed
