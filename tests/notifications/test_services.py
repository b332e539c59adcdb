from datetime import UTC, datetime, timedelta
from smtplib import SMTPException

import pytest
from django.core.mail import EmailMultiAlternatives
from django.db import transaction

from notifications.models import Notification
from notifications.services import (
    notification_deliver,
    notification_enqueue,
    notifications_retry,
    notifications_sweep,
)
from tests.factories import UserFactory

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def enqueue(recipient, **overrides):
    fields = {"event": "ticket.assigned", "subject": "工单 T-1 已派给您",
              "body": "请处理工单 T-1。"}
    return notification_enqueue(recipient=recipient, **(fields | overrides))


@pytest.fixture
def smtp_down(monkeypatch):
    def refuse(self, fail_silently=False):
        raise SMTPException("421 4.3.2 Service not available")

    monkeypatch.setattr(EmailMultiAlternatives, "send", refuse)


def test_it_writes_the_row_in_the_callers_transaction_and_publishes_on_commit(
        person, published, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        notification = enqueue(person)
        assert Notification.objects.filter(pk=notification.pk).exists()
        assert published == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert published == [notification.pk]
    notification.refresh_from_db()
    assert notification.status == Notification.Status.PENDING
    assert notification.channel == Notification.Channel.EMAIL
    assert notification.address == "wang.fang@mingyuan.example"
    assert notification.recipient == person
    assert notification.attempts == 0


def test_it_publishes_nothing_when_the_transaction_rolls_back(
        person, published, django_capture_on_commit_callbacks):
    with (django_capture_on_commit_callbacks(execute=True) as callbacks,
          pytest.raises(RuntimeError), transaction.atomic()):
        enqueue(person)
        raise RuntimeError("the ticket save failed")
    assert callbacks == []
    assert published == []
    assert not Notification.objects.exists()


def test_it_queues_a_dedupe_key_only_once(person, published,
                                          django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = enqueue(person, dedupe_key="sla-warning:42:1")
        second = enqueue(person, dedupe_key="sla-warning:42:1")
    assert first is not None
    assert second is None
    assert Notification.objects.count() == 1
    assert published == [first.pk]


def test_it_queues_without_a_dedupe_key_every_time(person, published):
    enqueue(person)
    enqueue(person)
    assert Notification.objects.count() == 2


def test_it_writes_nothing_for_a_user_without_email(db, published,
                                                    django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        assert enqueue(UserFactory(email="")) is None
    assert callbacks == []
    assert not Notification.objects.exists()


def test_it_writes_nothing_for_an_inactive_user(db):
    assert enqueue(UserFactory(email="gone@mingyuan.example", is_active=False)) is None
    assert not Notification.objects.exists()


def test_it_notifies_a_demo_user_at_their_address(demo, published):
    notification = enqueue(demo["pm"])
    assert notification.address == demo["pm"].email
    assert "@" in notification.address


def test_it_keeps_the_subject_on_one_line(person, published, mailoutbox):
    notification = enqueue(person, subject="打印机卡纸\r\nBcc: victim@example.com")
    assert notification.subject == "打印机卡纸 Bcc: victim@example.com"
    assert notification_deliver(notification.pk) is True
    assert mailoutbox[0].bcc == []


def test_it_sends_exactly_one_mail_and_marks_it_sent(person, published, mailoutbox, settings,
                                                     time_machine):
    time_machine.move_to(T0, tick=False)
    settings.DEFAULT_FROM_EMAIL = "服务台 <desk@huaxin-ops.example>"
    notification = enqueue(person, html_body="<p>请处理工单 T-1。</p>")

    assert notification_deliver(notification.pk) is True

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["wang.fang@mingyuan.example"]
    assert mail.from_email == "服务台 <desk@huaxin-ops.example>"
    assert mail.subject == "工单 T-1 已派给您"
    assert mail.body == "请处理工单 T-1。"
    assert mail.alternatives == [("<p>请处理工单 T-1。</p>", "text/html")]
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert notification.sent_at == T0
    assert notification.attempts == 1


def test_it_sends_plain_text_only_without_an_html_body(person, published, mailoutbox):
    notification_deliver(enqueue(person).pk)
    assert mailoutbox[0].alternatives == []


def test_it_sends_nothing_on_a_second_delivery(person, published, mailoutbox):
    notification = enqueue(person)
    assert notification_deliver(notification.pk) is True
    assert notification_deliver(notification.pk) is False
    assert len(mailoutbox) == 1


def test_it_sends_nothing_for_a_row_another_worker_is_sending(person, published, mailoutbox,
                                                             monkeypatch):
    notification = enqueue(person)
    send = EmailMultiAlternatives.send
    second_attempts = []

    def send_while_another_worker_tries(self, fail_silently=False):
        second_attempts.append(notification_deliver(notification.pk))
        return send(self, fail_silently)

    monkeypatch.setattr(EmailMultiAlternatives, "send", send_while_another_worker_tries)
    assert notification_deliver(notification.pk) is True
    assert second_attempts == [False]
    assert len(mailoutbox) == 1


def test_it_records_an_smtp_failure_and_retries_with_backoff(person, published, smtp_down,
                                                             mailoutbox, time_machine):
    time_machine.move_to(T0, tick=False)
    notification = enqueue(person)

    assert notification_deliver(notification.pk) is False
    notification.refresh_from_db()
    assert notification.status == Notification.Status.PENDING
    assert notification.attempts == 1
    assert notification.last_error == "SMTPException: 421 4.3.2 Service not available"
    assert notification.next_attempt_at == T0 + timedelta(seconds=60)
    assert notification.sent_at is None

    # Not due yet: nothing is tried.
    assert notification_deliver(notification.pk) is False
    notification.refresh_from_db()
    assert notification.attempts == 1

    time_machine.move_to(notification.next_attempt_at, tick=False)
    notification_deliver(notification.pk)
    notification.refresh_from_db()
    assert notification.attempts == 2
    assert notification.next_attempt_at == T0 + timedelta(seconds=60 + 120)
    assert mailoutbox == []


def test_it_caps_the_backoff_at_an_hour(person, published, smtp_down, settings,
                                        time_machine):
    settings.NOTIFICATION_MAX_ATTEMPTS = 20
    time_machine.move_to(T0, tick=False)
    notification = enqueue(person)
    notification.attempts = 9
    notification.save(update_fields=["attempts"])

    notification_deliver(notification.pk)

    notification.refresh_from_db()
    assert notification.attempts == 10
    assert notification.next_attempt_at == T0 + timedelta(hours=1)


def test_it_truncates_a_long_error(person, published, monkeypatch):
    def explode(self, fail_silently=False):
        raise SMTPException("x" * 10_000)

    monkeypatch.setattr(EmailMultiAlternatives, "send", explode)
    notification = enqueue(person)
    notification_deliver(notification.pk)
    notification.refresh_from_db()
    assert len(notification.last_error) == 2000


def test_it_gives_up_after_the_maximum_attempts(person, published, smtp_down, settings,
                                                mailoutbox, time_machine):
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    time_machine.move_to(T0, tick=False)
    notification = enqueue(person)

    for _attempt in range(3):
        notification.refresh_from_db()
        assert notification.status == Notification.Status.PENDING
        time_machine.move_to(notification.next_attempt_at, tick=False)
        notification_deliver(notification.pk)

    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    assert notification.attempts == 3
    assert "421" in notification.last_error
    time_machine.move_to(T0 + timedelta(days=1), tick=False)
    assert notification_deliver(notification.pk) is False
    assert notifications_sweep() == 0
    notification.refresh_from_db()
    assert notification.attempts == 3


def test_it_sweeps_due_rows_and_not_future_ones(person, published, mailoutbox, time_machine):
    time_machine.move_to(T0, tick=False)
    due = enqueue(person, subject="due")
    future = enqueue(person, subject="future")
    Notification.objects.filter(pk=future.pk).update(next_attempt_at=T0 + timedelta(minutes=5))
    already_sent = enqueue(person, subject="sent")
    notification_deliver(already_sent.pk)

    assert notifications_sweep() == 1

    assert [mail.subject for mail in mailoutbox] == ["sent", "due"]
    due.refresh_from_db()
    future.refresh_from_db()
    assert due.status == Notification.Status.SENT
    assert future.status == Notification.Status.PENDING
    assert future.attempts == 0


def test_it_sweeps_the_oldest_first_up_to_the_limit(person, published, mailoutbox,
                                                    time_machine):
    time_machine.move_to(T0, tick=False)
    for minutes in (3, 1, 2):
        notification = enqueue(person, subject=f"{minutes}")
        Notification.objects.filter(pk=notification.pk).update(
            next_attempt_at=T0 - timedelta(minutes=minutes))

    assert notifications_sweep(limit=2) == 2

    assert [mail.subject for mail in mailoutbox] == ["3", "2"]


def test_it_retries_a_failed_row_from_scratch(person, published, settings, time_machine,
                                              django_capture_on_commit_callbacks):
    time_machine.move_to(T0, tick=False)
    failed = enqueue(person)
    pending = enqueue(person)
    Notification.objects.filter(pk=failed.pk).update(
        status=Notification.Status.FAILED, attempts=8, last_error="SMTPException: 550")
    published.clear()

    with django_capture_on_commit_callbacks(execute=True):
        count = notifications_retry(notification_ids=[failed.pk, pending.pk])

    assert count == 1
    assert published == [failed.pk]
    failed.refresh_from_db()
    assert failed.status == Notification.Status.PENDING
    assert failed.attempts == 0
    assert failed.next_attempt_at == T0
