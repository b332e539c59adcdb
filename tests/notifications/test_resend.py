"""A resend after a crash is the same message (issue 14, points 7 and 8a).

The row is committed as "sending", with its attempt time and a Message-ID made once, before the
mail server hears of it; a worker killed mid-send leaves it there, and the sweep sends it again
after its lease with the same Message-ID, so the receiving mail system can drop the copy.
"""

from datetime import UTC, datetime, timedelta
from smtplib import SMTPException

import pytest
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import connections

from notifications.mail import AUTOMATIC_MAIL_HEADERS
from notifications.models import Notification
from notifications.services import (
    notification_deliver,
    notification_enqueue,
    notifications_enqueue_many,
    notifications_sweep,
    sms_enqueue,
)
from notifications.tasks import deliver, deliver_many, sweep
from tests.factories import UserFactory

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


class WorkerKilled(BaseException):
    """What `kill -9` looks like from inside: the code after the send never runs (no `except
    Exception` catches it, so the row is not marked failed or sent)."""


def enqueue(recipient):
    return notification_enqueue(recipient=recipient, event="ticket.assigned",
                                subject="工单 T-1 已派给您", body="请处理工单 T-1。")


def message_ids(mailoutbox):
    return [mail.message()["Message-ID"] for mail in mailoutbox]


@pytest.fixture
def attempts(monkeypatch):
    """Each attempt's Message-ID header; the first attempt fails as SMTP would, later ones
    go through to the test outbox."""
    seen = []
    send = EmailMultiAlternatives.send

    def send_failing_first(self, fail_silently=False):
        seen.append(self.message()["Message-ID"])
        if len(seen) == 1:
            raise SMTPException("421 4.3.2 Service not available")
        return send(self, fail_silently)

    monkeypatch.setattr(EmailMultiAlternatives, "send", send_failing_first)
    return seen


def test_it_sends_the_same_message_id_on_every_attempt(person, published, attempts,
                                                       mailoutbox, time_machine):
    time_machine.move_to(T0, tick=False)
    notification = enqueue(person)

    assert notification_deliver(notification.pk) is False
    time_machine.move_to(T0 + timedelta(minutes=2), tick=False)
    assert notification_deliver(notification.pk) is True

    notification.refresh_from_db()
    assert len(attempts) == 2
    assert attempts[0] == attempts[1] == notification.message_id
    assert message_ids(mailoutbox) == [notification.message_id]


def test_it_makes_the_message_id_from_the_row_and_the_portals_domain(person, published,
                                                                     mailoutbox, settings):
    settings.SITE_URL = "https://itsm.huaxin-ops.example:8443"
    notification = enqueue(person)
    notification_deliver(notification.pk)
    notification.refresh_from_db()
    assert notification.message_id.startswith(f"<outbox-{notification.pk}-")
    assert notification.message_id.endswith("@itsm.huaxin-ops.example>")
    other = enqueue(person)
    notification_deliver(other.pk)
    other.refresh_from_db()
    assert other.message_id != notification.message_id


def test_it_leaves_a_row_sending_when_the_worker_dies_mid_send(person, published,
                                                               monkeypatch, time_machine):
    time_machine.move_to(T0, tick=False)
    notification = enqueue(person)

    def killed(self, fail_silently=False):
        raise WorkerKilled

    monkeypatch.setattr(EmailMultiAlternatives, "send", killed)
    with pytest.raises(WorkerKilled):
        notification_deliver(notification.pk)

    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENDING
    assert notification.attempted_at == T0
    assert notification.attempts == 1
    assert notification.message_id


def test_the_sweep_resends_a_stuck_row_after_its_lease_with_the_same_message_id(
        person, published, monkeypatch, mailoutbox, settings, time_machine):
    settings.NOTIFICATION_SENDING_TIMEOUT = 300
    time_machine.move_to(T0, tick=False)
    notification = enqueue(person)
    send = EmailMultiAlternatives.send
    taken = []

    def taken_then_killed(self, fail_silently=False):
        # The server took the mail; the worker died before the row was marked sent.
        send(self, fail_silently)
        taken.append(self.message()["Message-ID"])
        raise WorkerKilled

    monkeypatch.setattr(EmailMultiAlternatives, "send", taken_then_killed)
    with pytest.raises(WorkerKilled):
        notification_deliver(notification.pk)
    monkeypatch.setattr(EmailMultiAlternatives, "send", send)

    # A live worker may still be talking to the server: within the lease nobody touches it.
    time_machine.move_to(T0 + timedelta(seconds=299), tick=False)
    assert notifications_sweep() == 0
    assert deliver.apply(args=(notification.pk,)).get() is False
    time_machine.move_to(T0 + timedelta(seconds=300), tick=False)
    assert notifications_sweep() == 1

    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert notification.attempts == 2
    assert notification.attempted_at == T0 + timedelta(seconds=300)
    assert len(mailoutbox) == 2
    assert message_ids(mailoutbox) == [notification.message_id] * 2 == taken * 2


