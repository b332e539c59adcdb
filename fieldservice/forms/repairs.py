"""Forms of the vendor repair and part request pages: they parse input only; the services
decide (and their refusals come back under the fields through core.forms.add_service_error)."""

from __future__ import annotations

from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from assets.models import Asset, AssetStatus, Loan, Part, StockLocation
from core.forms import BootstrapForm


def _date_widget():
    return forms.DateInput(attrs={"type": "date"})


class RepairCreateForm(BootstrapForm):
    vendor = forms.CharField(label=_("Vendor"), max_length=100, required=False,
                             help_text=_("Empty: the device's warranty vendor."))
    in_warranty = forms.TypedChoiceField(
        label=_("Warranty"), coerce=lambda v: v == "1",
        choices=[("1", _("In warranty: the vendor repairs it free of charge")),
                 ("0", _("Out of warranty: the vendor quotes first"))])
    rma_number = forms.CharField(label=_("RMA number"), max_length=64, required=False)
    fault = forms.CharField(label=_("Fault"), required=False, max_length=4000,
                            widget=forms.Textarea(attrs={"rows": 3}))
    sent_on = forms.DateField(label=_("Sent on"), required=False, widget=_date_widget(),
                              help_text=_("Empty: today."))
    expected_back = forms.DateField(label=_("Expected back"), required=False,
                                    widget=_date_widget())
    data_backed_up = forms.BooleanField(label=_("The user's data is backed up"),
                                        required=False)
    storage_kept = forms.BooleanField(label=_("Disks and storage stay with the client"),
                                      required=False, initial=True)

    def __init__(self, *args, ticket=None, **kwargs):
        super().__init__(*args, **kwargs)
        if ticket is not None and ticket.asset_id:
            asset = ticket.asset
            self.fields["vendor"].initial = asset.warranty_vendor
            if asset.warranty_end is not None:
                self.fields["in_warranty"].initial = "0"


class QuoteForm(BootstrapForm):
    amount = forms.DecimalField(label=_("Amount (yuan)"), max_digits=10, decimal_places=2,
                                min_value=0)
    text = forms.CharField(label=_("Quote"), max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 3}))


class ProgressForm(BootstrapForm):
    body = forms.CharField(label=_("Progress"), max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 3}))


class LendForm(BootstrapForm):
    asset = forms.ModelChoiceField(label=_("Loaner device"), queryset=Asset.objects.none())
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, repair, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["asset"].queryset = Asset.objects.filter(
            contract_id=repair.ticket.contract_id, status=AssetStatus.SPARE).exclude(
            Exists(Loan.objects.filter(asset=OuterRef("pk"), returned_at__isnull=True))
        ).order_by("tag")


class ReturnForm(BootstrapForm):
    returned_on = forms.DateField(label=_("Returned on"), required=False,
                                  widget=_date_widget(), help_text=_("Empty: today."))
    note = forms.CharField(label=_("Message to the user"), max_length=4000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class EmptyForm(BootstrapForm):
    """Approve / decline: a button only."""


REPAIR_FORMS = {"quote": QuoteForm, "update": ProgressForm, "return": ReturnForm,
                "approve": EmptyForm, "decline": EmptyForm}


class PartRequestForm(BootstrapForm):
    part = forms.ModelChoiceField(label=_("Part"), queryset=Part.objects.none())
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=999, initial=1)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, ticket, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["part"].queryset = Part.objects.filter(contract_id=ticket.contract_id,
                                                           active=True).order_by("code")


class IssueForm(BootstrapForm):
    location = forms.ModelChoiceField(label=_("Store"), queryset=StockLocation.objects.none())

    def __init__(self, *args, part_request, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = StockLocation.objects.filter(
            contract_id=part_request.ticket.contract_id).order_by("name")
