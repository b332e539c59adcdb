"""Celery entry points. They take ids and call services; retries are the sweep's job, not
Celery's, so a message the broker loses costs a delay, never a notification."""

from celery import shared_task

from notifications.services import notification_deliver, notifications_sweep


@shared_task(name="notifications.tasks.deliver")
def deliver(notification_id: int) -> bool:
    return notification_deliver(notification_id)


@shared_task(name="notifications.tasks.sweep")
def sweep() -> int:
    return notifications_sweep()
