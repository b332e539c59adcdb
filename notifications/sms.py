"""SMS backends. The outbox calls the one named by settings.SMS_BACKEND (a dotted path to a class
that takes no arguments); a real provider plugs in by subclassing SmsBackend and setting it."""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("notifications.sms")

DEFAULT_SMS_BACKEND = "notifications.sms.LoggingSmsBackend"


class SmsBackend:
    """Send one text message. Raise on failure: the outbox records the error and retries."""

    def send(self, phone: str, text: str) -> None:
        raise NotImplementedError


class LoggingSmsBackend(SmsBackend):
    """Sends nothing: logs the message, for development and installations without a provider."""

    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", phone, text)


def sms_backend() -> SmsBackend:
    """An instance of the configured backend (read on every call, so a settings change applies)."""
    return import_string(getattr(settings, "SMS_BACKEND", DEFAULT_SMS_BACKEND))()
