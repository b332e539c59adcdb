"""Per-contract rules for the check-in proof (issue 16.2): what the contract demands."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

DEFAULT_RADIUS_M = 500


class VisitPolicy(models.Model):
    """What a check-in must carry on one contract. Without a row the defaults below apply:
    everything is recorded, nothing is required, 500 m counts as on site."""

    contract = models.OneToOneField("sla.Contract", on_delete=models.CASCADE,
                                    related_name="visit_policy", verbose_name=_("contract"))
    requires_location = models.BooleanField(
        _("requires the location"), default=False,
        help_text=_("Refuse a check-in without the phone's position."))
    requires_tag_scan = models.BooleanField(
        _("requires a tag scan"), default=False,
        help_text=_("Refuse a check-in without a scanned asset label."))
    requires_photo = models.BooleanField(
        _("requires a photo"), default=False,
        help_text=_("Refuse a check-in without a photo taken on site."))
    radius_m = models.PositiveIntegerField(
        _("radius (m)"), default=DEFAULT_RADIUS_M,
        help_text=_("How far from the site's coordinates a check-in still counts as on site."))

    class Meta:
        verbose_name = _("visit policy")
        verbose_name_plural = _("visit policies")

    def __str__(self) -> str:
        return str(self.contract)
