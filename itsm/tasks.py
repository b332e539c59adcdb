from celery import shared_task

from core.state import heartbeat_record


@shared_task(name="itsm.tasks.heartbeat")
def heartbeat() -> int:
    """Beat → broker → worker proof of life: bumps a counter the health page shows."""
    return heartbeat_record().value["count"]
