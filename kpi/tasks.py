"""Celery entry points for the KPI rollup and the scheduled reports: thin wrappers.

Tasks import the services they run; services never import this module (they queue a task by
its name through core.publish), so there is no cycle."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings

from core.periods import today as local_today
from kpi.services import reports, rollup, schedule, scorecards


@shared_task(name="kpi.tasks.refresh_recent")
def refresh_recent() -> dict:
    return rollup.refresh_recent()


@shared_task(name="kpi.tasks.refresh_nightly")
def refresh_nightly() -> dict:
    """Late edits (a reassignment, a back-dated complaint) reach the older days overnight."""
    today = local_today()
    return rollup.refresh(today - timedelta(days=settings.KPI_NIGHTLY_DAYS - 1), today,
                          backlog=False)


@shared_task(name="kpi.tasks.reports_schedule")
def reports_schedule() -> dict:
    """Daily: the monthly reports (quarterly, annual) of the period before that are not archived
    yet — on the 1st, or caught up on the next run when the 1st was missed — and the missing
    major-incident reports (kpi/services/schedule.py)."""
    return schedule.run_schedule()


@shared_task(name="kpi.tasks.major_incident_report")
def major_incident_report(ticket_id: int) -> int | None:
    """The major-incident report of a resolved P1 ticket (once; queued on resolution)."""
    report = reports.major_incident_for(ticket_id)
    return report.pk if report else None


@shared_task(name="kpi.tasks.scorecards_quarterly")
def scorecards_quarterly() -> dict:
    """The first days of a quarter: every contract team's scorecards of the quarter before (the
    objective part; ratings follow by hand), idempotent, so a missed 1st is caught up on the next
    run; computing re-checks the flag."""
    return scorecards.compute_previous_quarter()
