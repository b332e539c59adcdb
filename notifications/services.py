"""Queue and deliver notifications. Domain apps call notification_enqueue (e-mail),
webhook_enqueue (chat robot) or sms_enqueue in their own transaction; the deliver task and the
sweep call notification_deliver."""

from __future__ import annotations

import logging
import secrets
import urllib.request
from datetime import timedelta
from functools import partial
from urllib.error import HTTPError
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.utils import DNS_NAME
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import translation

from core import batch
from core.bulk_insert import insert_new
from core.clock import now
from core.mail import AUTOMATIC_MAIL_HEADERS
from core.publish import publish_quietly
from notifications import webhooks
from notifications.inbox import channels_for, in_app_add, in_app_add_many, link_in
from notifications.models import ChatWebhook, Notification, NotificationAttachment
from notifications.sms import sms_backend

logger = logging.getLogger(__name__)

RETRY_BASE = timedelta(seconds=60)
RETRY_CAP = timedelta(hours=1)
LAST_ERROR_MAX_CHARS = 2000
SUBJECT_MAX_CHARS = Notification._meta.get_field("subject").max_length
WEBHOOK_REPLY_MAX_BYTES = 64 * 1024


class DeliveryAbandoned(Exception):
    """Delivery cannot succeed on a retry (its chat webhook was deleted or deactivated): the
    notification is marked failed at once. An admin can retry it once the cause is fixed."""


def notification_enqueue(*, recipient, event: str, subject: str, body: str,
                         html_body: str = "", dedupe_key: str | None = None,
                         url: str | None = None, thread: dict | None = None,
                         attachments: list[tuple[str, bytes, str]] | None = None,
                         ) -> Notification | None:
    """Queue an e-mail to `recipient` in the caller's transaction; publish it on commit. The
    same message lands under the person's bell (in-app), titled by the subject and linked to
    `url` (else the first portal link in the body), in the same transaction.

    The person's preferences choose the channels per kind of event, except for the
    escalations a contract requires (notifications/events.py), which always go both ways.
    Returns the e-mail's row, or None, writing no e-mail, when the recipient has no e-mail
    address, is inactive or turned e-mail off for the event, or when a notification with the
    same dedupe_key was queued before.

    `thread` (from the domain app) threads the e-mail: `subject_tag` is appended to the
    e-mail's subject (not to the bell's title), `reply_to` and `thread_id` become its Reply-To
    and References/In-Reply-To headers.

    ``attachments``: (file name, bytes, content type) sent with the e-mail, stored with the row
    in the same transaction so a retry sends the same files.
    """
    if recipient is None or not recipient.is_active:
        return None
    by_email, in_app = channels_for(recipient, event)
    if in_app:
        in_app_add(recipient=recipient, event=event, title=subject,
                   url=url if url is not None else link_in(body), dedupe_key=dedupe_key)
    address = (recipient.email or "").strip()
    if not address or not by_email:
        return None
    thread = thread or {}
    tag = thread.get("subject_tag", "")
    if tag:
        # The tag goes last but must survive the cut to the column's length.
        subject = f"{' '.join(subject.split())[:SUBJECT_MAX_CHARS - len(tag) - 1]} {tag}"
    return _enqueue(dedupe_key, channel=Notification.Channel.EMAIL, event=event,
                    recipient=recipient, address=address, subject=subject, body=body,
                    html_body=html_body, reply_to=_one_line(thread.get("reply_to", "")),
                    thread_id=_one_line(thread.get("thread_id", "")), attachments=attachments)


def _one_line(value: str) -> str:
    # Header values: no line breaks, whatever the caller passed.
    return "".join(value.split())


def email_from_template(*, recipient, event: str, template: str, context: dict,
                        dedupe_key: str | None = None, url: str | None = None,
                        thread: dict | None = None) -> Notification | None:
    """Queue an e-mail written by a text template in the recipient's language: the first line
    is the subject, the rest the body. Returns what notification_enqueue returns."""
    if recipient is None:
        return None
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        text = render_to_string(template, {"recipient": recipient, **context}).strip()
    subject, _newline, body = text.partition("\n")
    return notification_enqueue(recipient=recipient, event=event, subject=subject.strip(),
                                body=body.strip() + "\n", dedupe_key=dedupe_key, url=url,
                                thread=thread)


