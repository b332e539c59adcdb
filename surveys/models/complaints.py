"""The complaints register (用户投诉登记表, V4): answer within 24 h, a solution by the end of the
7th working day after the day of receipt, quarterly limits per contract."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from sla.models import Contract


class Complaint(models.Model):
    class Channel(models.TextChoices):
        ORAL = "oral", _("In person (oral)")
        PHONE = "phone", _("Phone")
        EMAIL = "email", _("E-mail")
        FAX = "fax", _("Fax")
        LETTER = "letter", _("Letter")
        PORTAL = "portal", _("Web portal")
        SURVEY = "survey", _("Satisfaction survey")

    class Status(models.TextChoices):
        # "Received" alone is stock received into a store (入库).
        RECEIVED = "received", pgettext_lazy("complaint status", "Received")
        ANSWERED = "answered", _("Answered")
        RESOLVED = "resolved", _("Resolved")

    number = models.CharField(pgettext_lazy("complaint", "number"), max_length=20, unique=True,
                              editable=False)
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="complaints",
                                 verbose_name=_("contract"))
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    complainant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="complaints",
                                    verbose_name=_("complainant"))
    complainant_name = models.CharField(_("complainant's name"), max_length=100)
    complainant_phone = models.CharField(_("complainant's phone"), max_length=40, blank=True)
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="complaints", verbose_name=_("ticket"))
    engineer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="complaints_about",
                                 verbose_name=_("engineer complained about"))
    survey = models.OneToOneField("surveys.TicketSurvey", on_delete=models.PROTECT, null=True,
                                  blank=True, related_name="complaint",
                                  verbose_name=_("from survey"))
    major = models.BooleanField(_("major complaint"), default=False)
    description = models.TextField(_("what the complaint is about"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.RECEIVED)
    received_at = models.DateTimeField(_("received at"))
    answer_due = models.DateTimeField(_("answer due"))
    resolution_due = models.DateField(_("solution due"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answer = models.TextField(_("answer given"), blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    handling_opinion = models.TextField(_("handling opinion"), blank=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                      related_name="+", verbose_name=_("registered by"))
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="+", verbose_name=_("reviewed by"))
    escalation_level = models.PositiveSmallIntegerField(
        _("escalation level reached"), default=0,
        help_text=_("0: none; 1: answer overdue; 2: solution overdue."))
    created_at = models.DateTimeField(_("created at"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["contract", "received_at"], name="complaint_contract_received"),
            models.Index(fields=["answer_due"], name="complaint_unanswered_due",
                         condition=Q(status="received")),
            models.Index(fields=["resolution_due"], name="complaint_open_due",
                         condition=~Q(status="resolved")),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.complainant_name}"


class ComplaintAlert(models.Model):
    """A quarterly limit reached, told to the PM once: one row per (contract, quarter, kind)."""

    class Kind(models.TextChoices):
        ALL = "all", _("Complaints")
        MAJOR = "major", _("Major complaints")

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="+",
                                 verbose_name=_("contract"))
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    count = models.PositiveSmallIntegerField(_("count when it fired"))
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("complaint limit alert")
        verbose_name_plural = _("complaint limit alerts")
        constraints = [
            models.UniqueConstraint(fields=["contract", "year", "quarter", "kind"],
                                    name="complaint_alert_once"),
        ]

    def __str__(self) -> str:
        return f"{self.contract_id} {self.year}Q{self.quarter} {self.kind}"


class ComplaintCounter(models.Model):
    """Last complaint number handed out per year: TS-2026-000001, TS-2026-000002…"""

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("complaint counter")
        verbose_name_plural = _("complaint counters")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"
