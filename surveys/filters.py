"""The complaint register's filters: one FilterSet for its page and ``GET /api/complaints/``.

It filters a queryset the selectors have already scoped (complaints_visible_to). A bad value: the
API answers 400 naming the parameter; the page ignores it."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from core.filters import FilterSet, Flag
from surveys.models import Complaint
from surveys.quarters import quarter_bounds
from surveys.selectors.complaints import QUARTER, ComplaintFilters, overdue_q


class QuarterField(forms.RegexField):
    """2026Q4 (2026q4 too)."""

    def __init__(self, **kwargs):
        super().__init__(regex=QUARTER, **kwargs)

    def to_python(self, value):
        return super().to_python(value).upper()


class QuarterFilter(django_filters.CharFilter):
    field_class = QuarterField


class ComplaintFilterSet(FilterSet):
    """status, contract (code), quarter (received in, e.g. 2026Q4), overdue; the API also
    channel and major."""

    status = django_filters.ChoiceFilter(choices=Complaint.Status.choices, label=_("Status"))
    contract = django_filters.CharFilter(field_name="contract__code", max_length=40,
                                         label=_("Contract"))
    quarter = QuarterFilter(method="received_in", label=_("Quarter"))
    overdue = django_filters.BooleanFilter(method="only_overdue", widget=Flag,
                                           label=_("Overdue only"))

    class Meta:
        model = Complaint
        fields = ["status", "channel", "major"]

    def received_in(self, queryset, name, value):
        match = QUARTER.match(value)
        start, end = quarter_bounds(int(match[1]), int(match[2]))
        return queryset.filter(received_at__gte=start, received_at__lt=end)

    def only_overdue(self, queryset, name, value):
        return queryset.filter(overdue_q()) if value else queryset

    @property
    def values(self) -> ComplaintFilters:
        """The accepted filters, for the page's own filter bar and counters."""
        self.form.is_valid()  # cleaned_data keeps the valid fields of an invalid form
        data = self.form.cleaned_data
        return ComplaintFilters(status=data.get("status") or "",
                                contract=(data.get("contract") or "").strip(),
                                quarter=data.get("quarter") or "",
                                overdue=bool(data.get("overdue")))
