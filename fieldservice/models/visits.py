"""A visit: one engineer's trip to the ticket's site, with the proof recorded at check-in."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LocationCheck(models.TextChoices):
    """How the browser's position at check-in compares with the site (recorded, never blocking
    unless the contract requires a location)."""

    NONE = "none", _("no location")
    IN_RANGE = "in_range", _("at the site")
    OUT_OF_RANGE = "out_of_range", _("away from the site")
    INACCURATE = "inaccurate", _("position too inaccurate")
    SITE_UNKNOWN = "site_unknown", _("site position unknown")


class Visit(models.Model):
    """One engineer on site for a ticket: planned, checked in (with proof), checked out."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="visits",
                               verbose_name=_("ticket"))
    engineer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="visits", verbose_name=_("engineer"))
    # The ticket's contract, copied when the visit is saved: the KPI dashboard counts
    # arrivals with proof from this table alone, never reading the tickets (kpi/dashboard.py).
    contract = models.ForeignKey("sla.Contract", on_delete=models.PROTECT, null=True,
                                 blank=True, editable=False, related_name="+",
                                 verbose_name=_("contract"))
    planned_at = models.DateTimeField(_("planned for"), null=True, blank=True)
    planned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("planned by"))
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    # Proof of arrival (issue 16.2).
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True,
                                   blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True,
                                    blank=True)
    accuracy_m = models.PositiveIntegerField(_("accuracy (m)"), null=True, blank=True)
    distance_m = models.PositiveIntegerField(_("distance from the site (m)"), null=True,
                                             blank=True)
    location_check = models.CharField(_("location check"), max_length=16,
                                      choices=LocationCheck.choices, default=LocationCheck.NONE)
    scanned_tag = models.CharField(_("scanned asset tag"), max_length=64, blank=True)
    tag_matches = models.BooleanField(_("scanned tag matches"), null=True, blank=True)
    photo = models.ForeignKey("tickets.Attachment", on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="+", verbose_name=_("photo"))
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["ticket", "checked_in_at", "planned_at", "pk"]
        indexes = [
            # The engineer's phone home: today's visits in order.
            models.Index(fields=["engineer", "planned_at"], name="visit_engineer_planned"),
            # The arrival-with-proof figure: one contract's check-ins over a period.
            models.Index(fields=["contract", "checked_in_at"], name="visit_contract_checkin"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} · {self.engineer_id}"

    def save(self, *args, **kwargs):
        if self.contract_id is None and self.ticket_id is not None:
            self.contract_id = self.ticket.contract_id
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "contract"}
        super().save(*args, **kwargs)

    @property
    def minutes_on_site(self) -> int | None:
        if self.checked_in_at is None or self.checked_out_at is None:
            return None
        return max(0, int((self.checked_out_at - self.checked_in_at).total_seconds() // 60))

    @property
    def location_flagged(self) -> bool:
        """Recorded but worth a look: the position was away from the site or too vague."""
        return self.location_check in {LocationCheck.OUT_OF_RANGE, LocationCheck.INACCURATE}

    @property
    def has_proof(self) -> bool:
        """Arrival with proof (the KPI): a position at the site, a matching tag, or a photo."""
        return (self.location_check == LocationCheck.IN_RANGE or bool(self.tag_matches)
                or self.photo_id is not None)
