"""Vendor repairs (送修, issue 16.4): a device sent to its vendor from a ticket, the quote the
client approves when it is out of warranty, written progress every 3 working days, the return
promised "before the second weekend after sending" (seed 001), a loaner while it is away.

Per contract settings live on RepairPolicy (one row per contract, safe defaults without one).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RepairPolicy(models.Model):
    """A contract's repair and parts commitments; a contract without a row uses the defaults."""

    contract = models.OneToOneField("sla.Contract", on_delete=models.CASCADE,
                                    related_name="repair_policy", verbose_name=_("contract"))
    loaner_days = models.PositiveSmallIntegerField(
        _("loaner lent for (days)"), default=14,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("A loaner device is due back this many days after it is lent."))
    loaner_hours = models.PositiveSmallIntegerField(
        _("loaner delivered within (hours)"), default=24,
        validators=[MinValueValidator(1), MaxValueValidator(720)],
        help_text=_("The commitment measured on the KPI dashboard: a loaner lent within this "
                    "many hours of the repair being sent."))
    progress_working_days = models.PositiveSmallIntegerField(
        _("progress update every (working days)"), default=3,
        validators=[MinValueValidator(1), MaxValueValidator(30)])
    part_hours_p1 = models.PositiveSmallIntegerField(_("part needed within, P1 (hours)"),
                                                     default=4)
    part_hours_p2 = models.PositiveSmallIntegerField(_("part needed within, P2 (hours)"),
                                                     default=8)
    part_hours_p3 = models.PositiveSmallIntegerField(_("part needed within, P3 (hours)"),
                                                     default=24)
    part_hours_p4 = models.PositiveSmallIntegerField(_("part needed within, P4 (hours)"),
                                                     default=48)

    class Meta:
        verbose_name = _("repair policy")
        verbose_name_plural = _("repair policies")

    def __str__(self) -> str:
        return str(self.contract)

    def part_request_hours(self, priority: int) -> int:
        return getattr(self, f"part_hours_p{min(max(int(priority or 4), 1), 4)}")


class RepairStatus(models.TextChoices):
    SENT = "sent", _("at the vendor")
    QUOTED = "quoted", _("quote awaiting approval")
    APPROVED = "approved", _("quote approved, in repair")
    DECLINED = "declined", _("quote declined")
    RETURNED = "returned", _("returned")


class VendorRepair(models.Model):
    """One device sent to a vendor for a ticket (设备送修单)."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.PROTECT,
                               related_name="vendor_repairs", verbose_name=_("ticket"))
    # The ticket's contract, kept here so the KPI figures never read the tickets table.
    contract = models.ForeignKey("sla.Contract", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("contract"))
    asset = models.ForeignKey("assets.Asset", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="vendor_repairs", verbose_name=_("device"))
    vendor = models.CharField(_("vendor"), max_length=100)
    in_warranty = models.BooleanField(_("in warranty"))
    rma_number = models.CharField(_("RMA number"), max_length=64, blank=True)
    fault = models.TextField(_("fault"), blank=True)
    data_backed_up = models.BooleanField(_("user data backed up"), default=False)
    storage_kept = models.BooleanField(
        _("disks kept with the client"), default=True,
        help_text=_("Seed 001: the disks and other storage stay with the client."))
    status = models.CharField(_("status"), max_length=16, choices=RepairStatus.choices,
                              default=RepairStatus.SENT)
    sent_on = models.DateField(_("sent on"))
    expected_back = models.DateField(_("expected back"), null=True, blank=True)
    return_due = models.DateField(_("return due"),
                                  help_text=_("Before the second weekend after sending."))
    progress_due = models.DateField(_("next progress update due"), null=True, blank=True)
    quote_amount = models.DecimalField(_("quote amount"), max_digits=10, decimal_places=2,
                                       null=True, blank=True)
    quote_text = models.TextField(_("quote"), blank=True)
    quoted_at = models.DateTimeField(_("quoted at"), null=True, blank=True)
    quote_decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                         null=True, blank=True, related_name="+",
                                         verbose_name=_("quote decided by"))
    quote_decided_at = models.DateTimeField(_("quote decided at"), null=True, blank=True)
    returned_on = models.DateField(_("returned on"), null=True, blank=True)
    loan = models.ForeignKey("assets.Loan", on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+", verbose_name=_("loaner"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("vendor repair")
        verbose_name_plural = _("vendor repairs")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["contract", "sent_on"], name="repair_contract_sent"),
            # The reminder job: open repairs whose update or return is due.
            models.Index(fields=["progress_due"], name="repair_progress_open",
                         condition=~Q(status="returned")),
            models.Index(fields=["return_due"], name="repair_return_open",
                         condition=~Q(status="returned")),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} · {self.vendor}"

    @property
    def is_open(self) -> bool:
        return self.status != RepairStatus.RETURNED


class RepairUpdate(models.Model):
    """A written progress update the desk sent to the user (每3个工作日书面反馈进度)."""

    repair = models.ForeignKey(VendorRepair, on_delete=models.CASCADE, related_name="updates",
                               verbose_name=_("repair"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("author"))
    body = models.TextField(_("progress"))
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("repair progress update")
        verbose_name_plural = _("repair progress updates")
        ordering = ["repair", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.repair_id} · {self.created_at:%Y-%m-%d}"


class RepairReminder(models.Model):
    """A reminder or escalation sent about a repair: a unique row per (repair, progress due
    date) and per (repair, overdue), so a second run of the job never sends it twice."""

    class Kind(models.TextChoices):
        PROGRESS = "progress", _("progress update due")
        OVERDUE = "overdue", _("return overdue")

    repair = models.ForeignKey(VendorRepair, on_delete=models.CASCADE, related_name="reminders",
                               verbose_name=_("repair"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    due_on = models.DateField(_("due on"))
    sent_at = models.DateTimeField(_("sent at"))

    class Meta:
        verbose_name = _("repair reminder")
        verbose_name_plural = _("repair reminders")
        ordering = ["repair", "due_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["repair", "kind", "due_on"],
                                    name="repair_reminder_once"),
            models.UniqueConstraint(fields=["repair", "kind"], condition=Q(kind="overdue"),
                                    name="repair_overdue_once"),
        ]

    def __str__(self) -> str:
        return f"{self.repair_id} · {self.kind} · {self.due_on}"
