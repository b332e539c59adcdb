"""The maintenance notice form (k18chg): publish or edit."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Site
from core.forms import BootstrapForm
from knowledge.forms.changes import WINDOW
from sla.selectors import contracts_visible_to
from tickets.models import ServiceType


class NoticeForm(BootstrapForm):
    contract = forms.ModelChoiceField(queryset=None, label=_("Contract"), to_field_name="code")
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("What happens"), widget=forms.Textarea(attrs={"rows": 4}))
    starts_at = forms.DateTimeField(label=_("Window starts"), widget=WINDOW)
    ends_at = forms.DateTimeField(label=_("Window ends"), widget=WINDOW)
    sites = forms.ModelMultipleChoiceField(
        queryset=None, label=_("Affected sites"), required=False,
        help_text=_("None: every site of the contract."))
    service_type = forms.ModelChoiceField(queryset=ServiceType.objects.filter(active=True),
                                          label=_("Affected service"), required=False)
    contact = forms.CharField(label=_("Contact"), max_length=200, required=False)
    emergency_reason = forms.CharField(
        label=_("Emergency reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Why this notice goes out later than the notice period (PM only)."))
    change = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        contracts = contracts_visible_to(user)
        self.fields["contract"].queryset = contracts.order_by("code")
        self.fields["sites"].queryset = Site.objects.filter(
            organisation_id__in=contracts.values("client_id")).order_by("name")
        if editing:
            del self.fields["contract"], self.fields["change"]
