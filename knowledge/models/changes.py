"""Changes (变更, REQUIREMENTS T12) with their approvals, and the client's consent asked from a
ticket before a reinstall, a restart or out-of-scope work (seeds 002, 003)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from sla.models import Contract


class Change(models.Model):
    class Kind(models.TextChoices):
        NORMAL = "normal", _("Normal")
        STANDARD = "standard", _("Standard (pre-approved)")
        EMERGENCY = "emergency", _("Emergency")

    class Risk(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PENDING = "pending", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        IMPLEMENTED = "implemented", _("Implemented")
        FAILED = "failed", _("Failed, rolled back")
        REVIEWED = "reviewed", _("Reviewed")
        CANCELLED = "cancelled", _("Cancelled")

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="changes",
                                 verbose_name=_("contract"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.NORMAL)
    title = models.CharField(_("title"), max_length=200)
    reason = models.TextField(_("reason"))
    scope = models.TextField(_("scope"), blank=True,
                             help_text=_("The systems and services the change touches."))
    assets = models.ManyToManyField("assets.Asset", blank=True, related_name="changes",
                                    verbose_name=_("assets"))
    config_before = models.TextField(_("configuration before"), blank=True)
    config_after = models.TextField(_("configuration after"), blank=True)
    risk = models.CharField(_("risk"), max_length=8, choices=Risk.choices, default=Risk.LOW)
    risk_notes = models.TextField(_("risk assessment"), blank=True)
    test_plan = models.TextField(_("test plan"), blank=True)
    rollback_plan = models.TextField(_("rollback plan"), blank=True)
    window_start = models.DateTimeField(_("window starts"), null=True, blank=True)
    window_end = models.DateTimeField(_("window ends"), null=True, blank=True)
    downtime = models.BooleanField(_("service interrupted"), default=False,
                                   help_text=_("Users lose the service during the window: a "
                                               "maintenance notice is published."))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.DRAFT)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="requested_changes",
                                     verbose_name=_("requested by"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    implemented_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                       null=True, blank=True, related_name="+",
                                       verbose_name=_("implemented by"))
    implemented_at = models.DateTimeField(_("implemented at"), null=True, blank=True)
    implementation_result = models.TextField(_("implementation result"), blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review = models.TextField(_("review"), blank=True)
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("change")
        verbose_name_plural = _("changes")
        ordering = ["-created_at", "-id"]
        # The lists, newest first: across the contracts a person sees (read in index order,
        # filtered) and within one contract.
        indexes = [models.Index(fields=["-created_at", "-id"], name="change_new"),
                   models.Index(fields=["contract", "-created_at", "-id"],
                                name="change_contract_new")]
        constraints = [
            models.CheckConstraint(
                condition=Q(window_start__isnull=True) | Q(window_end__isnull=True)
                | Q(window_end__gt=models.F("window_start")),
                name="change_window_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class ChangeCounter(models.Model):
    """Last change number handed out per year: CHG-2026-0001…"""

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("change counter")
        verbose_name_plural = _("change counters")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Decision(models.TextChoices):
    PENDING = "pending", _("Awaiting an answer")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ChangeApproval(models.Model):
    """One approval a change needs: the provider's project manager (by role) or the client's
    contact holding APPROVE_CHANGES on the contract. Unanswered, it reminds the approver once
    at remind_at and escalates to the PM once at escalate_at (each claimed by a conditional
    update, so two workers never send either twice)."""

    class Party(models.TextChoices):
        PROVIDER = "provider", _("Provider (project manager)")
        CLIENT = "client", _("Client")

    change = models.ForeignKey(Change, on_delete=models.CASCADE, related_name="approvals",
                               verbose_name=_("change"))
    party = models.CharField(_("party"), max_length=10, choices=Party.choices)
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="change_approvals", verbose_name=_("approver"))
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices,
                                default=Decision.PENDING)
    comment = models.TextField(_("comment"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("answered by"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    remind_at = models.DateTimeField(_("remind at"))
    escalate_at = models.DateTimeField(_("escalate at"))
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("change approval")
        verbose_name_plural = _("change approvals")
        ordering = ["party", "id"]
        constraints = [models.UniqueConstraint(fields=["change", "party"],
                                               name="change_approval_one_per_party")]
        indexes = [
            # The reminder sweep: pending approvals by when they next need a nudge.
            models.Index(fields=["remind_at"], name="approval_remind_due",
                         condition=Q(decision="pending", reminded_at__isnull=True)),
            models.Index(fields=["escalate_at"], name="approval_escalate_due",
                         condition=Q(decision="pending", escalated_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.change.number} {self.get_party_display()}"


class Consent(models.Model):
    """The client's consent to an on-site operation asked from a ticket: the requester or their
    supervisor answers it in the portal (seed 003: a reinstall or restart; seed 002: work
    outside the contract's scope)."""

    class Operation(models.TextChoices):
        REINSTALL = "reinstall", _("Reinstall the system")
        RESTART = "restart", _("Restart a device or service")
        OUT_OF_SCOPE = "out_of_scope", _("Work outside the contract's scope")

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE,
                               related_name="consents", verbose_name=_("ticket"))
    operation = models.CharField(_("operation"), max_length=16, choices=Operation.choices)
    details = models.TextField(_("details"))
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("asked by"))
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="consents_to_give", verbose_name=_("approver"))
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices,
                                default=Decision.PENDING)
    comment = models.TextField(_("comment"), blank=True)
    asked_at = models.DateTimeField(_("asked at"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-asked_at", "-id"]
        indexes = [models.Index(fields=["approver", "decision"], name="consent_approver")]

    def __str__(self) -> str:
        return f"{self.ticket.number} {self.get_operation_display()}"
