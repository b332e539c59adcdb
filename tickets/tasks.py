from celery import shared_task

from tickets.services import tickets_close_after_silence


@shared_task(name="tickets.tasks.close_confirmed_by_silence")
def close_confirmed_by_silence() -> int:
    """Close resolved tickets whose confirmation window passed without objection."""
    return tickets_close_after_silence()
