"""Parts requested to site (备件领用, issue 16.5): an engineer asks the store for a part for a
ticket (optionally a visit); it is needed by now + the contract's hours for the ticket's
priority; the store issues it (a stock movement through the assets store services) and the
delivery to the engineer is recorded."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PartRequestStatus(models.TextChoices):
    OPEN = "open", _("requested")
    ISSUED = "issued", _("issued from the store")
    DELIVERED = "delivered", _("delivered")
    CANCELLED = "cancelled", _("cancelled")


class PartRequest(models.Model):
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.PROTECT,
                               related_name="part_requests", verbose_name=_("ticket"))
    # The ticket's contract, kept here so the KPI figures never read the tickets table.
    contract = models.ForeignKey("sla.Contract", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("contract"))
    visit = models.ForeignKey("fieldservice.Visit", on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="part_requests", verbose_name=_("visit"))
    part = models.ForeignKey("assets.Part", on_delete=models.PROTECT, related_name="requests",
                             verbose_name=_("part"))
    quantity = models.PositiveIntegerField(_("quantity"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=PartRequestStatus.choices,
                              default=PartRequestStatus.OPEN)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested at"))
    needed_by = models.DateTimeField(_("needed by"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="+",
                                  verbose_name=_("issued by"))
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    movement = models.ForeignKey("assets.StockMovement", on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="+", verbose_name=_("stock movement"))
    delivered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("delivered by"))
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("part request")
        verbose_name_plural = _("part requests")
        ordering = ["needed_by", "pk"]
        indexes = [
            models.Index(fields=["contract", "needed_by"], name="part_request_contract"),
            # The store's list: open requests, the most urgent first.
            models.Index(fields=["needed_by"], name="part_request_open",
                         condition=Q(status__in=["open", "issued"])),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} · {self.part_id} × {self.quantity}"

    @property
    def on_time(self) -> bool | None:
        """Delivered by the deadline (None while not delivered)."""
        if self.delivered_at is None:
            return None
        return self.delivered_at <= self.needed_by
