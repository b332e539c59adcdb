"""Contract KPI targets (K1): what each dashboard figure is held against, green or red.

The satisfaction target and the quarterly complaint limits live on the contract's survey policy
(surveys app, issue 6) and are edited on the same page; everything else is here. Percentages
are stored as percent (96.00), the dashboards compare fractions.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from sla.models import Contract

PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


def _percent(label, default, help_text=""):
    return models.DecimalField(label, max_digits=5, decimal_places=2, default=default,
                               validators=PERCENT, help_text=help_text)


class KpiTargets(models.Model):
    contract = models.OneToOneField(Contract, on_delete=models.CASCADE, related_name="kpi_targets",
                                    verbose_name=_("contract"))
    response_attainment = _percent(_("response in time (%)"), 95)
    arrival_attainment = _percent(_("on-site arrival in time (%)"), 95)
    resolution_attainment = _percent(_("resolution in time (%)"), 90)
    fault_resolution_rate = _percent(
        _("faults resolved within the working-time target (%)"), 96,
        help_text=_("Faults whose resolution clock was met (故障解决率)."))
    first_line_min = _percent(_("first-line resolution at least (%)"), 30)
    first_line_max = _percent(
        _("first-line resolution at most (%)"), 50,
        help_text=_("Above it the desk may be closing tickets it should dispatch."))
    reopen_rate_max = _percent(_("reopened at most (%)"), 5)
    mttr_max_minutes = models.PositiveIntegerField(_("MTTR at most (minutes)"), default=480)
    survey_response_min = _percent(_("survey response rate at least (%)"), 30)
    server_failure_rate_max = _percent(_("server failure rate at most (%)"), 1)
    mtbf_min_hours = models.PositiveIntegerField(_("MTBF at least (hours)"), default=5000)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("KPI targets")
        verbose_name_plural = _("KPI targets")

    def __str__(self) -> str:
        return str(self.contract)

    def clean(self):
        from django.core.exceptions import ValidationError

        if (self.first_line_min is not None and self.first_line_max is not None
                and self.first_line_min > self.first_line_max):
            raise ValidationError({"first_line_max": _("The upper bound is below the lower one.")})
