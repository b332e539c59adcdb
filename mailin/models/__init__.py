"""E-mail channel models: mailboxes and the messages received."""

import os

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sla.models import Contract
from tickets.models import ServiceType, Ticket


class Mailbox(models.Model):
    """One contract's mailbox: polled over IMAP when it has a host, else fed only by an MTA pipe
    (`manage.py mail_in`). The password is stored here or, better, named as an environment
    variable (password_env) so it never sits in the database."""

    contract = models.OneToOneField(Contract, on_delete=models.CASCADE, related_name="mailbox",
                                    verbose_name=_("contract"))
    service_type = models.ForeignKey(
        ServiceType, on_delete=models.PROTECT, related_name="+", verbose_name=_("service type"),
        help_text=_("What the tickets filed from this mailbox are about until the desk "
                    "corrects it."))
    host = models.CharField(_("IMAP host"), max_length=200, blank=True,
                            help_text=_("Leave empty for a mailbox fed only by the mail server "
                                        "(the mail_in command)."))
    port = models.PositiveIntegerField(_("IMAP port"), default=993)
    use_tls = models.BooleanField(
        _("TLS"), default=True,
        help_text=_("IMAP over TLS (port 993). Turn off only for a server on this machine."))
    username = models.CharField(_("user name"), max_length=200, blank=True)
    password = models.CharField(_("password"), max_length=200, blank=True,
                                help_text=_("Stored in the database; prefer the environment "
                                            "variable below."))
    password_env = models.CharField(
        _("password environment variable"), max_length=100, blank=True,
        help_text=_("The name of an environment variable holding the password (wins over the "
                    "stored one)."))
    folder = models.CharField(_("folder"), max_length=200, default="INBOX")
    processed_folder = models.CharField(
        _("processed folder"), max_length=200, default="Processed",
        help_text=_("Messages are moved here once filed, so none is read twice."))
    active = models.BooleanField(_("active"), default=True)
    last_poll_at = models.DateTimeField(_("last poll"), null=True, blank=True, editable=False)
    last_success_at = models.DateTimeField(_("last successful poll"), null=True, blank=True,
                                           editable=False)
    last_error = models.TextField(_("last error"), blank=True, editable=False)
    # One poll at a time per mailbox: the poller that sets a lease in the future owns it.
    lease_until = models.DateTimeField(_("polled until"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")
        ordering = ["contract__code"]

    def __str__(self) -> str:
        return f"{self.contract.code}: {self.username or self.host or '-'}"

    def secret(self) -> str:
        if self.password_env:
            return os.environ.get(self.password_env, "")
        return self.password


# The reason codes a message is stored with, in words (InboundMessage.reason).
REASONS = {
    "auto-reply": _("automatic reply"), "bulk": _("bulk mail"), "bounce": _("delivery report"),
    "rate-limit": _("too many mails from this sender"), "too-large": _("too large"),
    "unverified": _("sender not verified"), "cannot-file": _("could not be filed"),
}


class InboundMessage(models.Model):
    """One message received, kept as received (raw bytes) with what became of it. The unique
    (mailbox, message_id) row is the claim: a message seen twice, or by two pollers at once,
    is filed once."""

    class State(models.TextChoices):
        FILED = "filed", _("Ticket created")
        REPLY = "reply", _("Reply added")
        HELD = "held", _("Held: unverified sender")
        CONTRIBUTION = "contribution", _("Pending contribution")
        ACCEPTED = "accepted", _("Contribution accepted")
        IGNORED = "ignored", _("Ignored")
        REFUSED = "refused", _("Refused")
        REJECTED = "rejected", _("Rejected by the desk")
        SPAM = "spam", _("Spam")

    mailbox = models.ForeignKey(Mailbox, on_delete=models.CASCADE, related_name="messages",
                                verbose_name=_("mailbox"))
    message_id = models.CharField(
        _("Message-ID"), max_length=255,
        help_text=_("The message's own Message-ID, or a hash of its bytes when it has none."))
    sender = models.EmailField(_("sender"), max_length=254, blank=True)
    sender_name = models.CharField(_("sender name"), max_length=200, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    raw = models.BinaryField(_("message as received"))
    size = models.PositiveIntegerField(_("size (bytes)"))
    state = models.CharField(_("state"), max_length=16, choices=State.choices)
    reason = models.CharField(_("reason"), max_length=32, blank=True,
                              help_text=_("Why it was ignored or refused: a code such as "
                                          "auto-reply, bulk, bounce, rate-limit, too-large."))
    note = models.CharField(_("note"), max_length=500, blank=True,
                            help_text=_("What the channel could not do with it, in words."))
    ticket = models.ForeignKey(Ticket, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="inbound_messages", verbose_name=_("ticket"))
    received_at = models.DateTimeField(_("received at"), db_index=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("inbound message")
        verbose_name_plural = _("inbound messages")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["mailbox", "message_id"],
                                    name="inbound_message_once"),
        ]
        indexes = [
            # The rate limit: one sender's messages in the last hour.
            models.Index(fields=["sender", "received_at"], name="inbound_sender_time"),
            # The desk's queue: what waits for a decision.
            models.Index(fields=["state"], condition=Q(state__in=["held", "contribution"]),
                         name="inbound_waiting"),
        ]

    def __str__(self) -> str:
        return f"{self.message_id} ({self.state})"

    @property
    def reason_display(self) -> str:
        return REASONS.get(self.reason, self.reason)

    @property
    def waiting(self) -> bool:
        return self.state in {self.State.HELD, self.State.CONTRIBUTION}
