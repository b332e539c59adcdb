from celery import shared_task

from sla.escalation import escalations_run


@shared_task(name="sla.tasks.evaluate")
def evaluate() -> int:
    """The minute job: warnings and escalations for clocks that came due."""
    return escalations_run()
