"""Celery entry points for field service: thin wrappers over the services."""

from celery import shared_task

# vendor repairs (f16repair)
from fieldservice.repair_reminders import repair_reminders_run

# service reports (f16report)
from fieldservice.services.reports import reports_overdue_sweep


@shared_task(name="fieldservice.tasks.repair_reminders")
def repair_reminders() -> int:
    """Hourly: progress updates due (the desk) and overdue returns (the project manager)."""
    reminded, escalated = repair_reminders_run()
    return reminded + escalated


# service reports (f16report)
@shared_task(name="fieldservice.tasks.reports_overdue")
def reports_overdue() -> int:
    """Hourly: unsigned service reports not confirmed in time; the PM is told once each."""
    return reports_overdue_sweep()
