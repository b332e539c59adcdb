"""Inspections (巡检, A6): plans generate rounds; a round holds one record per asset, a record one
result per checklist item. A failed item opens a ticket on the asset."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from assets.models.register import Asset, AssetType, Criticality
from core.models import BilingualName
from sla.models import Contract


class Frequency(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    HALF_YEARLY = "half_yearly", _("Half-yearly")


class ChecklistTemplate(models.Model):
    name = models.CharField(_("name"), max_length=120)
    asset_type = models.ForeignKey(AssetType, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="checklists", verbose_name=_("asset type"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("checklist template")
        verbose_name_plural = _("checklist templates")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ChecklistItem(BilingualName):
    template = models.ForeignKey(ChecklistTemplate, on_delete=models.CASCADE,
                                 related_name="items", verbose_name=_("checklist"))
    ordering = models.PositiveSmallIntegerField(_("order"), default=0)
    guidance = models.CharField(_("what to look for"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["template", "ordering", "pk"]


class InspectionPlan(models.Model):
    """Which assets are inspected how often, against which checklist, by whom."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT,
                                 related_name="inspection_plans", verbose_name=_("contract"))
    name = models.CharField(_("name"), max_length=120)
    frequency = models.CharField(_("frequency"), max_length=16, choices=Frequency.choices)
    template = models.ForeignKey(ChecklistTemplate, on_delete=models.PROTECT,
                                 related_name="plans", verbose_name=_("checklist"))
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="inspection_plans",
                                 verbose_name=_("engineer"))
    # The asset selection: every live asset of the contract matching all the filters given,
    # plus any picked by hand.
    asset_type = models.ForeignKey(AssetType, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("asset type"))
    criticality = models.CharField(_("criticality"), max_length=16, choices=Criticality.choices,
                                   blank=True)
    site = models.ForeignKey("accounts.Site", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name=_("site"))
    assets = models.ManyToManyField(Asset, blank=True, related_name="inspection_plans",
                                    verbose_name=_("assets picked by hand"))
    pre_holiday = models.BooleanField(
        _("extra round before long holidays"), default=False,
        help_text=_("Before National Day, New Year and Spring Festival."))
    starts_on = models.DateField(_("starts on"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("inspection plan")
        verbose_name_plural = _("inspection plans")
        ordering = ["contract", "name"]

    def __str__(self) -> str:
        return self.name


class InspectionRound(models.Model):
    class Kind(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        PRE_HOLIDAY = "pre_holiday", _("Before a holiday")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")

    plan = models.ForeignKey(InspectionPlan, on_delete=models.CASCADE, related_name="rounds",
                             verbose_name=_("plan"))
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT,
                                 related_name="inspection_rounds", verbose_name=_("contract"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices,
                            default=Kind.SCHEDULED)
    period_start = models.DateField(_("period start"))
    due_on = models.DateField(_("due on"))
    holiday = models.CharField(_("holiday"), max_length=40, blank=True)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="inspection_rounds",
                                 verbose_name=_("engineer"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices,
                              default=Status.OPEN)
    created_at = models.DateTimeField(_("created at"))
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("inspection round")
        verbose_name_plural = _("inspection rounds")
        ordering = ["due_on", "pk"]
        constraints = [
            # Generating twice (two beat processes, a rerun) never makes a second round.
            models.UniqueConstraint(fields=["plan", "kind", "period_start"],
                                    name="inspection_round_once"),
        ]
        indexes = [
            models.Index(fields=["assignee", "due_on"], name="round_open_assignee",
                         condition=Q(status="open")),
            models.Index(fields=["contract", "due_on"], name="round_contract_due"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} {self.period_start:%Y-%m-%d}"


class InspectionRecord(models.Model):
    class Outcome(models.TextChoices):
        PENDING = "pending", _("Not inspected yet")
        PASSED = "passed", _("Passed")
        FAILED = "failed", _("Failed")

    round = models.ForeignKey(InspectionRound, on_delete=models.CASCADE, related_name="records",
                              verbose_name=_("round"))
    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="inspections",
                              verbose_name=_("asset"))
    outcome = models.CharField(_("outcome"), max_length=8, choices=Outcome.choices,
                               default=Outcome.PENDING)
    notes = models.TextField(_("notes"), blank=True)
    inspected_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("inspected by"))
    inspected_at = models.DateTimeField(_("inspected at"), null=True, blank=True)
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="inspection_records",
                               verbose_name=_("ticket opened"))

    class Meta:
        verbose_name = _("inspection record")
        verbose_name_plural = _("inspection records")
        ordering = ["round", "asset__tag", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "asset"], name="inspection_record_once"),
        ]

    def __str__(self) -> str:
        return f"{self.round} {self.asset}"


class InspectionResult(models.Model):
    class Outcome(models.TextChoices):
        PASS = "pass", _("Pass")
        FAIL = "fail", _("Fail")
        NOT_APPLICABLE = "na", _("Not applicable")

    record = models.ForeignKey(InspectionRecord, on_delete=models.CASCADE,
                               related_name="results", verbose_name=_("record"))
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("checklist item"))
    outcome = models.CharField(_("result"), max_length=4, choices=Outcome.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("inspection result")
        verbose_name_plural = _("inspection results")
        ordering = ["record", "item__ordering", "item_id"]
        constraints = [
            models.UniqueConstraint(fields=["record", "item"], name="inspection_result_once"),
        ]

    def __str__(self) -> str:
        return f"{self.record_id} {self.item_id} {self.outcome}"


class InspectionPhoto(models.Model):
    """A photo taken during an inspection, stored like ticket attachments (no public URL)."""

    record = models.ForeignKey(InspectionRecord, on_delete=models.CASCADE,
                               related_name="photos", verbose_name=_("record"))
    original_name = models.CharField(_("file name"), max_length=255)
    storage_name = models.CharField(_("stored as"), max_length=255, unique=True)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("uploaded by"))
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("inspection photo")
        verbose_name_plural = _("inspection photos")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name
