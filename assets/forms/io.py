"""Forms of the import and export pages: they parse input; assets/io/importer.py decides
what is allowed."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapForm
from sla.selectors import contracts_visible_to


class ContractChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} · {obj.name}"


class ImportForm(BootstrapForm):
    contract = ContractChoiceField(label=_("Contract"), queryset=None, to_field_name="code")
    file = forms.FileField(
        label=_("File"), help_text=_("An .xlsx workbook or a .csv file (UTF-8 or GBK)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}))
    dry_run = forms.BooleanField(
        label=_("Check only (import nothing)"), required=False,
        help_text=_("Reads and checks every row and reports what would change."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only contracts the person sees: a posted code of any other contract is "not a choice".
        self.fields["contract"].queryset = contracts_visible_to(user).order_by("code")


class ExportForm(BootstrapForm):
    contract = ContractChoiceField(label=_("Contract"), queryset=None, to_field_name="code")
    format = forms.ChoiceField(label=_("Format"), choices=[("xlsx", "Excel (.xlsx)"),
                                                           ("csv", "CSV (.csv)")],
                               initial="xlsx")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = contracts_visible_to(user).order_by("code")
