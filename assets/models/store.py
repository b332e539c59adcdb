"""The spare-part store (备件库, A7) and loaner devices (备用机).

Stock is never a stored number: it is the sum of an append-only ledger of movements, so every
part in or out has a who, when and why, and nothing can quietly edit a count.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Site
from assets.models.register import Asset
from sla.models import Contract


class StockLocation(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT,
                                 related_name="stock_locations", verbose_name=_("contract"))
    name = models.CharField(_("name"), max_length=120)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name=_("site"))

    class Meta:
        verbose_name = _("stock location")
        verbose_name_plural = _("stock locations")
        ordering = ["contract", "name"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "name"], name="stock_location_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Part(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="parts",
                                 verbose_name=_("contract"))
    code = models.CharField(_("part code"), max_length=64)
    name = models.CharField(_("name"), max_length=200)
    compatible_models = models.TextField(
        _("compatible models"), blank=True,
        help_text=_("Device models this part fits, one per line."))
    unit = models.CharField(_("unit"), max_length=16, default="个")
    min_level = models.PositiveIntegerField(
        _("minimum stock"), default=0,
        help_text=_("Below this, a restock request is raised, due in the restock lead time."))
    restock_days = models.PositiveSmallIntegerField(_("restock lead time (days)"), default=3)
    holds_data = models.BooleanField(
        _("holds data"), default=False,
        help_text=_("Disks and the like: a replaced one stays with the client."))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("spare part")
        verbose_name_plural = _("spare parts")
        ordering = ["contract", "code"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "code"], name="part_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class StockMovement(models.Model):
    """One line of the ledger. Rows are only ever added; corrections are new rows."""

    class Kind(models.TextChoices):
        RECEIVE = "receive", _("Received")
        ISSUE = "issue", _("Issued to a ticket")
        RETURN_UNUSED = "return_unused", _("Returned unused")
        TRANSFER_OUT = "transfer_out", _("Transferred out")
        TRANSFER_IN = "transfer_in", _("Transferred in")
        WRITE_OFF = "write_off", _("Written off")
        COUNT_CORRECTION = "count_correction", _("Stock-take correction")

    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="movements",
                             verbose_name=_("part"))
    location = models.ForeignKey(StockLocation, on_delete=models.PROTECT,
                                 related_name="movements", verbose_name=_("location"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    quantity = models.IntegerField(_("quantity"),
                                   help_text=_("Positive into the store, negative out of it."))
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="part_movements", verbose_name=_("ticket"))
    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="part_movements", verbose_name=_("asset"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="+", verbose_name=_("by"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(quantity=0), name="movement_not_zero"),
            models.CheckConstraint(condition=~Q(kind="issue") | Q(ticket__isnull=False),
                                   name="movement_issue_has_ticket"),
        ]
        indexes = [models.Index(fields=["part", "location"], name="movement_part_location")]

    def __str__(self) -> str:
        return f"{self.part} {self.quantity:+d} {self.location}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Stock movements are append-only; record a correction instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Stock movements are append-only; record a correction instead.")


class BadPart(models.Model):
    """The faulty part taken out when a spare was fitted, and where it went."""

    class Disposition(models.TextChoices):
        TO_VENDOR = "to_vendor", _("Returned to the vendor")
        KEPT_BY_CLIENT = "kept_by_client", _("Kept by the client (holds data)")
        SCRAPPED = "scrapped", _("Scrapped")

    issue = models.OneToOneField(StockMovement, on_delete=models.PROTECT,
                                 related_name="bad_part", verbose_name=_("issue"))
    serial = models.CharField(_("serial number of the bad part"), max_length=100, blank=True)
    disposition = models.CharField(_("disposition"), max_length=16,
                                   choices=Disposition.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="+", verbose_name=_("by"))
    created_at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("bad part")
        verbose_name_plural = _("bad parts")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.issue.part} {self.serial}".strip()


class RestockRequest(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        FULFILLED = "fulfilled", _("Fulfilled")
        CANCELLED = "cancelled", _("Cancelled")

    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="restock_requests",
                             verbose_name=_("part"))
    quantity = models.PositiveIntegerField(_("quantity"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.OPEN)
    raised_at = models.DateTimeField(_("raised at"))
    due_at = models.DateTimeField(_("due at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("restock request")
        verbose_name_plural = _("restock requests")
        ordering = ["due_at"]
        constraints = [
            models.UniqueConstraint(fields=["part"], condition=Q(status="open"),
                                    name="restock_one_open_per_part"),
        ]

    def __str__(self) -> str:
        return f"{self.part} × {self.quantity}"


class Loan(models.Model):
    """A loaner device (备用机) lent while the user's own is being repaired."""

    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="loans",
                              verbose_name=_("loaner device"))
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.PROTECT, related_name="loans",
                               verbose_name=_("ticket"))
    borrower = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="loans", verbose_name=_("borrower"))
    lent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                related_name="+", verbose_name=_("lent by"))
    lent_at = models.DateTimeField(_("lent at"))
    due_back = models.DateField(_("due back"))
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    returned_to = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("returned to"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("loan")
        verbose_name_plural = _("loans")
        ordering = ["-lent_at"]
        constraints = [
            models.UniqueConstraint(fields=["asset"], condition=Q(returned_at__isnull=True),
                                    name="loan_one_open_per_asset"),
        ]

    def __str__(self) -> str:
        return f"{self.asset} → {self.borrower}"
