"""Forms of the complaints register: the desk's registration form, the end user's short form,
answer and resolve. They parse input only; complaints.py decides what is allowed."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.clock import now
from core.forms import BootstrapForm
from sla.selectors import contracts_visible_to
from surveys.models import Complaint
from surveys.selectors.complaints import engineer_choices, reviewer_choices
from tickets.selectors import tickets_visible_to

# A survey complaint is registered by the system from the survey answer, never by hand.
HAND_CHANNELS = [c for c in Complaint.Channel.choices if c[0] != Complaint.Channel.SURVEY]


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.display_name


class StaffComplaintForm(BootstrapForm):
    """The desk or PM writes down a complaint received in person, by phone, in writing…"""

    contract = forms.ModelChoiceField(queryset=None, to_field_name="code", label=_("Contract"))
    channel = forms.ChoiceField(choices=HAND_CHANNELS, label=_("Channel"))
    received_at = forms.DateTimeField(
        label=_("Received at"), required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Leave empty for now; an oral or phone complaint may be written down later."))
    ticket = forms.CharField(label=_("Related ticket number"), required=False, max_length=20)
    complainant_name = forms.CharField(
        label=_("Complainant's name"), required=False, max_length=100,
        help_text=_("Empty: the requester of the related ticket."))
    complainant_phone = forms.CharField(label=_("Complainant's phone"), required=False,
                                        max_length=40)
    engineer = PersonChoiceField(queryset=None, required=False, label=_("Engineer"),
                                 help_text=_("Empty: the engineer of the related ticket."))
    major = forms.BooleanField(label=_("Major complaint"), required=False)
    description = forms.CharField(label=_("What the complaint is about"),
                                  widget=forms.Textarea(attrs={"rows": 4}), max_length=10000)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["contract"].queryset = contracts_visible_to(user).order_by("code")
        self.fields["engineer"].queryset = engineer_choices()

    def clean_received_at(self):
        value = self.cleaned_data.get("received_at")
        if value is not None and value > now():
            raise forms.ValidationError(_("The time of receipt cannot be in the future."))
        return value

    def clean_ticket(self):
        number = self.cleaned_data.get("ticket", "").strip()
        if not number:
            return None
        ticket = tickets_visible_to(self.user).select_related("requester", "assignee").filter(
            number=number).first()
        if ticket is None:
            raise forms.ValidationError(_("No ticket %(number)s that you can see.")
                                        % {"number": number})
        return ticket

    def clean(self):
        data = super().clean()
        ticket, contract = data.get("ticket"), data.get("contract")
        if ticket is not None and contract is not None and ticket.contract_id != contract.pk:
            self.add_error("ticket", _("This ticket belongs to another contract."))
        if not data.get("complainant_name") and ticket is None:
            self.add_error("complainant_name", _("Give the complainant's name."))
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        ticket = data["ticket"]
        complainant = ticket.requester if ticket is not None and not data[
            "complainant_name"] else None
        return {"contract": data["contract"], "channel": data["channel"],
                "description": data["description"], "complainant": complainant,
                "complainant_name": data["complainant_name"],
                "complainant_phone": data["complainant_phone"], "ticket": ticket,
                "engineer": data["engineer"], "major": data["major"],
                "received_at": data["received_at"]}


class TicketChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.number} {obj.title}"


class FileComplaintForm(BootstrapForm):
    """An end user's own complaint from the portal: what about, optionally which ticket."""

    ticket = TicketChoiceField(queryset=None, required=False, label=_("About ticket"),
                               empty_label=_("— not about one ticket —"))
    contract = forms.ModelChoiceField(queryset=None, to_field_name="code", required=False,
                                      label=_("Contract"))
    complainant_phone = forms.CharField(label=_("Phone to call you back"), required=False,
                                        max_length=40)
    description = forms.CharField(label=_("What is your complaint?"),
                                  widget=forms.Textarea(attrs={"rows": 5}), max_length=10000)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["ticket"].queryset = (tickets_visible_to(user).filter(requester=user)
                                          .order_by("-created_at"))
        contracts = contracts_visible_to(user).filter(client_id=user.organisation_id)
        self.fields["contract"].queryset = contracts.order_by("code")
        self.single_contract = contracts.count() == 1
        if self.single_contract:
            self.fields["contract"].widget = forms.HiddenInput()
        if not self.is_bound:
            self.initial.setdefault("complainant_phone", user.phone)

    def clean(self):
        data = super().clean()
        ticket = data.get("ticket")
        if ticket is not None:
            data["contract"] = ticket.contract
        elif data.get("contract") is None:
            contracts = list(self.fields["contract"].queryset[:2])
            if len(contracts) == 1:
                data["contract"] = contracts[0]
            else:
                self.add_error("contract", _("Choose the contract."))
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"contract": data["contract"], "channel": Complaint.Channel.PORTAL,
                "description": data["description"], "ticket": data.get("ticket"),
                "complainant_phone": data["complainant_phone"]}


class AnswerForm(BootstrapForm):
    answer = forms.CharField(label=_("Answer given to the complainant"),
                             widget=forms.Textarea(attrs={"rows": 3}), max_length=10000)


class ResolveForm(BootstrapForm):
    handling_opinion = forms.CharField(label=_("Handling opinion"),
                                       widget=forms.Textarea(attrs={"rows": 4}),
                                       max_length=10000)
    reviewer = PersonChoiceField(queryset=None, required=False, label=_("Reviewer"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = reviewer_choices()