def test_it_keeps_a_failed_attempt_pending_not_sending(person, published, smtp_refusing,
                                                       time_machine):
    time_machine.move_to(T0, tick=False)
    notification = enqueue(person)
    assert notification_deliver(notification.pk) is False
    notification.refresh_from_db()
    assert notification.status == Notification.Status.PENDING
    assert notification.next_attempt_at == T0 + timedelta(minutes=1)


@pytest.fixture
def smtp_refusing(monkeypatch):
    def refuse(self, fail_silently=False):
        raise SMTPException("421 4.3.2 Service not available")

    monkeypatch.setattr(EmailMultiAlternatives, "send", refuse)


class StateCheckingBackend(LocmemBackend):
    """A mail server that, before it takes a message, looks at the outbox row through a
    connection of its own: only what the worker committed is visible there."""

    seen = []

    def send_messages(self, messages):
        connection = connections.create_connection("default")
        try:
            with connection.cursor() as cursor:
                for message in messages:
                    cursor.execute(
                        "SELECT status, attempted_at IS NOT NULL, message_id"
                        " FROM notifications_notification WHERE message_id = %s",
                        [message.message()["Message-ID"]])
                    self.seen.append(cursor.fetchall())
        finally:
            connection.close()
        return super().send_messages(messages)


@pytest.mark.django_db(transaction=True)
def test_it_commits_sending_before_talking_to_the_mail_server(settings, published, mailoutbox):
    settings.EMAIL_BACKEND = "tests.notifications.test_resend.StateCheckingBackend"
    StateCheckingBackend.seen = []
    notification = enqueue(UserFactory(email="li.lei@mingyuan.example"))

    assert notification_deliver(notification.pk) is True

    notification.refresh_from_db()
    assert StateCheckingBackend.seen == [[("sending", True, notification.message_id)]]
    assert notification.status == Notification.Status.SENT


def test_every_mail_is_marked_automatic(person, published, mailoutbox):
    notification_deliver(enqueue(person).pk)
    headers = mailoutbox[0].message()
    assert headers["Auto-Submitted"] == "auto-generated"
    assert headers["X-Auto-Response-Suppress"] == "All"
    assert AUTOMATIC_MAIL_HEADERS == {"Auto-Submitted": "auto-generated",
                                      "X-Auto-Response-Suppress": "All"}


def test_a_batch_queued_together_gets_a_message_id_each(person, mailoutbox):
    rows = [{"channel": Notification.Channel.EMAIL, "event": "sla.warning", "recipient": person,
             "address": person.email, "subject": f"工单 T-{n} 即将超时", "body": "请处理。",
             "dedupe_key": f"resend-test-{n}"} for n in (1, 2)]
    notifications_enqueue_many(rows)
    ids = list(Notification.objects.filter(dedupe_key__startswith="resend-test-")
               .values_list("pk", flat=True))
    assert deliver_many.apply(args=(ids,)).get() == 2
    stored = set(Notification.objects.filter(pk__in=ids).values_list("message_id", flat=True))
    assert set(message_ids(mailoutbox)) == stored and len(stored) == 2


def test_an_sms_carries_the_rows_key_as_idempotency_key_on_every_attempt(
        db, published, settings, monkeypatch, time_machine):
    settings.SMS_BACKEND = "tests.notifications.test_resend.FlakySmsBackend"
    FlakySmsBackend.keys = []
    time_machine.move_to(T0, tick=False)
    notification = sms_enqueue(recipient=UserFactory(phone="13500001234"), event="sla.breach",
                               text="P1 工单 T-9 响应已超时")
    assert notification_deliver(notification.pk) is False
    time_machine.move_to(T0 + timedelta(minutes=2), tick=False)
    assert notification_deliver(notification.pk) is True
    notification.refresh_from_db()
    assert FlakySmsBackend.keys == [notification.message_id] * 2


class FlakySmsBackend:
    keys = []

    def send(self, phone, text, *, idempotency_key=""):
        self.keys.append(idempotency_key)
        if len(self.keys) == 1:
            raise ConnectionError("provider timed out")


def test_delivery_tasks_are_acked_late_and_handed_back_when_the_worker_dies():
    for task in (deliver, deliver_many, sweep):
        assert task.acks_late is True
        assert task.reject_on_worker_lost is True
