"""The asset register's list filters: one FilterSet for the register page, its label sheet, its
export and the API (``GET /api/.../assets/``), so the query-string contract is parsed in one
place; and the inspection rounds' (``/inspections/?view=all`` and ``GET /api/inspection-rounds/``).

It filters a queryset the selectors have already scoped (assets/selectors/register.py); the
choices it accepts (contracts, sites, departments) are scoped to the caller too, so a value from
another contract is a bad value: the API answers 400 naming the parameter, the page ignores it."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, Site
from assets.models import Asset, AssetStatus, AssetType, Criticality, InspectionRound
from assets.selectors.register import warranty_q
from core.filters import FilterSet, Flag
from core.forms import BootstrapForm
from sla.models import Contract
from sla.selectors import contracts_visible_to

SEARCH_MAX = 100
WARRANTY_CHOICES = [("valid", _("In warranty")), ("expiring", _("Warranty ending soon")),
                    ("expired", _("Out of warranty")), ("unknown", _("Warranty unknown"))]


def _contracts(request) -> QuerySet[Contract]:
    return contracts_visible_to(getattr(request, "user", None))


def _clients(request):
    return _contracts(request).values("client_id")


def _sites(request) -> QuerySet[Site]:
    return Site.objects.filter(organisation_id__in=_clients(request))


def _departments(request) -> QuerySet[Department]:
    return Department.objects.filter(organisation_id__in=_clients(request))


class AssetFilterSet(FilterSet):
    """contract (code), q (tag, serial, name, model), type (code), site, department (ids),
    status (retired ones only when asked for), criticality, warranty (valid / expiring /
    expired / unknown), recurring."""

    contract = django_filters.ModelChoiceFilter(queryset=_contracts, to_field_name="code",
                                                label=_("Contract"))
    q = django_filters.CharFilter(method="search", label=_("Search"))
    type = django_filters.ModelChoiceFilter(field_name="asset_type", to_field_name="code",
                                            queryset=AssetType.objects.all(), label=_("Type"))
    site = django_filters.ModelChoiceFilter(queryset=_sites, label=_("Site"))
    department = django_filters.ModelChoiceFilter(queryset=_departments, label=_("Department"))
    status = django_filters.ChoiceFilter(choices=AssetStatus.choices, label=_("Status"))
    criticality = django_filters.ChoiceFilter(choices=Criticality.choices,
                                              label=_("Criticality"))
    warranty = django_filters.ChoiceFilter(choices=WARRANTY_CHOICES, method="in_warranty_state",
                                           label=_("Warranty"))
    recurring = django_filters.BooleanFilter(method="only_recurring", widget=Flag,
                                             label=_("Recurring faults only"))

    class Meta:
        model = Asset
        fields: list[str] = []

    def search(self, queryset, name, value):
        """An exact tag or serial is one index lookup; other text matches tag, serial, name and
        model anywhere (trigram indexes serve these on PostgreSQL, migration 0002)."""
        text = value.strip()[:SEARCH_MAX]
        if not text:
            return queryset
        exact = list(queryset.filter(Q(tag=text) | Q(serial=text))
                     .values_list("pk", flat=True)[:51])
        if exact:
            return queryset.filter(pk__in=exact)
        return queryset.filter(Q(tag__icontains=text) | Q(serial__icontains=text)
                               | Q(name__icontains=text) | Q(model__icontains=text))

    def in_warranty_state(self, queryset, name, value):
        return queryset.filter(warranty_q(value))

    def only_recurring(self, queryset, name, value):
        return queryset.filter(recurring_fault=True) if value else queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("status"):
            queryset = queryset.exclude(status=AssetStatus.RETIRED)
        return queryset

    @property
    def values(self) -> dict:
        """The accepted filters as the page's own form shows them (codes and ids, not rows)."""
        self.form.is_valid()  # cleaned_data keeps the valid fields of an invalid form
        data = self.form.cleaned_data
        return {
            "contract": data["contract"].code if data.get("contract") else "",
            "q": (data.get("q") or "").strip()[:SEARCH_MAX],
            "asset_type": data["type"].code if data.get("type") else "",
            "site": data["site"].pk if data.get("site") else None,
            "department": data["department"].pk if data.get("department") else None,
            "status": data.get("status") or "", "criticality": data.get("criticality") or "",
            "warranty": data.get("warranty") or "", "recurring": bool(data.get("recurring")),
        }


class RoundFilterSet(FilterSet):
    """The inspection rounds' filters, for the rounds page (its "all rounds" view) and
    ``GET /api/inspection-rounds/``: contract (code), status, kind, due_from / due_to (due on or
    after / on or before; the API's older spellings due_after / due_before too), due_on, plan and
    assignee (ids), mine (assigned to the caller)."""

    contract = django_filters.CharFilter(field_name="contract__code", max_length=40,
                                         label=_("Contract"))
    status = django_filters.ChoiceFilter(choices=InspectionRound.Status.choices,
                                         empty_label=_("Any status"), label=_("Status"))
    kind = django_filters.ChoiceFilter(choices=InspectionRound.Kind.choices,
                                       empty_label=_("Any kind"), label=_("Kind"))
    due_from = django_filters.DateFilter(field_name="due_on", lookup_expr="gte",
                                         label=_("Due from"),
                                         widget=forms.DateInput(attrs={"type": "date"}))
    due_to = django_filters.DateFilter(field_name="due_on", lookup_expr="lte",
                                       label=_("Due to"),
                                       widget=forms.DateInput(attrs={"type": "date"}))
    due_after = django_filters.DateFilter(field_name="due_on", lookup_expr="gte",
                                          label=_("Due from"))
    due_before = django_filters.DateFilter(field_name="due_on", lookup_expr="lte",
                                           label=_("Due to"))
    due_on = django_filters.DateFilter(field_name="due_on", label=_("Due on"))
    # Asked for by id (the rows are scoped already), so no unscoped choice list is built.
    plan = django_filters.NumberFilter(field_name="plan_id", label=_("Plan"))
    assignee = django_filters.NumberFilter(field_name="assignee_id", label=_("Assignee"))
    mine = django_filters.BooleanFilter(method="only_mine", widget=Flag,
                                        label=_("Assigned to me"))

    class Meta:
        model = InspectionRound
        fields: list[str] = []
        form = BootstrapForm

    def only_mine(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        return queryset.filter(assignee_id=user.pk) if value and user is not None else queryset
