"""The daily rollup (K1): what happened per contract × day × service type × priority × engineer.

Every dashboard, the summary API, the scorecards and the reports read these rows, never the raw
tickets. `kpi/services/rollup.py` rebuilds them from the tickets, SLA clocks, surveys and
complaints (a beat job every few minutes for the recent days, and on demand for any range). Each
event is counted on the day (Asia/Shanghai, settings.TIME_ZONE) it happened: a ticket is "opened"
on the day it was created and "resolved" on the day it was resolved; a clock's outcome on the day
it stopped or breached; a survey on the day it was sent; a complaint on the day it was received.
The engineer is the ticket's assignee (the survey's and complaint's engineer for those counts).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sla.models import Contract

# Measures summed by the dashboards, in the order the rollup builder fills them.
MEASURES = (
    "opened", "resolved", "resolved_first_line", "resolved_reopened", "resolve_seconds",
    "response_met", "response_breached", "arrival_met", "arrival_breached",
    "resolution_met", "resolution_breached", "fault_resolution_met", "fault_resolution_breached",
    "surveys_sent", "surveys_answered", "surveys_satisfied",
    "complaints", "major_complaints",
)


class _Dimensions(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="+",
                                 verbose_name=_("contract"))
    day = models.DateField(_("day"))
    service_type = models.ForeignKey("tickets.ServiceType", on_delete=models.CASCADE, null=True,
                                     blank=True, related_name="+",
                                     verbose_name=_("service type"))
    # 0: not about one ticket (a complaint without a ticket).
    priority = models.PositiveSmallIntegerField(_("priority"), default=0)
    engineer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True,
                                 blank=True, related_name="+", verbose_name=_("engineer"))

    class Meta:
        abstract = True


class _Measures(models.Model):
    """What happened, summed: the MEASURES, and when the row was rebuilt."""

    opened = models.PositiveIntegerField(_("tickets opened"), default=0)
    resolved = models.PositiveIntegerField(_("tickets resolved"), default=0)
    resolved_first_line = models.PositiveIntegerField(_("resolved at the desk"), default=0)
    resolved_reopened = models.PositiveIntegerField(_("resolved after a reopen"), default=0)
    resolve_seconds = models.BigIntegerField(
        _("seconds from creation to resolution"), default=0,
        help_text=_("Natural time, summed over the tickets resolved that day (for MTTR)."))
    response_met = models.PositiveIntegerField(_("response clocks met"), default=0)
    response_breached = models.PositiveIntegerField(_("response clocks breached"), default=0)
    arrival_met = models.PositiveIntegerField(_("arrival clocks met"), default=0)
    arrival_breached = models.PositiveIntegerField(_("arrival clocks breached"), default=0)
    resolution_met = models.PositiveIntegerField(_("resolution clocks met"), default=0)
    resolution_breached = models.PositiveIntegerField(_("resolution clocks breached"), default=0)
    fault_resolution_met = models.PositiveIntegerField(_("faults resolved in time"), default=0)
    fault_resolution_breached = models.PositiveIntegerField(_("faults resolved late"), default=0)
    surveys_sent = models.PositiveIntegerField(_("surveys sent"), default=0)
    surveys_answered = models.PositiveIntegerField(_("surveys answered"), default=0)
    surveys_satisfied = models.PositiveIntegerField(_("satisfied answers (4–5)"), default=0)
    complaints = models.PositiveIntegerField(_("complaints"), default=0)
    major_complaints = models.PositiveIntegerField(_("major complaints"), default=0)
    refreshed_at = models.DateTimeField(_("refreshed at"))

    class Meta:
        abstract = True


class DailyRollup(_Dimensions, _Measures):
    class Meta:
        verbose_name = _("daily KPI rollup")
        verbose_name_plural = _("daily KPI rollups")
        indexes = [models.Index(fields=["contract", "day"], name="rollup_contract_day"),
                   models.Index(fields=["engineer", "day"], name="rollup_engineer_day")]

    def __str__(self) -> str:
        return f"{self.contract_id} {self.day}"


class MonthlyRollup(_Measures):
    """The daily rollup summed per contract × month × service type × engineer (priority
    dropped): what the quarter's and the year's dashboards read. A contract's quarter is ~6,000
    daily rows at 1,000,000 tickets, and summing them was most of the dashboard's database time
    (bench/README.md, issue 19); here it is a few hundred. kpi/services/rollup.py rebuilds the
    months a refresh touches from the daily rows, in the same transaction, so the two agree."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="+",
                                 verbose_name=_("contract"))
    month = models.DateField(_("month"), help_text=_("Its first day."))
    service_type = models.ForeignKey("tickets.ServiceType", on_delete=models.CASCADE, null=True,
                                     blank=True, related_name="+",
                                     verbose_name=_("service type"))
    engineer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True,
                                 blank=True, related_name="+", verbose_name=_("engineer"))

    class Meta:
        verbose_name = _("monthly KPI rollup")
        verbose_name_plural = _("monthly KPI rollups")
        indexes = [models.Index(fields=["contract", "month"], name="monthly_contract_month")]

    def __str__(self) -> str:
        return f"{self.contract_id} {self.month}"


class BacklogSnapshot(_Dimensions):
    """Tickets open at the end of a day (now, for today) and how long they had been open."""

    open = models.PositiveIntegerField(_("open tickets"), default=0)
    over_1d = models.PositiveIntegerField(_("open for more than a day"), default=0)
    over_3d = models.PositiveIntegerField(_("open for more than 3 days"), default=0)
    over_7d = models.PositiveIntegerField(_("open for more than 7 days"), default=0)
    taken_at = models.DateTimeField(_("taken at"))

    class Meta:
        verbose_name = _("backlog snapshot")
        verbose_name_plural = _("backlog snapshots")
        indexes = [models.Index(fields=["contract", "day"], name="backlog_contract_day")]

    def __str__(self) -> str:
        return f"{self.contract_id} {self.day} {self.open}"


class AssetFaultRollup(models.Model):
    """Fault tickets on registered assets per contract × day × asset (K4: failure rate, MTBF)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="+",
                                 verbose_name=_("contract"))
    day = models.DateField(_("day"))
    asset_type = models.ForeignKey("assets.AssetType", on_delete=models.CASCADE,
                                   related_name="+", verbose_name=_("asset type"))
    # Per device, so the failure rate can count devices that failed (not faults) over any period.
    asset = models.ForeignKey("assets.Asset", on_delete=models.CASCADE, null=True,
                              related_name="+", verbose_name=_("asset"))
    faults = models.PositiveIntegerField(_("faults"), default=0)
    downtime_seconds = models.BigIntegerField(
        _("downtime (seconds)"), default=0,
        help_text=_("From the creation to the resolution of the resolved faults, for "
                    "availability."))
    refreshed_at = models.DateTimeField(_("refreshed at"))

    class Meta:
        verbose_name = _("asset fault rollup")
        verbose_name_plural = _("asset fault rollups")
        indexes = [models.Index(fields=["contract", "day"], name="assetfault_contract_day")]

    def __str__(self) -> str:
        return f"{self.contract_id} {self.day} {self.asset_type_id}"
