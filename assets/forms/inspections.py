"""Forms for inspections: they parse and present; assets/services/inspections.py decides."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Site, User
from accounts.roles import Capability, can
from assets.models import (
    Asset,
    AssetStatus,
    AssetType,
    ChecklistTemplate,
    Criticality,
    Frequency,
    InspectionResult,
)
from core.forms import BootstrapForm, MultipleFileField
from core.periods import today as local_today
from sla.models import ContractMember
from sla.selectors import contracts_visible_to
from tickets.selectors import assignable_engineers


class RecordForm(forms.Form):
    """One radio group and note per checklist item, overall notes and photos."""

    notes = forms.CharField(required=False, max_length=4000, label=_("Overall notes"),
                            widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}))
    photos = MultipleFileField(label=_("Photos"))

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        self.fields["photos"].widget.attrs.update({"accept": "image/*", "class": "form-control"})
        for item in self.items:
            self.fields[f"result_{item.pk}"] = forms.ChoiceField(
                label=item.label, choices=InspectionResult.Outcome.choices,
                widget=forms.RadioSelect, error_messages={
                    "required": _("Choose pass, fail or not applicable.")})
            self.fields[f"note_{item.pk}"] = forms.CharField(
                required=False, max_length=500, label=_("Note"),
                widget=forms.TextInput(attrs={"class": "form-control form-control-sm",
                                              "placeholder": _("What did you see?")}))

    def clean(self):
        data = super().clean()
        for item in self.items:
            if (data.get(f"result_{item.pk}") == InspectionResult.Outcome.FAIL
                    and not (data.get(f"note_{item.pk}") or "").strip()):
                self.add_error(f"note_{item.pk}", _("Say what is wrong."))
        return data

    def rows(self):
        """``(item, result field, note field)`` per item, for the template."""
        return [(item, self[f"result_{item.pk}"], self[f"note_{item.pk}"]) for item in self.items]

    def results(self) -> dict:
        data = self.cleaned_data
        return {item.pk: (data[f"result_{item.pk}"], data.get(f"note_{item.pk}", ""))
                for item in self.items}

    def add_item_errors(self, errors: dict) -> None:
        for item_id, message in errors.items():
            field = f"note_{item_id}" if f"note_{item_id}" in self.fields else None
            self.add_error(field, message)


class PeopleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


TAG_SPLIT = re.compile(r"[\s,，;；]+")


class PlanForm(BootstrapForm):
    """Create (with the contract) or edit (the contract stays) an inspection plan."""

    contract = forms.ModelChoiceField(queryset=None, label=_("Contract"), to_field_name="code",
                                      empty_label=None)
    name = forms.CharField(max_length=120, label=_("Name"))
    frequency = forms.ChoiceField(choices=Frequency.choices, label=_("Frequency"))
    template = forms.ModelChoiceField(queryset=ChecklistTemplate.objects.filter(active=True),
                                      label=_("Checklist"))
    assignee = PeopleChoiceField(queryset=None, required=False, label=_("Engineer"),
                                 help_text=_("An engineer of the contract; empty: anyone of "
                                             "the team picks the round up."))
    asset_type = forms.ModelChoiceField(queryset=AssetType.objects.all(), required=False,
                                        label=_("Asset type"))
    criticality = forms.ChoiceField(choices=[("", _("Any criticality")), *Criticality.choices],
                                    required=False, label=_("Criticality"))
    site = forms.ModelChoiceField(queryset=None, required=False, label=_("Site"))
    asset_tags = forms.CharField(
        required=False, label=_("Assets picked by hand"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Asset tags, separated by spaces, commas or new lines. Inspected in "
                    "addition to the assets matching the filters above."))
    pre_holiday = forms.BooleanField(
        required=False, label=_("Extra round before long holidays"),
        help_text=_("Before National Day, New Year and Spring Festival."))
    starts_on = forms.DateField(label=_("Starts on"),
                                widget=forms.DateInput(attrs={"type": "date"}))
    active = forms.BooleanField(required=False, initial=True, label=_("Active"))

    def __init__(self, *args, user, plan=None, **kwargs):
        if plan is not None:
            kwargs.setdefault("initial", {
                "name": plan.name, "frequency": plan.frequency, "template": plan.template_id,
                "assignee": plan.assignee_id, "asset_type": plan.asset_type_id,
                "criticality": plan.criticality, "site": plan.site_id,
                "asset_tags": " ".join(a.tag or str(a.pk) for a in plan.assets.all()),
                "pre_holiday": plan.pre_holiday, "starts_on": plan.starts_on,
                "active": plan.active})
        else:
            kwargs.setdefault("initial", {"starts_on": local_today, "active": True})
        super().__init__(*args, **kwargs)
        self.plan = plan
        contracts = contracts_visible_to(user).order_by("code")
        if plan is not None:
            del self.fields["contract"]
            contracts = contracts.filter(pk=plan.contract_id)
        else:
            self.fields["contract"].queryset = contracts
        self.fields["assignee"].queryset = User.objects.filter(
            is_active=True, contract_memberships__contract__in=contracts,
            contract_memberships__duty__in=[ContractMember.Duty.ENGINEER,
                                            ContractMember.Duty.SECOND_LINE],
        ).distinct().order_by("name")
        self.fields["site"].queryset = Site.objects.filter(
            organisation_id__in=contracts.values("client_id")).order_by("name")

    def chosen_contract(self):
        return self.plan.contract if self.plan is not None else self.cleaned_data.get("contract")

    def clean(self):
        data = super().clean()
        contract = self.chosen_contract()
        if contract is None:
            return data
        assignee = data.get("assignee")
        if assignee is not None and (
                not assignable_engineers(contract=contract).filter(pk=assignee.pk).exists()
                or not can(assignee, Capability.INSPECT)):
            self.add_error("assignee", _("Choose an engineer of contract %(code)s.")
                           % {"code": contract.code})
        site = data.get("site")
        if site is not None and site.organisation_id != contract.client_id:
            self.add_error("site", _("The site is not one of the client's sites."))
        tags = [t for t in TAG_SPLIT.split(data.get("asset_tags") or "") if t]
        assets = list(Asset.objects.filter(contract=contract, tag__in=tags)
                      .exclude(status=AssetStatus.RETIRED)) if tags else []
        missing = sorted(set(tags) - {a.tag for a in assets})
        if missing:
            self.add_error("asset_tags", _("No live asset of this contract has the tag: "
                                           "%(tags)s.") % {"tags": ", ".join(missing)})
        data["assets"] = assets
        return data

    def plan_fields(self) -> dict:
        data = self.cleaned_data
        return {name: data[name] for name in (
            "name", "frequency", "template", "assignee", "asset_type", "criticality", "site",
            "pre_holiday", "starts_on", "active")}


class ReportForm(BootstrapForm):
    contract = forms.CharField(required=False, max_length=32)
    date_from = forms.DateField(required=False, label=_("From"),
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, label=_("To"),
                              widget=forms.DateInput(attrs={"type": "date"}))
    format = forms.ChoiceField(required=False, choices=[("", "HTML"), ("xlsx", "Excel")])

    MAX_DAYS = 400

    def __init__(self, data=None, *args, **kwargs):
        # The URL uses from= and to= (Python keywords as field names would be awkward).
        if data is not None:
            data = data.copy()
            for short, name in (("from", "date_from"), ("to", "date_to")):
                if short in data and name not in data:
                    data[name] = data[short]
        super().__init__(data, *args, **kwargs)

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end:
            if end < start:
                self.add_error("date_to", _("The end is before the start."))
            elif (end - start).days > self.MAX_DAYS:
                self.add_error("date_to", _("At most %(n)d days at a time.")
                               % {"n": self.MAX_DAYS})
        return data
