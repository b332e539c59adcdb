"""The asset register (A1, A2): what is installed where, who holds it, and how it is related."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Department, Site
from core.models import BilingualName, Versioned
from sla.models import Contract


class AssetType(BilingualName):
    """PC, laptop, printer, server… with the specification fields an asset of the type has."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    spec_fields = models.JSONField(
        _("specification fields"), default=list, blank=True,
        help_text=_('A list of {"key": "cpu", "name": "处理器", "name_en": "CPU"} objects.'))
    ordering = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("asset type")
        verbose_name_plural = _("asset types")
        ordering = ["ordering", "code"]

    def spec_keys(self) -> list[str]:
        return [field["key"] for field in self.spec_fields or []]


class AssetStatus(models.TextChoices):
    IN_USE = "in_use", _("In use")
    SPARE = "spare", _("Spare")
    IN_REPAIR = "in_repair", _("In repair")
    RETIRED = "retired", _("Retired")


class Criticality(models.TextChoices):
    CORE = "core", _("Core")
    NON_CORE = "non_core", _("Non-core")
    KEY_USER = "key_user", _("Key user")


class Asset(Versioned):
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="assets",
                                 verbose_name=_("contract"))
    tag = models.CharField(_("asset tag"), max_length=64, blank=True,
                           help_text=_("The label on the device (资产标签); unique when given."))
    name = models.CharField(_("name"), max_length=200)
    asset_type = models.ForeignKey(AssetType, on_delete=models.PROTECT, related_name="assets",
                                   verbose_name=_("type"))
    manufacturer = models.CharField(_("manufacturer"), max_length=100, blank=True)
    model = models.CharField(_("model"), max_length=100, blank=True)
    serial = models.CharField(_("serial number"), max_length=100, blank=True)
    part_number = models.CharField(_("part number (PN)"), max_length=100, blank=True)
    specs = models.JSONField(_("specifications"), default=dict, blank=True)
    software = models.TextField(_("software versions"), blank=True)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="assets", verbose_name=_("site"))
    location = models.CharField(_("location"), max_length=200, blank=True,
                                help_text=_("Room, desk or rack position."))
    department = models.ForeignKey(Department, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="assets", verbose_name=_("department"))
    custodian = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                  blank=True, related_name="held_assets",
                                  verbose_name=_("custodian"))
    status = models.CharField(_("status"), max_length=16, choices=AssetStatus.choices,
                              default=AssetStatus.IN_USE)
    criticality = models.CharField(_("criticality"), max_length=16, choices=Criticality.choices,
                                   default=Criticality.NON_CORE)
    purchase_date = models.DateField(_("purchase date"), null=True, blank=True)
    warranty_end = models.DateField(_("warranty end"), null=True, blank=True)
    warranty_vendor = models.CharField(_("warranty vendor"), max_length=100, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    recurring_fault = models.BooleanField(
        _("recurring fault"), default=False,
        help_text=_("Set when the same fault came back within the recurrence window."))
    warranty_notice_for = models.DateField(
        _("warranty notice sent for"), null=True, blank=True, editable=False,
        help_text=_("The warranty end the PM was told about, so the notice goes out once."))
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))
    history = HistoricalRecords(excluded_fields=["updated_at", "version"])

    class Meta:
        verbose_name = _("asset")
        verbose_name_plural = _("assets")
        ordering = ["contract", "tag", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["tag"], condition=~Q(tag=""),
                                    name="asset_unique_tag"),
            models.UniqueConstraint(fields=["contract", "serial"], condition=~Q(serial=""),
                                    name="asset_unique_serial"),
        ]
        indexes = [
            models.Index(fields=["contract", "tag", "id"], name="asset_contract_tag"),
            models.Index(fields=["contract", "status"], name="asset_contract_status"),
            models.Index(fields=["serial"], name="asset_serial"),
            models.Index(fields=["custodian"], name="asset_custodian"),
            models.Index(fields=["warranty_end"], name="asset_warranty_live",
                         condition=~Q(status="retired")),
        ]

    def __str__(self) -> str:
        return f"{self.tag} {self.name}" if self.tag else self.name

    @property
    def label(self) -> str:
        return str(self)


class AssetRelation(models.Model):
    """An edge of the configuration map: a VM runs on a host, a PC is connected to a switch."""

    class Kind(models.TextChoices):
        RUNS_ON = "runs_on", _("runs on")
        CONNECTED_TO = "connected_to", _("is connected to")
        PART_OF = "part_of", _("is part of")

    source = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="relations_out",
                               verbose_name=_("asset"))
    kind = models.CharField(_("relation"), max_length=16, choices=Kind.choices)
    target = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="relations_in",
                               verbose_name=_("related asset"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("asset relation")
        verbose_name_plural = _("asset relations")
        constraints = [
            models.UniqueConstraint(fields=["source", "kind", "target"],
                                    name="asset_relation_once"),
            models.CheckConstraint(condition=~Q(source=models.F("target")),
                                   name="asset_relation_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.get_kind_display()} {self.target}"
