"""The notifications outbox: one row per message, written in the transaction that causes it.

Delivery is a Celery task published on commit; a periodic sweep retries whatever is still
pending and due, so nothing is lost when the broker or the mail server is down.
"""

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.clock import now


class ChatWebhook(models.Model):
    """A chat robot in a group chat: messages to it reach everyone in the group."""

    class Kind(models.TextChoices):
        WECOM = "wecom", _("WeCom (企业微信)")
        DINGTALK = "dingtalk", _("DingTalk (钉钉)")
        FEISHU = "feishu", _("Feishu (飞书)")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    url = models.URLField(
        _("webhook URL"), max_length=500, validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("The robot's webhook address as the chat app shows it; for WeCom it "
                    "includes the robot's key."))
    secret = models.CharField(
        _("signing secret"), max_length=200, blank=True,
        help_text=_("DingTalk \"加签\" or Feishu \"签名校验\" secret; leave empty when signing is "
                    "off. WeCom robots have none."))
    active = models.BooleanField(_("active"), default=True,
                                 help_text=_("Inactive robots are sent nothing."))
    created_at = models.DateTimeField(_("created at"), default=now, editable=False)

    class Meta:
        verbose_name = _("chat webhook")
        verbose_name_plural = _("chat webhooks")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


class Notification(models.Model):
    class Channel(models.TextChoices):
        EMAIL = "email", _("e-mail")
        WEBHOOK = "webhook", _("chat webhook")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        # Claimed by a worker, which is talking to the mail server (or robot, or SMS provider).
        # Committed before that conversation, so a worker killed mid-send leaves the row here,
        # and the sweep sends it again, with the same Message-ID, once next_attempt_at passes.
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices,
                               default=Channel.EMAIL)
    event = models.CharField(_("event"), max_length=64,
                             help_text=_("What caused the notification, e.g. ticket.assigned."))
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                  null=True, blank=True, related_name="notifications",
                                  verbose_name=_("recipient"))
    webhook = models.ForeignKey(ChatWebhook, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="notifications", verbose_name=_("chat webhook"))
    address = models.CharField(_("address"), max_length=500,
                               help_text=_("Where it goes, copied when queued: an e-mail address, "
                                           "a webhook URL or a phone number."))
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"))
    html_body = models.TextField(_("HTML body"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0,
                                                help_text=_("Delivery attempts made so far."))
    next_attempt_at = models.DateTimeField(
        _("next attempt at"), default=now,
        help_text=_("When the sweep tries a pending notification (again)."))
    last_error = models.TextField(_("last error"), blank=True)
    attempted_at = models.DateTimeField(_("last attempt at"), null=True, blank=True,
                                        help_text=_("When the latest delivery attempt began."))
    message_id = models.CharField(
        _("Message-ID"), max_length=255, blank=True,
        help_text=_("Made at the first attempt and kept for every retry, so a message resent "
                    "after a crash is the same message to the mail system (e-mail "
                    "Message-ID; the idempotency key for channels that take one)."))
    reply_to = models.CharField(
        _("Reply-To"), max_length=254, blank=True,
        help_text=_("Where the recipient's reply goes (the desk's address, with the ticket's "
                    "reply token)."))
    thread_id = models.CharField(
        _("thread Message-ID"), max_length=255, blank=True,
        help_text=_("The conversation this e-mail belongs to (References, In-Reply-To), so "
                    "mail programs show a ticket's mails as one thread."))
    created_at = models.DateTimeField(_("created at"), default=now, editable=False)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # Unique; its LIKE index is dropped by migration 0007 (keys are only matched whole).
    dedupe_key = models.CharField(
        _("deduplication key"), max_length=200, null=True, blank=True, unique=True,
        help_text=_("A notification with the same key is queued only once."))

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            # The sweep's query: pending rows that are due and rows stuck in sending, oldest
            # first. Sent and failed rows, the vast majority, are not in the index at all.
            models.Index(fields=["next_attempt_at"],
                         condition=Q(status__in=["pending", "sending"]),
                         name="notification_due"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(status="sent") | Q(sent_at__isnull=False),
                                   name="notification_sent_has_time"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.address}"


class InAppNotification(models.Model):
    """What a person finds under the bell: one row per message the outbox addresses to them
    (written beside the e-mail, in the same transaction), read or not."""

    # inapp_latest (recipient, -created_at) is the index for look-ups by recipient.
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="in_app_notifications",
                                  verbose_name=_("recipient"), db_index=False)
    event = models.CharField(_("event"), max_length=64,
                             help_text=_("What caused the notification, e.g. ticket.assigned."))
    title = models.CharField(_("title"), max_length=300)
    url = models.CharField(_("link"), max_length=500, blank=True,
                           help_text=_("Where following the notification leads: a path in this "
                                       "portal, never another site."))
    created_at = models.DateTimeField(_("created at"), default=now, editable=False)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # Unique; its LIKE index is dropped by migration 0007 (keys are only matched whole).
    dedupe_key = models.CharField(
        _("deduplication key"), max_length=200, null=True, blank=True, unique=True,
        help_text=_("A notification with the same key lands only once."))

    class Meta:
        verbose_name = _("in-app notification")
        verbose_name_plural = _("in-app notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The bell's count, polled by every open page: unread rows of one person only.
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True),
                         name="inapp_unread"),
            models.Index(fields=["recipient", "-created_at"], name="inapp_latest"),
        ]
        constraints = [
            # A deep link is a path here: no scheme, no //host (an open redirect otherwise).
            models.CheckConstraint(
                condition=Q(url="") | (Q(url__startswith="/") & ~Q(url__startswith="//")),
                name="inapp_url_is_local_path"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.recipient_id}"


class NotificationPreference(models.Model):
    """One person's choice for one kind of event; no row means both channels on."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="notification_preferences",
                               verbose_name=_("person"))
    event = models.CharField(_("event"), max_length=64)
    email = models.BooleanField(_("by e-mail"), default=True)
    in_app = models.BooleanField(_("in the app"), default=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["person", "event"],
                                    name="notification_preference_once"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.event}"


class NotificationAttachment(models.Model):
    """A file sent with an e-mail (a signed service report's PDF): stored with the queued row,
    so every delivery attempt, and a retry after a crash, sends the same bytes."""

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE,
                                     related_name="attachments",
                                     verbose_name=_("notification"))
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    content = models.BinaryField(_("content"))

    class Meta:
        verbose_name = _("notification attachment")
        verbose_name_plural = _("notification attachments")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.filename
