"""Forms of the service report pages: the report with its parts lines, and the reason a client
did not sign."""

from __future__ import annotations

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from assets.models import Part
from core.forms import BootstrapForm
from fieldservice.models import NoSignature


def _area(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class ReportForm(BootstrapForm):
    symptom = forms.CharField(label=_("Symptom"), max_length=5000, widget=_area())
    cause = forms.CharField(label=_("Cause"), max_length=5000, widget=_area(2), required=False)
    actions = forms.CharField(label=_("Actions taken"), max_length=5000, widget=_area())
    result = forms.CharField(label=_("Result"), max_length=5000, widget=_area(2))
    follow_up = forms.CharField(label=_("Follow-up"), max_length=5000, widget=_area(2),
                                required=False)


class PartLineForm(BootstrapForm):
    part = forms.ModelChoiceField(label=_("Part"), queryset=Part.objects.none(), required=False)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=9999,
                                  required=False)

    def __init__(self, *args, parts=None, **kwargs):
        super().__init__(*args, **kwargs)
        if parts is not None:
            self.fields["part"].queryset = parts

    def clean(self):
        data = super().clean()
        if data.get("part") and not data.get("quantity"):
            self.add_error("quantity", _("How many?"))
        return data


PartLineFormSet = formset_factory(PartLineForm, extra=2, max_num=30, validate_max=True)


class NoSignatureForm(BootstrapForm):
    kind = forms.ChoiceField(label=_("Why no client signature"),
                             choices=[(NoSignature.REFUSED.value, NoSignature.REFUSED.label),
                                      (NoSignature.ABSENT.value, NoSignature.ABSENT.label)])
    reason = forms.CharField(label=_("Details"), max_length=5000, widget=_area(2))
