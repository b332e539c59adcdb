import logging
from datetime import UTC, datetime, timedelta

import pytest

from notifications.models import Notification
from notifications.services import notification_deliver, notifications_sweep, sms_enqueue
from notifications.sms import LoggingSmsBackend, SmsBackend
from tests.factories import UserFactory

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
TEXT = "【华信运维】P1 工单 T-9 响应已超时 15 分钟，请立即处理。"


class RecordingSmsBackend(SmsBackend):
    sent = []
    keys = []

    def send(self, phone, text, *, idempotency_key=""):
        self.sent.append((phone, text))
        self.keys.append(idempotency_key)


class DownSmsBackend(SmsBackend):
    def send(self, phone, text, *, idempotency_key=""):
        raise ConnectionError("provider returned isv.BUSINESS_LIMIT_CONTROL")


@pytest.fixture
def recording(settings):
    settings.SMS_BACKEND = "tests.notifications.test_sms.RecordingSmsBackend"
    RecordingSmsBackend.sent = []
    RecordingSmsBackend.keys = []
    return RecordingSmsBackend.sent


@pytest.fixture
def phone_owner(db):
    return UserFactory(phone=" 13500001234 ")


def enqueue(recipient, **overrides):
    return sms_enqueue(recipient=recipient, **({"event": "sla.breach", "text": TEXT} | overrides))


def test_the_default_backend_logs(settings):
    assert settings.SMS_BACKEND == "notifications.sms.LoggingSmsBackend"


def test_it_writes_the_row_in_the_callers_transaction_and_publishes_on_commit(
        phone_owner, published, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notification = enqueue(phone_owner)
        assert published == []
    assert len(callbacks) == 1
    assert published == [notification.pk]
    notification.refresh_from_db()
    assert notification.channel == Notification.Channel.SMS
    assert notification.address == "13500001234"
    assert notification.recipient == phone_owner
    assert notification.body == TEXT
    assert notification.webhook is None


def test_it_queues_a_dedupe_key_only_once(phone_owner, published):
    assert enqueue(phone_owner, dedupe_key="sla-breach:9:sms") is not None
    assert enqueue(phone_owner, dedupe_key="sla-breach:9:sms") is None
    assert Notification.objects.count() == 1


def test_it_writes_nothing_without_a_phone_number(db, published):
    assert enqueue(UserFactory(phone="")) is None
    assert enqueue(UserFactory(phone="   ")) is None
    assert not Notification.objects.exists()


def test_it_writes_nothing_for_an_inactive_user(db, published):
    assert enqueue(UserFactory(phone="13500001234", is_active=False)) is None
    assert not Notification.objects.exists()


def test_the_logging_backend_logs_the_message(phone_owner, published, caplog, time_machine):
    time_machine.move_to(T0, tick=False)
    caplog.set_level(logging.INFO, logger="notifications.sms")
    notification = enqueue(phone_owner)

    assert notification_deliver(notification.pk) is True

    [record] = [r for r in caplog.records if r.name == "notifications.sms"]
    assert record.getMessage() == f"SMS to 13500001234: {TEXT}"
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert notification.sent_at == T0


def test_a_backend_set_in_the_settings_sends_it(phone_owner, published, recording):
    enqueue(phone_owner)
    assert notifications_sweep() == 1
    assert recording == [("13500001234", TEXT)]


def test_a_backend_failure_is_retried(phone_owner, published, settings, time_machine):
    settings.SMS_BACKEND = "tests.notifications.test_sms.DownSmsBackend"
    time_machine.move_to(T0, tick=False)
    notification = enqueue(phone_owner)

    assert notification_deliver(notification.pk) is False

    notification.refresh_from_db()
    assert notification.status == Notification.Status.PENDING
    assert notification.last_error == ("ConnectionError: provider returned "
                                       "isv.BUSINESS_LIMIT_CONTROL")
    assert notification.next_attempt_at == T0 + timedelta(seconds=60)


def test_the_interface_must_be_implemented():
    with pytest.raises(NotImplementedError):
        SmsBackend().send("13500001234", "x")
    assert issubclass(LoggingSmsBackend, SmsBackend)