def webhook_enqueue(*, webhook: ChatWebhook, event: str, subject: str, body: str,
                    dedupe_key: str | None = None) -> Notification | None:
    """Queue a message to a chat robot in the caller's transaction; publish it on commit.

    Returns None, writing nothing, when the webhook is inactive or when a notification with the
    same dedupe_key was queued before. Delivery uses the webhook's URL and secret at the time
    of sending, so a corrected URL applies to retries.
    """
    if not webhook.active:
        return None
    return _enqueue(dedupe_key, channel=Notification.Channel.WEBHOOK, event=event,
                    webhook=webhook, address=webhook.url, subject=subject, body=body)


def sms_enqueue(*, recipient, event: str, text: str, dedupe_key: str | None = None,
                ) -> Notification | None:
    """Queue a text message to `recipient`'s phone in the caller's transaction; publish it on
    commit.

    Returns None, writing nothing, when the recipient has no phone number or is inactive, or
    when a notification with the same dedupe_key was queued before.
    """
    address = (getattr(recipient, "phone", "") or "").strip()
    if not address or not recipient.is_active:
        return None
    # The subject is only what the admin list shows; the text is the body.
    return _enqueue(dedupe_key, channel=Notification.Channel.SMS, event=event,
                    recipient=recipient, address=address, subject=text, body=text)


def _enqueue(dedupe_key: str | None, *, attachments=None, **fields) -> Notification | None:
    # A line break in a subject is a header injection to the mail library; it would fail on
    # every retry. One line is what the other channels show as a title, too.
    fields["subject"] = " ".join(fields["subject"].split())[:SUBJECT_MAX_CHARS]
    fields["next_attempt_at"] = now()
    # No savepoint of its own: a create needs none, and get_or_create takes one around its
    # insert (a bulk action queues hundreds; every savepoint is two round trips).
    if dedupe_key is None:
        notification = Notification.objects.create(**fields)
    else:
        # get_or_create retries as a get inside a savepoint when a concurrent insert wins.
        notification, created = Notification.objects.get_or_create(
            dedupe_key=dedupe_key, defaults=fields)
        if not created:
            return None
    if attachments:
        NotificationAttachment.objects.bulk_create(
            NotificationAttachment(notification=notification, filename=name, content=content,
                                   content_type=content_type)
            for name, content, content_type in attachments)
    # In a bulk action: one broker message for every notification the rows queued.
    if not batch.defer("notifications.publish", notification.pk, _publish_later):
        transaction.on_commit(partial(_publish, notification.pk))
    return notification


def _publish_later(notification_ids: list[int]) -> None:
    transaction.on_commit(partial(_publish_ids, notification_ids))


def _publish_ids(notification_ids: list[int]) -> None:
    """Publish the notifications of a batch that were committed: a row whose savepoint rolled
    back (a refused row of a bulk action) queued one that no longer exists."""
    ids = list(Notification.objects.filter(pk__in=notification_ids,
                                           status=Notification.Status.PENDING)
               .values_list("pk", flat=True))
    if ids:
        publish_quietly("notifications.tasks.deliver_many", (ids,),
                        fallback="the sweep will deliver them")


def notifications_enqueue_many(rows: list[dict]) -> int:
    """Queue many notifications in one statement, in the caller's transaction (the SLA job
    queues thousands at once). Each row holds the Notification fields — channel, event,
    recipient or webhook, address, subject, body — and a required dedupe_key; rows whose key was
    queued before are skipped. One broker message on commit hands the new ones to a worker."""
    if not rows:
        return 0
    rows = _by_preference(rows)
    moment = now()
    one_line: dict[str, str] = {}  # a rung's subject is shared by its recipients
    notifications = []
    for row in rows:
        fields = dict(row)
        fields.pop("url", None)
        subject = fields["subject"]
        if subject not in one_line:
            one_line[subject] = " ".join(subject.split())[:SUBJECT_MAX_CHARS]
        fields["subject"] = one_line[subject]
        fields["next_attempt_at"] = fields["created_at"] = moment
        notifications.append(fields)
    # Only the rows inserted now are published: a key queued before was published by its queuer.
    ids = [pk for (pk,) in insert_new(Notification, notifications, unique=("dedupe_key",))]
    if ids:
        transaction.on_commit(partial(_publish_many, ids))
    return len(notifications)


