"""Forms of the visits pages: planning a visit, checking out."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.forms import BootstrapForm, offer
from tickets.selectors import assignable_engineer_rows, assignable_engineers


class VisitPlanForm(BootstrapForm):
    engineer = forms.ModelChoiceField(queryset=User.objects.none(), label=_("Engineer"))
    planned_at = forms.DateTimeField(
        label=_("When"), input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))

    def __init__(self, *args, ticket, **kwargs):
        kwargs.setdefault("auto_id", "id_visit_%s")
        super().__init__(*args, **kwargs)
        # As the ticket page's dispatch form (tickets.forms.DispatchForm), which offers the same
        # people: posted, the queryset validates the choice; shown, only the options, from
        # rows read once per request (no queryset built for a form never cleaned, issue 19).
        if self.is_bound:
            self.fields["engineer"].queryset = assignable_engineers(contract=ticket.contract)
        else:
            offer(self.fields["engineer"], assignable_engineer_rows(contract=ticket.contract))
        if ticket.assignee_id and not self.is_bound:
            self.initial.setdefault("engineer", ticket.assignee_id)


class CheckOutForm(BootstrapForm):
    note = forms.CharField(required=False, label=_("Note"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))
