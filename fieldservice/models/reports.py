"""The customer service report (客户服务报告, issue 16.3): what the engineer found and did on
site, the parts fitted, and the two signatures (the client's and the engineer's).

A report is versioned: a correction is a new row that supersedes the previous one, which is
kept. Once frozen (both signed, or sent to the client contact to confirm without a signature)
its content never changes: the services refuse, and a PostgreSQL trigger (migration
0002_reports) refuses any UPDATE of a frozen row's content and any change to its parts lines.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# The columns a frozen report keeps for ever (the trigger compares exactly these).
FROZEN_COLUMNS = ("ticket_id", "visit_id", "version", "supersedes_id", "symptom", "cause",
                  "actions", "result", "follow_up", "engineer_id", "requester_name",
                  "engineer_name", "requester_signature", "engineer_signature",
                  "requester_signed_at", "engineer_signed_at", "no_signature",
                  "no_signature_reason", "frozen_at")


class ReportPolicy(models.Model):
    """Per contract: whether resolving an on-site ticket needs a signed (or confirmed) report,
    and how many working days the client contact has to confirm an unsigned one. Without a row
    the defaults apply (not required, 3 working days)."""

    contract = models.OneToOneField("sla.Contract", on_delete=models.CASCADE,
                                    related_name="report_policy", verbose_name=_("contract"))
    signed_report_required = models.BooleanField(
        _("signed report required to resolve"), default=False,
        help_text=_("An on-site ticket can be resolved only with a signed or confirmed "
                    "customer service report."))
    confirm_days = models.PositiveSmallIntegerField(
        _("days to confirm (working days)"), default=3,
        help_text=_("How long the client contact has to confirm a report nobody signed on "
                    "site, before the project manager is told."))

    class Meta:
        verbose_name = _("service report policy")
        verbose_name_plural = _("service report policies")
        constraints = [models.CheckConstraint(condition=Q(confirm_days__gte=1),
                                              name="report_policy_confirm_days_positive")]

    def __str__(self) -> str:
        return str(self.contract)


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SIGNED = "signed", _("Signed by both")
    AWAITING_CONFIRMATION = "awaiting_confirmation", _("Awaiting the client's confirmation")
    CONFIRMED = "confirmed", _("Confirmed by the client")


class NoSignature(models.TextChoices):
    NONE = "", _("—")
    REFUSED = "refused", _("the client refused to sign")
    ABSENT = "absent", _("nobody there to sign")


class ServiceReport(models.Model):
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE,
                               related_name="service_reports", verbose_name=_("ticket"))
    visit = models.ForeignKey("fieldservice.Visit", on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="service_reports",
                              verbose_name=_("visit"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    supersedes = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="superseded_by",
                                      verbose_name=_("corrects version"))
    status = models.CharField(_("status"), max_length=24, choices=ReportStatus.choices,
                              default=ReportStatus.DRAFT)
    symptom = models.TextField(_("symptom"))
    cause = models.TextField(_("cause"), blank=True)
    actions = models.TextField(_("actions taken"))
    result = models.TextField(_("result"))
    follow_up = models.TextField(_("follow-up"), blank=True)
    engineer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="service_reports", verbose_name=_("engineer"))
    # Names as signed on the report (the client's signer may have no account).
    requester_name = models.CharField(_("client signer"), max_length=100, blank=True)
    engineer_name = models.CharField(_("engineer signer"), max_length=100, blank=True)
    requester_signature = models.BinaryField(_("client signature (PNG)"), null=True,
                                             blank=True, editable=False)
    engineer_signature = models.BinaryField(_("engineer signature (PNG)"), null=True,
                                            blank=True, editable=False)
    requester_signed_at = models.DateTimeField(_("client signed at"), null=True, blank=True)
    engineer_signed_at = models.DateTimeField(_("engineer signed at"), null=True, blank=True)
    # Whose session submitted the client's signature (the engineer's phone, or the client).
    requester_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("client signature submitted by"))
    no_signature = models.CharField(_("no client signature"), max_length=8, blank=True,
                                    choices=NoSignature.choices, default=NoSignature.NONE)
    no_signature_reason = models.TextField(_("why the client did not sign"), blank=True)
    frozen_at = models.DateTimeField(_("frozen at"), null=True, blank=True)
    confirm_due = models.DateField(_("confirm by"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("confirmed by"))
    overdue_notified_at = models.DateTimeField(_("overdue reminder sent at"), null=True,
                                               blank=True)
    pdf = models.ForeignKey("tickets.Attachment", on_delete=models.SET_NULL, null=True,
                            blank=True, related_name="+", verbose_name=_("PDF"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("customer service report")
        verbose_name_plural = _("customer service reports")
        ordering = ["ticket", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status="draft") | Q(frozen_at__isnull=False),
                                   name="service_report_frozen_unless_draft"),
            models.CheckConstraint(
                condition=~Q(status="signed")
                | (Q(requester_signed_at__isnull=False) & Q(engineer_signed_at__isnull=False)),
                name="service_report_signed_by_both"),
            models.CheckConstraint(
                condition=~Q(status__in=["awaiting_confirmation", "confirmed"])
                | ~Q(no_signature=""), name="service_report_unsigned_has_reason"),
        ]
        indexes = [
            # The overdue sweep: unsigned reports waiting for the client, by due date.
            models.Index(fields=["confirm_due"], condition=Q(status="awaiting_confirmation",
                                                             overdue_notified_at__isnull=True),
                         name="service_report_confirm_due"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} v{self.version}"

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None

    @property
    def is_settled(self) -> bool:
        """Counts for "signed report required": signed by both, or confirmed by the client."""
        return self.status in {ReportStatus.SIGNED, ReportStatus.CONFIRMED}


class ServiceReportPart(models.Model):
    """A part fitted on site: taken from the contract's store when the report is frozen."""

    report = models.ForeignKey(ServiceReport, on_delete=models.CASCADE, related_name="parts",
                               verbose_name=_("report"))
    part = models.ForeignKey("assets.Part", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("part"))
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        verbose_name = _("part used")
        verbose_name_plural = _("parts used")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["report", "part"], name="report_part_once"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="report_part_quantity"),
        ]

    def __str__(self) -> str:
        return f"{self.part_id} × {self.quantity}"
