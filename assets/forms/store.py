"""Forms of the spare-part store: they parse input; assets/services/store.py decides."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from assets.models import Asset, BadPart, StockLocation
from core.clock import now
from core.forms import BootstrapForm
from tickets.models import Ticket
from tickets.selectors import tickets_visible_to


class TicketNumberField(forms.CharField):
    """A ticket typed by its number (2026-000123); resolved among the tickets the user sees."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("Ticket number"))
        kwargs.setdefault("max_length", 20)
        super().__init__(*args, **kwargs)
        self.widget.attrs.update({"placeholder": "2026-000123", "autocomplete": "off",
                                  "inputmode": "numeric"})


class LocationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class PartForm(BootstrapForm):
    """The store forms of one part: locations are the part's contract's stores."""

    location_fields: tuple[str, ...] = ("location",)

    def __init__(self, *args, part, user, **kwargs):
        kwargs.setdefault("auto_id", f"id_{self.prefix_name}_%s")
        super().__init__(*args, **kwargs)
        self.part, self.user = part, user
        locations = StockLocation.objects.filter(contract_id=part.contract_id).order_by("name")
        for name in self.location_fields:
            self.fields[name].queryset = locations

    prefix_name = "form"

    def _ticket(self, number: str) -> Ticket:
        number = number.strip()
        try:
            return tickets_visible_to(self.user).select_related("contract").get(number=number)
        except Ticket.DoesNotExist:
            raise forms.ValidationError(_("No ticket %(number)s among yours."),
                                        params={"number": number}) from None


class ReceiveForm(PartForm):
    prefix_name = "receive"
    location = LocationChoiceField(label=_("Store"), queryset=StockLocation.objects.none())
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=100000)
    note = forms.CharField(label=_("Note"), max_length=300, required=False,
                           help_text=_("Purchase order, delivery note, vendor swap…"))


class IssueForm(PartForm):
    prefix_name = "issue"
    location = LocationChoiceField(label=_("From store"), queryset=StockLocation.objects.none())
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=100000, initial=1)
    ticket = TicketNumberField()
    asset = forms.CharField(label=_("Fitted into device (asset tag)"), max_length=64,
                            required=False,
                            help_text=_("Leave empty for the ticket's own device."))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def clean_ticket(self):
        return self._ticket(self.cleaned_data["ticket"])

    def clean_asset(self):
        tag = self.cleaned_data["asset"].strip()
        if not tag:
            return None
        try:
            return Asset.objects.get(contract_id=self.part.contract_id, tag=tag)
        except Asset.DoesNotExist:
            raise forms.ValidationError(_("No device %(tag)s on contract %(code)s."),
                                        params={"tag": tag,
                                                "code": self.part.contract.code}) from None


class ReturnForm(PartForm):
    prefix_name = "return"
    location = LocationChoiceField(label=_("Into store"), queryset=StockLocation.objects.none())
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=100000, initial=1)
    ticket = TicketNumberField()
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def clean_ticket(self):
        return self._ticket(self.cleaned_data["ticket"])


class TransferForm(PartForm):
    prefix_name = "transfer"
    location_fields = ("source", "target")
    source = LocationChoiceField(label=_("From store"), queryset=StockLocation.objects.none())
    target = LocationChoiceField(label=_("To store"), queryset=StockLocation.objects.none())
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=100000)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def clean(self):
        data = super().clean()
        if data.get("source") and data.get("source") == data.get("target"):
            self.add_error("target", _("Choose two different stores."))
        return data


class WriteOffForm(PartForm):
    prefix_name = "write_off"
    location = LocationChoiceField(label=_("Store"), queryset=StockLocation.objects.none())
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=100000)
    note = forms.CharField(label=_("Reason"), max_length=300)


class CountForm(PartForm):
    prefix_name = "count"
    location = LocationChoiceField(label=_("Store"), queryset=StockLocation.objects.none())
    counted = forms.IntegerField(label=_("Counted on the shelf"), min_value=0, max_value=100000)
    note = forms.CharField(label=_("Note"), max_length=300,
                           help_text=_("Who counted; why the figures differ."))


class BadPartForm(BootstrapForm):
    serial = forms.CharField(label=_("Serial number of the bad part"), max_length=100,
                             required=False)
    disposition = forms.ChoiceField(label=_("Where it went"),
                                    choices=BadPart.Disposition.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class SpareChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.tag} {obj.name} ({obj.contract.code})" if obj.tag else obj.name


class LendForm(BootstrapForm):
    asset = SpareChoiceField(label=_("Spare device"), queryset=Asset.objects.none())
    ticket = TicketNumberField()
    borrower = forms.CharField(
        label=_("Borrower"), max_length=150, required=False,
        help_text=_("Username, phone or employee number; empty for the ticket's requester."))
    due_back = forms.DateField(label=_("Due back"),
                               widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, user, spares, **kwargs):
        kwargs.setdefault("auto_id", "id_lend_%s")
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["asset"].queryset = spares

    def clean_ticket(self):
        number = self.cleaned_data["ticket"].strip()
        try:
            return tickets_visible_to(self.user).select_related(
                "contract", "requester").get(number=number)
        except Ticket.DoesNotExist:
            raise forms.ValidationError(_("No ticket %(number)s among yours."),
                                        params={"number": number}) from None

    def clean_due_back(self):
        due = self.cleaned_data["due_back"]
        if due < now().date():
            raise forms.ValidationError(_("The return date is in the past."))
        return due

    def clean(self):
        data = super().clean()
        ticket = data.get("ticket")
        if ticket is None:
            return data
        key = (data.get("borrower") or "").strip()
        if not key:
            data["borrower"] = ticket.requester
            return data
        # Only people of the ticket's client borrow its devices.
        people = User.objects.filter(organisation_id=ticket.contract.client_id, is_active=True)
        found = list(people.filter(Q(username=key) | Q(phone=key) | Q(employee_no=key))[:2])
        if len(found) != 1:
            self.add_error("borrower", _("No single person %(key)s at the contract's client.")
                           % {"key": key})
        else:
            data["borrower"] = found[0]
        return data
