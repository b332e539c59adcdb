import time
from datetime import timedelta

from django.conf import settings

from notifications.models import Notification
from notifications.services import notification_enqueue
from notifications.tasks import deliver, sweep


def enqueue(recipient):
    return notification_enqueue(recipient=recipient, event="ticket.resolved",
                                subject="工单 T-7 已解决", body="请确认。")


def test_it_delivers_through_the_task(person, published, mailoutbox):
    notification = enqueue(person)
    assert deliver.apply(args=(notification.pk,)).get() is True
    assert len(mailoutbox) == 1


def test_it_does_nothing_for_a_missing_row(db, mailoutbox):
    assert deliver.apply(args=(123456,)).get() is False
    assert mailoutbox == []


def test_it_sweeps_through_the_task(person, published, mailoutbox):
    enqueue(person)
    enqueue(person)
    assert sweep.apply().get() == 2
    assert len(mailoutbox) == 2


def test_it_leaves_retries_to_the_sweep_not_to_celery():
    assert getattr(deliver, "autoretry_for", ()) == ()
    assert deliver.name == "notifications.tasks.deliver"
    assert sweep.name == "notifications.tasks.sweep"


def test_it_schedules_the_sweep_every_minute():
    entry = settings.CELERY_BEAT_SCHEDULE["notifications-sweep"]
    assert entry["task"] == "notifications.tasks.sweep"
    assert entry["schedule"] == timedelta(seconds=60)
    assert entry["options"] == {"expires": 55}


def test_it_commits_quickly_and_leaves_the_row_to_the_sweep_when_the_broker_is_down(
        person, dead_broker, django_capture_on_commit_callbacks, caplog, mailoutbox):
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notification = enqueue(person)
    elapsed = time.monotonic() - started

    assert len(callbacks) == 1
    assert elapsed < 5
    assert "the sweep will deliver it" in caplog.text
    notification.refresh_from_db()
    assert notification.status == Notification.Status.PENDING
    assert sweep.apply().get() == 1
    assert len(mailoutbox) == 1
