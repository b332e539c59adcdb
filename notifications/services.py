"""Queue and deliver notifications. Domain apps call notification_enqueue in their own
transaction; the deliver task and the sweep call notification_deliver."""

from __future__ import annotations

import logging
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F

from itsm.clock import now
from notifications.models import Notification

logger = logging.getLogger(__name__)

RETRY_BASE = timedelta(seconds=60)
RETRY_CAP = timedelta(hours=1)
# A claimed row is pushed this far ahead while it is being sent: if the worker dies mid-send the
# sweep picks it up after the lease. Longer than any SMTP conversation (EMAIL_TIMEOUT).
CLAIM_LEASE = timedelta(minutes=5)
LAST_ERROR_MAX_CHARS = 2000
SUBJECT_MAX_CHARS = Notification._meta.get_field("subject").max_length


def notification_enqueue(*, recipient, event: str, subject: str, body: str,
                         html_body: str = "", dedupe_key: str | None = None,
                         ) -> Notification | None:
    """Queue an e-mail to `recipient` in the caller's transaction; publish it on commit.

    Returns None, writing nothing, when the recipient has no e-mail address or is inactive, or
    when a notification with the same dedupe_key was queued before.
    """
    address = (recipient.email or "").strip()
    if not address or not recipient.is_active:
        return None
    fields = {
        "channel": Notification.Channel.EMAIL,
        "event": event,
        "recipient": recipient,
        "address": address,
        # A line break in a subject is a header injection to the mail library; it would fail on
        # every retry.
        "subject": " ".join(subject.split())[:SUBJECT_MAX_CHARS],
        "body": body,
        "html_body": html_body,
        "next_attempt_at": now(),
    }
    with transaction.atomic():
        if dedupe_key is None:
            notification = Notification.objects.create(**fields)
        else:
            # get_or_create retries as a get inside a savepoint when a concurrent insert wins.
            notification, created = Notification.objects.get_or_create(
                dedupe_key=dedupe_key, defaults=fields)
            if not created:
                return None
        transaction.on_commit(partial(_publish, notification.pk))
    return notification


def _publish(notification_id: int) -> None:
    """Hand the notification to a worker. Never raises and never waits on a dead broker: the
    row is committed, and the sweep delivers it if this message never arrives."""
    from notifications.tasks import deliver  # tasks import this module

    try:
        with deliver.app.producer_or_acquire() as producer:
            # One connection attempt. kombu's own loop retries for 2 s, then 4 s… and so
            # overshoots broker_connection_timeout; a web request must not wait for it.
            producer.connection.ensure_connection(max_retries=0)
            deliver.apply_async((notification_id,), retry=False, producer=producer)
    except Exception as exc:  # any broker or transport error: the sweep is the fallback
        logger.warning("Could not publish notification %s, the sweep will deliver it: %s",
                       notification_id, exc)


def notification_deliver(notification_id: int) -> bool:
    """Send one pending, due notification; True when it was sent.

    Claim, send and record are separate short transactions so no transaction stays open during
    an SMTP conversation. False without sending when the row is sent, given up, not due, or
    claimed by another worker.
    """
    claimed_at = now()
    due = Notification.objects.filter(pk=notification_id, status=Notification.Status.PENDING,
                                      next_attempt_at__lte=claimed_at)
    with transaction.atomic():
        notification = due.select_for_update(skip_locked=True).first()
        if notification is None:
            return False
        # The conditional update is the claim where FOR UPDATE is a no-op (SQLite): of two
        # workers reading the same row, only one changes it.
        next_attempt_at = claimed_at + CLAIM_LEASE
        if not due.update(attempts=F("attempts") + 1, next_attempt_at=next_attempt_at):
            return False
    notification.attempts += 1
    notification.next_attempt_at = next_attempt_at
    try:
        _SENDERS[notification.channel](notification)
    except Exception as exc:  # SMTP, DNS, TLS…: whatever it is, record it and retry later
        _record_failure(notification, exc)
        return False
    notification.status = Notification.Status.SENT
    notification.sent_at = now()
    notification.last_error = ""
    notification.save(update_fields=["status", "sent_at", "last_error"])
    return True


def _send_email(notification: Notification) -> None:
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.address],
    )
    if notification.html_body:
        message.attach_alternative(notification.html_body, "text/html")
    message.send()


_SENDERS = {Notification.Channel.EMAIL: _send_email}


def _record_failure(notification: Notification, exc: Exception) -> None:
    notification.last_error = f"{type(exc).__name__}: {exc}"[:LAST_ERROR_MAX_CHARS]
    if notification.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
        notification.status = Notification.Status.FAILED
        logger.error("Giving up on notification %s after %s attempts: %s", notification.pk,
                     notification.attempts, notification.last_error)
    else:
        notification.next_attempt_at = now() + retry_delay(notification.attempts)
        logger.warning("Notification %s failed (attempt %s), retrying at %s: %s",
                       notification.pk, notification.attempts,
                       notification.next_attempt_at.isoformat(), notification.last_error)
    notification.save(update_fields=["status", "last_error", "next_attempt_at"])


def retry_delay(attempts: int) -> timedelta:
    """Back-off after the given number of failed attempts: 1, 2, 4 … minutes, at most an hour."""
    return min(RETRY_BASE * 2 ** max(attempts - 1, 0), RETRY_CAP)


def notifications_sweep(limit: int = 500) -> int:
    """Deliver pending notifications that are due, oldest first; returns how many were sent.

    Delivers in this process rather than through the broker, so the sweep works while
    publishing does not.
    """
    due_ids = list(
        Notification.objects.filter(status=Notification.Status.PENDING,
                                    next_attempt_at__lte=now())
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(notification_deliver(pk) for pk in due_ids)


def notifications_retry(*, notification_ids) -> int:
    """Give failed notifications a fresh set of attempts, starting now; returns how many."""
    with transaction.atomic():
        ids = list(Notification.objects.select_for_update()
                   .filter(pk__in=notification_ids, status=Notification.Status.FAILED)
                   .values_list("pk", flat=True))
        Notification.objects.filter(pk__in=ids).update(
            status=Notification.Status.PENDING, attempts=0, next_attempt_at=now())
        for pk in ids:
            transaction.on_commit(partial(_publish, pk))
    return len(ids)
