"""Celery entry points. They take ids and call services; retries are the sweep's job, not
Celery's, so a message the broker loses costs a delay, never a notification.

The delivery tasks are acknowledged after they ran (acks_late) and handed back to the broker
when their worker process dies (reject_on_worker_lost), so a worker killed mid-send loses no
message; the row's state ("sending", with its lease) and its stable Message-ID make the
redelivery and the sweep's retry the same message, not a new one.
"""

from celery import shared_task

from notifications.services import notification_deliver, notifications_sweep

DELIVERY = {"acks_late": True, "reject_on_worker_lost": True}


@shared_task(name="notifications.tasks.deliver", **DELIVERY)
def deliver(notification_id: int) -> bool:
    return notification_deliver(notification_id)


@shared_task(name="notifications.tasks.deliver_many", **DELIVERY)
def deliver_many(notification_ids: list[int]) -> int:
    """A batch queued together (the SLA job's); each is claimed and sent like a single one."""
    return sum(1 for pk in notification_ids if notification_deliver(pk))


@shared_task(name="notifications.tasks.sweep", **DELIVERY)
def sweep() -> int:
    return notifications_sweep()
