"""Celery entry points. They take ids and call services; retries are the sweep's job, not
Celery's, so a message the broker loses costs a delay, never a notification."""

from celery import shared_task

from notifications.services import notification_deliver, notifications_sweep


@shared_task(name="notifications.tasks.deliver")
def deliver(notification_id: int) -> bool:
    return notification_deliver(notification_id)


@shared_task(name="notifications.tasks.deliver_many")
def deliver_many(notification_ids: list[int]) -> int:
    """A batch queued together (the SLA job's); each is claimed and sent like a single one."""
    return sum(1 for pk in notification_ids if notification_deliver(pk))


@shared_task(name="notifications.tasks.sweep")
def sweep() -> int:
    return notifications_sweep()
