"""Forms of the change pages (k18chg): request, answer an approval, implement, review, and the
consent asked from a ticket."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapForm
from knowledge.models import Change, Consent
from knowledge.services.changes import ChangeInput
from sla.selectors import contracts_visible_to

WINDOW = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ChangeForm(BootstrapForm):
    contract = forms.ModelChoiceField(queryset=None, label=_("Contract"), to_field_name="code")
    kind = forms.ChoiceField(label=_("Kind"), choices=Change.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    scope = forms.CharField(label=_("Scope"), required=False,
                            widget=forms.Textarea(attrs={"rows": 2}),
                            help_text=_("The systems and services the change touches."))
    config_before = forms.CharField(label=_("Configuration before"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 3}))
    config_after = forms.CharField(label=_("Configuration after"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 3}))
    risk = forms.ChoiceField(label=_("Risk"), choices=Change.Risk.choices)
    risk_notes = forms.CharField(label=_("Risk assessment"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 2}))
    test_plan = forms.CharField(label=_("Test plan"), required=False,
                                widget=forms.Textarea(attrs={"rows": 2}))
    rollback_plan = forms.CharField(label=_("Rollback plan"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 2}))
    window_start = forms.DateTimeField(label=_("Window starts"), required=False, widget=WINDOW)
    window_end = forms.DateTimeField(label=_("Window ends"), required=False, widget=WINDOW)
    downtime = forms.BooleanField(label=_("Service interrupted"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = contracts_visible_to(user).order_by("code")

    def change_input(self) -> ChangeInput:
        data = self.cleaned_data
        return ChangeInput(**{name: data[name] for name in ChangeInput.__dataclass_fields__})


class AnswerForm(BootstrapForm):
    comment = forms.CharField(label=_("Comment"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))


class ImplementForm(BootstrapForm):
    result = forms.CharField(label=_("Implementation result"),
                             widget=forms.Textarea(attrs={"rows": 3}))
    succeeded = forms.BooleanField(label=_("Succeeded"), required=False, initial=True)


class ReviewForm(BootstrapForm):
    review = forms.CharField(label=_("Review"), widget=forms.Textarea(attrs={"rows": 3}))


class ConsentForm(BootstrapForm):
    ticket = forms.CharField(label=_("Ticket"), max_length=20)
    operation = forms.ChoiceField(label=_("Operation"), choices=Consent.Operation.choices)
    details = forms.CharField(label=_("Details"), widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("What will be done and what the user may lose."))
