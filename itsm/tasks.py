import logging

from celery import shared_task
from celery.signals import before_task_publish
from django.db import DatabaseError

from core.state import beat_heartbeat_record, heartbeat_record
from itsm import housekeeping

logger = logging.getLogger("itsm.tasks")

HEARTBEAT_TASK = "itsm.tasks.heartbeat"


@shared_task(name=HEARTBEAT_TASK)
def heartbeat() -> int:
    """Beat → broker → worker proof of life: bumps a counter the health page shows."""
    return heartbeat_record().value["count"]


@before_task_publish.connect(dispatch_uid="itsm.heartbeat.beat")
def beat_heartbeat_on_publish(sender=None, **kwargs) -> None:
    """Beat's own proof of life, written as it publishes the heartbeat: with the worker's, a
    stale pair tells which process stopped. Only beat publishes this task."""
    if sender != HEARTBEAT_TASK:
        return
    try:
        beat_heartbeat_record()
    except DatabaseError as exc:  # the message still goes; /healthz/ready reports the database
        logger.warning("Could not record beat's heartbeat: %s", exc)


@shared_task(name="itsm.tasks.sessions_clear")
def sessions_clear() -> None:
    """Nightly: sessions past their expiry."""
    housekeeping.sessions_clear()


@shared_task(name="itsm.tasks.notifications_purge")
def notifications_purge() -> int:
    """Nightly: notifications delivered or read longer than NOTIFICATION_RETENTION_DAYS ago."""
    deleted = housekeeping.notifications_purge()
    logger.info("Retention: %d notifications deleted.", deleted)
    return deleted


@shared_task(name="itsm.tasks.history_purge")
def history_purge() -> int:
    """Nightly: change history past its retention (service records: five years at least)."""
    deleted = housekeeping.history_purge()
    logger.info("Retention: %d history rows deleted (%s).", sum(deleted.values()),
                ", ".join(f"{label} {count}" for label, count in deleted.items()) or "none")
    return sum(deleted.values())
