from celery import shared_task

from tickets.services import bulk_submissions_purge as purge_bulk_submissions
from tickets.services import tickets_close_after_silence


@shared_task(name="tickets.tasks.close_confirmed_by_silence")
def close_confirmed_by_silence() -> int:
    """Close resolved tickets whose confirmation window passed without objection."""
    return tickets_close_after_silence()


@shared_task(name="tickets.tasks.bulk_submissions_purge")
def bulk_submissions_purge() -> int:
    """Hourly: bulk submission keys past BULK_SUBMISSION_RETENTION_HOURS."""
    return purge_bulk_submissions()
