"""Celery entry points for field service: thin wrappers over the services."""

from celery import shared_task

# service reports (f16report)
from fieldservice.services.reports import reports_overdue_sweep


# service reports (f16report)
@shared_task(name="fieldservice.tasks.reports_overdue")
def reports_overdue() -> int:
    """Hourly: unsigned service reports not confirmed in time; the PM is told once each."""
    return reports_overdue_sweep()
