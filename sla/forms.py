from django import forms
from django.utils.translation import gettext_lazy as _

from core.clock import now
from core.forms import BootstrapForm
from sla.models import Target
from sla.selectors import contracts_visible_to

# sla must not import tickets (tickets → sla); the model comes through the target's foreign key.
ServiceType = Target._meta.get_field("service_type").related_model
PRIORITIES = Target._meta.get_field("priority").choices


class PreviewForm(BootstrapForm):
    contract = forms.ModelChoiceField(queryset=None, label=_("Contract"), to_field_name="code")
    service_type = forms.ModelChoiceField(queryset=ServiceType.objects.filter(active=True),
                                          label=_("Service type"), to_field_name="code")
    priority = forms.TypedChoiceField(choices=PRIORITIES, coerce=int, label=_("Priority"),
                                      initial=2)
    needs_on_site = forms.BooleanField(required=False, initial=True, label=_("Needs a visit"))
    start = forms.DateTimeField(required=False, label=_("Filed at"),
                                help_text=_("Empty: now."),
                                widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = contracts_visible_to(user).order_by("code")

    def clean_start(self):
        return self.cleaned_data.get("start") or now()


class HolidayNoticeForm(BootstrapForm):
    """A year and the State Council's notice (or a table of ranges) pasted as published."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2199)
    text = forms.CharField(
        label=_("Notice text or table"), strip=False,
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false"}),
        help_text=_("Paste the whole notice; the title, preamble and closing lines are skipped."))
