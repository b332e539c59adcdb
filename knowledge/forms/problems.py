"""Forms of the problem pages (k18chg): open by hand, analyse, dismiss, link the fix, confirm."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapForm
from knowledge.selectors.changes import changes_visible_to
from sla.selectors import contracts_visible_to
from tickets.selectors import tickets_visible_to


class ProblemForm(BootstrapForm):
    contract = forms.ModelChoiceField(queryset=None, label=_("Contract"), to_field_name="code")
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    tickets = forms.CharField(label=_("Linked tickets"), required=False,
                              help_text=_("Ticket numbers, separated by spaces or commas."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["contract"].queryset = contracts_visible_to(user).order_by("code")

    def clean_tickets(self):
        numbers = [n for n in self.cleaned_data["tickets"].replace(",", " ").split() if n]
        found = list(tickets_visible_to(self.user).filter(number__in=numbers))
        missing = sorted(set(numbers) - {t.number for t in found})
        if missing:
            raise forms.ValidationError(_("No such tickets: %(numbers)s")
                                        % {"numbers": ", ".join(missing)})
        return found


class AnalysisForm(BootstrapForm):
    root_cause = forms.CharField(label=_("Root cause analysis"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 5}))
    workaround = forms.CharField(label=_("Workaround"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 3}))
    known_error = forms.CharField(
        label=_("Known error"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The fault as the desk will recognise it next time, and what to do."))


class ReasonForm(BootstrapForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class LinkChangeForm(BootstrapForm):
    change = forms.ModelChoiceField(queryset=None, label=_("Fix (change)"),
                                    to_field_name="number")

    def __init__(self, *args, user, problem, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["change"].queryset = (changes_visible_to(user)
                                          .filter(contract_id=problem.contract_id)
                                          .order_by("-created_at"))


class ConfirmForm(BootstrapForm):
    note = forms.CharField(label=_("Note"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
