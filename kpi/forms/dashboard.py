"""The dashboard's period and filter form (GET) and the contract targets form (K1).

The period is a month (YYYY-MM), a quarter (YYYY-Qn), a year (YYYY) or a custom range of days
(from/to); invalid input is reported on the form and the current month is shown instead, never
an error page. The targets page edits the contract's KpiTargets and the satisfaction target and
complaint limits of its survey policy together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.periods import (
    month_bounds,
    quarter_bounds,
    quarter_of,
    today,
)
from kpi.models import KpiTargets
from kpi.selectors.dashboard import TEAM_DUTIES
from surveys.models import SurveyPolicy

PERIODS = [("month", _("Month")), ("quarter", _("Quarter")), ("year", _("Year")),
           ("custom", _("Custom"))]
MAX_CUSTOM_DAYS = 3 * 366
MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
QUARTER_RE = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)
YEAR_RE = re.compile(r"^(\d{4})$")
PERIOD_FIELDS = ("period", "month", "quarter", "year", "from_", "to")
YEARS = range(1900, 3000)  # far enough either way; keeps "next period" inside date's range


@dataclass
class Period:
    kind: str
    start: date
    end: date
    value: str  # month "2026-06", quarter "2026-Q2", year "2026", custom "" (from/to carry it)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def params(self) -> dict[str, str]:
        if self.kind == "custom":
            return {"period": "custom", "from": self.start.isoformat(),
                    "to": self.end.isoformat()}
        return {"period": self.kind, self.kind: self.value}

    def shifted(self, step: int) -> Period:
        """The previous (-1) or next (+1) period of the same kind."""
        if self.kind == "month":
            day = self.start - timedelta(days=1) if step < 0 else self.end + timedelta(days=1)
            return month_period(day.year, day.month)
        if self.kind == "quarter":
            day = self.start - timedelta(days=1) if step < 0 else self.end + timedelta(days=1)
            return quarter_period(*quarter_of(day))
        if self.kind == "year":
            return year_period(self.start.year + step)
        length = timedelta(days=self.days)
        return Period("custom", self.start + step * length, self.end + step * length, "")


def month_period(year: int, month: int) -> Period:
    start, end = month_bounds(year, month)
    return Period("month", start, end, f"{year:04d}-{month:02d}")


def quarter_period(year: int, quarter: int) -> Period:
    start, end = quarter_bounds(year, quarter)
    return Period("quarter", start, end, f"{year:04d}-Q{quarter}")


def year_period(year: int) -> Period:
    return Period("year", date(year, 1, 1), date(year, 12, 31), f"{year:04d}")


def default_period() -> Period:
    day = today()
    return month_period(day.year, day.month)


class DashboardForm(forms.Form):
    """The GET filters. Choices depend on the contract: its team and the service types."""

    period = forms.ChoiceField(label=pgettext_lazy("reporting period", "Period"),
                               choices=PERIODS, required=False)
    month = forms.CharField(label=_("Month"), required=False, max_length=7,
                            help_text=_("YYYY-MM"))
    quarter = forms.CharField(label=_("Quarter"), required=False, max_length=7,
                              help_text=_("YYYY-Qn"))
    year = forms.CharField(label=_("Year"), required=False, max_length=4)
    from_ = forms.DateField(label=_("From"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    to = forms.DateField(label=_("To"), required=False,
                         widget=forms.DateInput(attrs={"type": "date"}))
    engineer = forms.TypedChoiceField(label=_("Engineer"), required=False, coerce=int,
                                      empty_value=None)
    team = forms.ChoiceField(label=_("Team"), required=False)
    service_type = forms.TypedChoiceField(label=_("Service type"), required=False, coerce=int,
                                          empty_value=None)

    def __init__(self, data, *, engineers=(), service_types=()):
        data = data.copy() if data is not None else {}
        if "from" in data and "from_" not in data:
            data["from_"] = data.get("from")
        super().__init__(data)
        self.fields["engineer"].choices = [("", _("All engineers"))] + [
            (str(u.pk), u.display_name) for u in engineers]
        self.fields["team"].choices = [("", _("All teams"))] + [
            (duty.value, duty.label) for duty in TEAM_DUTIES]
        self.fields["service_type"].choices = [("", _("All service types"))] + [
            (str(s.pk), str(s)) for s in service_types]
        self.engineers = {u.pk: u for u in engineers}
        self.period = default_period()

    def clean_month(self):
        value = (self.cleaned_data.get("month") or "").strip()
        if not value:
            return None
        match = MONTH_RE.match(value)
        if not match or not 1 <= int(match[2]) <= 12 or int(match[1]) not in YEARS:
            raise forms.ValidationError(_("Enter a month as YYYY-MM."))
        return int(match[1]), int(match[2])

    def clean_quarter(self):
        value = (self.cleaned_data.get("quarter") or "").strip()
        if not value:
            return None
        match = QUARTER_RE.match(value)
        if not match or int(match[1]) not in YEARS:
            raise forms.ValidationError(_("Enter a quarter as YYYY-Qn, e.g. 2026-Q2."))
        return int(match[1]), int(match[2])

    def clean_year(self):
        value = (self.cleaned_data.get("year") or "").strip()
        if not value:
            return None
        if not YEAR_RE.match(value) or int(value) not in YEARS:
            raise forms.ValidationError(_("Enter a year as YYYY."))
        return int(value)

    def clean(self):
        data = super().clean()
        kind = data.get("period") or "month"
        current = today()
        if any(name in self.errors for name in PERIOD_FIELDS):
            return data
        if kind == "month":
            year, month = data.get("month") or (current.year, current.month)
            self.period = month_period(year, month)
        elif kind == "quarter":
            self.period = quarter_period(*(data.get("quarter") or quarter_of(current)))
        elif kind == "year":
            self.period = year_period(data.get("year") or current.year)
        else:
            start, end = data.get("from_"), data.get("to")
            if not start or not end:
                raise forms.ValidationError(_("A custom period needs both a start and an end."))
            if start.year not in YEARS or end.year not in YEARS:
                self.add_error("to", _("Enter dates between 1900 and 2999."))
                return data
            if end < start:
                self.add_error("to", _("The end is before the start."))
                return data
            if (end - start).days + 1 > MAX_CUSTOM_DAYS:
                self.add_error("to", _("A custom period is at most three years long."))
                return data
            self.period = Period("custom", start, end, "")
        return data

    def period_invalid(self) -> bool:
        return any(name in self.errors for name in (*PERIOD_FIELDS, "__all__"))

    def choice(self, name):
        """A filter's cleaned value, None when empty or invalid."""
        if name in self.errors:
            return None
        return getattr(self, "cleaned_data", {}).get(name) or None