def _by_preference(rows: list[dict]) -> list[dict]:
    """Land each e-mail to a person under their bell too (rows may carry a "url"; else the
    body's portal link), and keep the e-mails the person wants. Mandatory escalations — all
    the SLA job queues — need no look-up; other events one query per person."""
    emails, in_app = [], []
    choices: dict = {}
    links: dict[str, str] = {}  # the SLA job's recipients of one rung share its body
    for row in rows:
        person = row.get("recipient")
        if row.get("channel", Notification.Channel.EMAIL) != Notification.Channel.EMAIL \
                or person is None:
            emails.append(row)
            continue
        key = (person.pk, row["event"])
        if key not in choices:
            choices[key] = channels_for(person, row["event"])  # no query when mandatory
        by_email, by_app = choices[key]
        if by_app:
            url = row.get("url")
            if not url:
                body = row["body"]
                if body not in links:
                    links[body] = link_in(body)
                url = links[body]
            in_app.append({"recipient": person, "event": row["event"],
                           "title": row["subject"], "url": url,
                           "dedupe_key": row["dedupe_key"]})
        if by_email:
            emails.append(row)
    in_app_add_many(in_app)
    return emails


def _publish_many(notification_ids: list[int]) -> None:
    # By name: notifications.tasks imports this module, so this one does not import it.
    publish_quietly("notifications.tasks.deliver_many", (notification_ids,),
                    fallback="the sweep will deliver them")


def _publish(notification_id: int) -> None:
    """Hand the notification to a worker. Never raises and never waits on a dead broker: the
    row is committed, and the sweep delivers it if this message never arrives."""
    publish_quietly("notifications.tasks.deliver", (notification_id,),
                    fallback="the sweep will deliver it")


def notification_deliver(notification_id: int) -> bool:
    """Send one due notification; True when it was sent.

    Claim, send and record are separate short transactions so no transaction stays open during
    an SMTP conversation. The claim commits the row as "sending", with the attempt time and the
    row's Message-ID, before the conversation starts: a worker killed mid-send leaves it there,
    and once its lease (NOTIFICATION_SENDING_TIMEOUT) has passed the sweep sends it again as the
    same message. False without sending when the row is sent, given up, not due, being sent by
    a live worker, or claimed by another worker.
    """
    claimed_at = now()
    due = Notification.objects.filter(
        pk=notification_id, next_attempt_at__lte=claimed_at,
        status__in=[Notification.Status.PENDING, Notification.Status.SENDING])
    with transaction.atomic():
        notification = due.select_for_update(skip_locked=True).first()
        if notification is None:
            return False
        if notification.status == Notification.Status.SENDING:
            logger.warning("Notification %s was left sending since %s (its worker died?); "
                           "sending it again as %s", notification.pk,
                           notification.attempted_at.isoformat() if notification.attempted_at
                           else "?", notification.message_id)
        message_id = notification.message_id or make_message_id(notification.pk)
        # The conditional update is the claim where FOR UPDATE is a no-op (SQLite): of two
        # workers reading the same row, only one changes it.
        next_attempt_at = claimed_at + sending_timeout()
        if not due.update(status=Notification.Status.SENDING, attempted_at=claimed_at,
                          attempts=F("attempts") + 1, next_attempt_at=next_attempt_at,
                          message_id=message_id):
            return False
    notification.status = Notification.Status.SENDING
    notification.attempted_at = claimed_at
    notification.attempts += 1
    notification.next_attempt_at = next_attempt_at
    notification.message_id = message_id
    try:
        _SENDERS[notification.channel](notification)
    except Exception as exc:  # SMTP, DNS, TLS, HTTP…: whatever it is, record it and retry later
        _record_failure(notification, exc)
        return False
    notification.status = Notification.Status.SENT
    notification.sent_at = now()
    notification.last_error = ""
    notification.save(update_fields=["status", "sent_at", "last_error"])
    return True


def sending_timeout() -> timedelta:
    """How long a row may stay "sending" before the sweep takes it for a dead worker's."""
    return timedelta(seconds=settings.NOTIFICATION_SENDING_TIMEOUT)


def make_message_id(notification_id: int) -> str:
    """A Message-ID for the row, unique across installations sharing a mail domain (the random
    part) and traceable to the row (the id); the domain is the portal's (SITE_URL)."""
    domain = urlsplit(getattr(settings, "SITE_URL", "")).hostname or DNS_NAME.get_fqdn()
    return f"<outbox-{notification_id}-{secrets.token_hex(8)}@{domain}>"


