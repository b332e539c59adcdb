"""Forms for the asset register: they parse and present; assets/services/register.py decides."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, Site, User
from assets.models import AssetRelation, AssetStatus, AssetType, Criticality
from core.forms import BootstrapForm
from sla.selectors import contracts_visible_to

SPEC_PREFIX = "spec__"


class AssetForm(BootstrapForm):
    """Create and edit. Specification inputs are generated for every type (the page shows the
    chosen type's); only the chosen type's keys are kept."""

    contract = forms.ModelChoiceField(queryset=None, label=_("Contract"), to_field_name="code",
                                      empty_label=None)
    # The version the edit was made from: a save over someone else's newer one is refused.
    version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    tag = forms.CharField(max_length=64, required=False, label=_("Asset tag"))
    name = forms.CharField(max_length=200, label=_("Asset name"))
    asset_type = forms.ModelChoiceField(queryset=AssetType.objects.all(), label=_("Type"),
                                        to_field_name="code")
    manufacturer = forms.CharField(max_length=100, required=False, label=_("Manufacturer"))
    model = forms.CharField(max_length=100, required=False, label=_("Model"))
    serial = forms.CharField(max_length=100, required=False, label=_("Serial number"))
    part_number = forms.CharField(max_length=100, required=False, label=_("Part number (PN)"))
    software = forms.CharField(required=False, label=_("Software versions"),
                               widget=forms.Textarea(attrs={"rows": 2}))
    site = forms.ModelChoiceField(queryset=Site.objects.none(), required=False, label=_("Site"))
    location = forms.CharField(max_length=200, required=False, label=_("Location"))
    department = forms.ModelChoiceField(queryset=Department.objects.none(), required=False,
                                        label=_("Department"))
    custodian = forms.CharField(
        max_length=150, required=False, label=_("Custodian"),
        help_text=_("User name, employee number or full name of a person of the client."))
    status = forms.ChoiceField(choices=AssetStatus.choices, label=_("Status"),
                               initial=AssetStatus.IN_USE)
    criticality = forms.ChoiceField(choices=Criticality.choices, label=_("Criticality"),
                                    initial=Criticality.NON_CORE)
    purchase_date = forms.DateField(required=False, label=_("Purchase date"),
                                    widget=forms.DateInput(attrs={"type": "date"}))
    warranty_end = forms.DateField(required=False, label=_("Warranty end"),
                                   widget=forms.DateInput(attrs={"type": "date"}))
    warranty_vendor = forms.CharField(max_length=100, required=False,
                                      label=_("Warranty vendor"))
    notes = forms.CharField(required=False, label=_("Notes"),
                            widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user: User, asset=None, **kwargs):
        self.types = list(AssetType.objects.all())
        super().__init__(*args, **kwargs)
        self.user, self.asset = user, asset
        contracts = contracts_visible_to(user)
        self.fields["contract"].queryset = contracts.order_by("code")
        clients = contracts.values("client_id")
        self.fields["site"].queryset = Site.objects.filter(
            organisation_id__in=clients).order_by("organisation__name", "name")
        self.fields["department"].queryset = Department.objects.filter(
            organisation_id__in=clients).order_by("organisation__name", "name")
        for asset_type in self.types:
            for spec in asset_type.spec_fields or []:
                name = f"{SPEC_PREFIX}{asset_type.code}__{spec['key']}"
                label = spec.get("name_en") if _english() and spec.get("name_en") else spec["name"]
                self.fields[name] = forms.CharField(
                    max_length=200, required=False, label=label,
                    widget=forms.TextInput(attrs={"class": "form-control",
                                                  "data-asset-type": asset_type.code}))
        if asset is not None:
            del self.fields["contract"]
            if not self.is_bound:
                self.initial.update({
                    field: getattr(asset, f"{field}_id") if field in ("site", "department")
                    else getattr(asset, field)
                    for field in ("tag", "name", "manufacturer", "model", "serial",
                                  "part_number", "software", "site", "location", "department",
                                  "status", "criticality", "purchase_date", "warranty_end",
                                  "warranty_vendor", "notes")})
                self.initial["asset_type"] = asset.asset_type.code
                self.initial["version"] = asset.version
                self.initial["custodian"] = asset.custodian.username if asset.custodian else ""
                for key, value in (asset.specs or {}).items():
                    self.initial[f"{SPEC_PREFIX}{asset.asset_type.code}__{key}"] = value

    def spec_fields_by_type(self):
        """[(type, [bound fields])] for the template."""
        return [(t, [self[f"{SPEC_PREFIX}{t.code}__{s['key']}"] for s in t.spec_fields or []])
                for t in self.types if t.spec_fields]

    def contract_value(self):
        return self.asset.contract if self.asset is not None else self.cleaned_data.get(
            "contract")

    def clean_custodian(self):
        text = (self.cleaned_data.get("custodian") or "").strip()
        if not text:
            return None
        people = User.objects.filter(Q(username=text) | Q(employee_no=text) | Q(name=text),
                                     is_active=True)
        matches = list(people[:2])
        if len(matches) != 1:
            raise forms.ValidationError(
                _("No single person matches “%(text)s”; use the user name or employee number.")
                % {"text": text})
        return matches[0]

    def clean(self):
        data = super().clean()
        contract = self.contract_value()
        if contract is None:
            return data
        for field in ("site", "department"):
            value = data.get(field)
            if value is not None and value.organisation_id != contract.client_id:
                self.add_error(field, _("Not one of the client's."))
        custodian = data.get("custodian")
        if custodian is not None and custodian.organisation_id != contract.client_id:
            self.add_error("custodian", _("The custodian is not a person of the client."))
        return data

    def asset_fields(self) -> dict:
        data = self.cleaned_data
        asset_type = data["asset_type"]
        fields = {key: data[key] for key in (
            "tag", "name", "asset_type", "manufacturer", "model", "serial", "part_number",
            "software", "site", "location", "department", "custodian", "status", "criticality",
            "purchase_date", "warranty_end", "warranty_vendor", "notes")}
        fields["specs"] = {
            spec["key"]: data.get(f"{SPEC_PREFIX}{asset_type.code}__{spec['key']}") or ""
            for spec in asset_type.spec_fields or []}
        return fields


def _english() -> bool:
    from django.utils import translation

    return translation.get_language() == "en"


class RelationForm(BootstrapForm):
    kind = forms.ChoiceField(choices=AssetRelation.Kind.choices, label=_("Relation"))
    target = forms.CharField(max_length=100, label=_("Related asset (tag or serial)"))


class RetireForm(BootstrapForm):
    reason = forms.CharField(required=False, max_length=500, label=_("Reason"),
                             widget=forms.Textarea(attrs={"rows": 2}))