@dataclass
class DashboardParams:
    """What a dashboard or drill-down shows: contract, period and filters, and links to it."""

    contract: object
    period: Period
    engineer: object = None
    team: str | None = None
    service_type_id: int | None = None
    form: DashboardForm | None = None

    def query(self, **overrides) -> str:
        params = {"contract": self.contract.code, **self.period.params()}
        if self.engineer is not None:
            params["engineer"] = str(self.engineer.pk)
        if self.team:
            params["team"] = self.team
        if self.service_type_id:
            params["service_type"] = str(self.service_type_id)
        for key, value in overrides.items():
            if value is None:
                params.pop(key, None)
            else:
                params[key] = str(value)
        return urlencode(params)

    def with_period(self, period: Period) -> str:
        params = {key: None for key in ("month", "quarter", "year", "from", "to")}
        params.update(period.params())
        return self.query(**params)


class KpiTargetsForm(forms.ModelForm):
    class Meta:
        model = KpiTargets
        fields = ["response_attainment", "arrival_attainment", "resolution_attainment",
                  "fault_resolution_rate", "first_line_min", "first_line_max", "reopen_rate_max",
                  "mttr_max_minutes", "survey_response_min", "server_failure_rate_max",
                  "mtbf_min_hours"]


class SurveyTargetsForm(forms.ModelForm):
    class Meta:
        model = SurveyPolicy
        fields = ["satisfaction_target", "complaint_limit", "major_complaint_limit"]
