"""SMS backends. The outbox calls the one named by settings.SMS_BACKEND (a dotted path to a class
that takes no arguments); a real provider plugs in by subclassing SmsBackend and setting it."""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("notifications.sms")

DEFAULT_SMS_BACKEND = "notifications.sms.LoggingSmsBackend"


class SmsBackend:
    """Send one text message. Raise on failure: the outbox records the error and retries.

    `idempotency_key` is the same on every attempt at one message (the outbox row's
    Message-ID): a provider with a client-side request or serial id should be given it, so a
    message resent after a worker crashed mid-request is not sent twice.
    """

    def send(self, phone: str, text: str, *, idempotency_key: str = "") -> None:
        raise NotImplementedError


class LoggingSmsBackend(SmsBackend):
    """Sends nothing: logs the message, for development and installations without a provider."""

    def send(self, phone: str, text: str, *, idempotency_key: str = "") -> None:
        logger.info("SMS to %s: %s", phone, text)


def sms_backend() -> SmsBackend:
    """An instance of the configured backend (read on every call, so a settings change applies)."""
    return import_string(getattr(settings, "SMS_BACKEND", DEFAULT_SMS_BACKEND))()