def _send_email(notification: Notification) -> None:
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.address],
        # The row's Message-ID on every attempt, so a copy resent after a crash can be dropped
        # by the receiving mail system; the automatic-mail headers keep out-of-office replies
        # and auto-forwarding loops away (RFC 3834; Exchange).
        headers={"Message-ID": notification.message_id, **AUTOMATIC_MAIL_HEADERS,
                 **_thread_headers(notification)},
    )
    if notification.html_body:
        message.attach_alternative(notification.html_body, "text/html")
    for attachment in notification.attachments.all():
        message.attach(attachment.filename, bytes(attachment.content), attachment.content_type)
    message.send()


def _thread_headers(notification: Notification) -> dict:
    """Reply-To and the thread's headers, when the domain app gave them (ticket mails)."""
    headers = {}
    if notification.reply_to:
        headers["Reply-To"] = notification.reply_to
    if notification.thread_id:
        headers["References"] = notification.thread_id
        headers["In-Reply-To"] = notification.thread_id
    return headers


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is a misconfigured URL: urllib would turn the POST into a GET and lose the
    message. Refusing it makes urlopen raise HTTPError with the 3xx status instead."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_webhook_opener = urllib.request.build_opener(_NoRedirect)


def _send_webhook(notification: Notification) -> None:
    webhook = notification.webhook
    if webhook is None:
        raise DeliveryAbandoned("the chat webhook was deleted")
    if not webhook.active:
        raise DeliveryAbandoned(f"the chat webhook {webhook.name!r} is inactive")
    now_ms = int(now().timestamp() * 1000)
    url, data = webhooks.build_request(webhook.kind, webhook.url, webhook.secret,
                                       notification.subject, notification.body, now_ms)
    request = urllib.request.Request(  # noqa: S310 - build_request allows http(s) only
        url, data=data, method="POST",
        headers={"Content-Type": "application/json; charset=utf-8"})
    timeout = getattr(settings, "WEBHOOK_TIMEOUT", 10)
    try:
        with _webhook_opener.open(request, timeout=timeout) as reply:
            status, body = reply.status, reply.read(WEBHOOK_REPLY_MAX_BYTES)
    except HTTPError as exc:  # a non-2xx status: its body usually says why
        status, body = exc.code, _read_error_body(exc)
    # Network errors (URLError, TimeoutError…) propagate and are recorded as they are.
    webhooks.check_reply(webhook.kind, status, body)


def _read_error_body(exc: HTTPError) -> bytes:
    try:
        return exc.read(WEBHOOK_REPLY_MAX_BYTES) or b""
    except Exception:  # no body, or the connection broke while reading it
        return b""
    finally:
        exc.close()


def _send_sms(notification: Notification) -> None:
    # The Message-ID doubles as the idempotency key for providers that take one.
    sms_backend().send(notification.address, notification.body,
                       idempotency_key=notification.message_id)


_SENDERS = {
    Notification.Channel.EMAIL: _send_email,
    Notification.Channel.WEBHOOK: _send_webhook,
    Notification.Channel.SMS: _send_sms,
}


def _record_failure(notification: Notification, exc: Exception) -> None:
    notification.last_error = f"{type(exc).__name__}: {exc}"[:LAST_ERROR_MAX_CHARS]
    if isinstance(exc, DeliveryAbandoned):
        notification.status = Notification.Status.FAILED
        logger.error("Giving up on notification %s: %s", notification.pk,
                     notification.last_error)
    elif notification.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
        notification.status = Notification.Status.FAILED
        logger.error("Giving up on notification %s after %s attempts: %s", notification.pk,
                     notification.attempts, notification.last_error)
    else:
        notification.status = Notification.Status.PENDING
        notification.next_attempt_at = now() + retry_delay(notification.attempts)
        logger.warning("Notification %s failed (attempt %s), retrying at %s: %s",
                       notification.pk, notification.attempts,
                       notification.next_attempt_at.isoformat(), notification.last_error)
    notification.save(update_fields=["status", "last_error", "next_attempt_at"])


def retry_delay(attempts: int) -> timedelta:
    """Back-off after the given number of failed attempts: 1, 2, 4 … minutes, at most an hour."""
    return min(RETRY_BASE * 2 ** max(attempts - 1, 0), RETRY_CAP)


def notifications_sweep(limit: int = 500) -> int:
    """Deliver pending notifications that are due, and those left "sending" past their lease
    by a worker that died, oldest first; returns how many were sent.

    Delivers in this process rather than through the broker, so the sweep works while
    publishing does not.
    """
    due_ids = list(
        Notification.objects.filter(
            status__in=[Notification.Status.PENDING, Notification.Status.SENDING],
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
