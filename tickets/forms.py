"""Forms: they parse and present input; the services decide what is allowed."""

from __future__ import annotations

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Site, User
from accounts.selectors import people_visible_to
from core.clock import now
from core.forms import BootstrapForm, MultipleFileField, offer, offer_later
from sla.models import ContractMember
from sla.selectors import contracts_visible_to, visible_contract_by_code
from tickets import hooks
from tickets.models import (
    Channel,
    EscalationTarget,
    Kind,
    PendingReason,
    Priority,
    ResolutionCode,
    ServiceType,
)
from tickets.selectors import (
    active_service_type_by_code,
    assignable_engineer_rows,
    assignable_engineers,
    categories,
    second_line_engineer_rows,
    second_line_engineers,
)


class CategorySelect(forms.Select):
    """Options carry their service type, so the page shows only the chosen type's categories."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-service-type"] = instance.service_type.code
        return option


class CategoryChoiceField(forms.ModelChoiceField):
    widget = CategorySelect

    def label_from_instance(self, obj):
        return obj.path_label


def _invalid_choice(field, value) -> ValidationError:
    return ValidationError(field.error_messages["invalid_choice"], code="invalid_choice",
                           params={"value": value})


def _plain_code(value) -> bool:
    return isinstance(value, str) and "\x00" not in value


class ContractInForceField(forms.ModelChoiceField):
    """A contract in force today among those the person sees, by its code. A filing's code is
    read by a query compiled once (sla.selectors.visible_contract_by_code, the rule of
    contracts_visible_to) and its dates checked here, rather than the choices' queryset built
    and compiled again for the lookup (issue 19); the same contract or the same error. The
    queryset still lists the choices; a value that is not plain text takes Django's way."""

    user = None  # set by the form, with the day the contract must be in force
    today = None

    def to_python(self, value):
        if value in self.empty_values or self.user is None or not _plain_code(value):
            return super().to_python(value)
        contract = visible_contract_by_code(self.user, value)
        if contract is None or not contract.is_active_on(self.today):
            raise _invalid_choice(self, value)
        return contract


class ActiveServiceTypeField(forms.ModelChoiceField):
    """An active service type by its code, read by a query compiled once
    (tickets.selectors.active_service_type_by_code); the same error as the queryset's."""

    def to_python(self, value):
        if value in self.empty_values or not _plain_code(value):
            return super().to_python(value)
        service_type = active_service_type_by_code(value)
        if service_type is None:
            raise _invalid_choice(self, value)
        return service_type


class TicketFormBase(BootstrapForm):
    submission_key = forms.UUIDField(widget=forms.HiddenInput)
    contract = ContractInForceField(queryset=None, label=_("Contract"), empty_label=None,
                                    to_field_name="code")
    kind = forms.ChoiceField(choices=Kind.choices, label=_("Kind"), initial=Kind.FAULT)
    service_type = ActiveServiceTypeField(queryset=ServiceType.objects.filter(active=True),
                                          label=_("Service type"), to_field_name="code")
    category = CategoryChoiceField(queryset=None, required=False, label=_("Category"))
    title = forms.CharField(max_length=200, label=_("What is wrong?"),
                            widget=forms.TextInput(attrs={
                                "placeholder": _("e.g. The printer on floor 3 jams")}))
    description = forms.CharField(required=False, label=_("Details"),
                                  widget=forms.Textarea(attrs={"rows": 4}))
    contact_phone = forms.CharField(max_length=40, required=False, label=_("Contact phone"))
    site = forms.ModelChoiceField(queryset=Site.objects.none(), required=False, label=_("Site"))
    location = forms.CharField(max_length=200, required=False, label=_("Room or desk"))
    uploads = MultipleFileField(label=_("Photos or files"))

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        today = now().date()
        contracts = contracts_visible_to(user).filter(starts_on__lte=today, ends_on__gte=today)
        self.fields["contract"].queryset = contracts.select_related("client").order_by("code")
        self.fields["contract"].user, self.fields["contract"].today = user, today
        # Optional relations: their querysets are built when read (core.forms.offer_later), so
        # a filing posted without a category or a site builds neither.
        offer_later(self.fields["category"], lambda: categories().order_by(
            "service_type__ordering", "parent__name", "name"))
        offer_later(self.fields["site"], lambda: Site.objects.filter(
            organisation_id__in=contracts.values("client_id")).order_by("name"))
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4())
            first = self.fields["contract"].queryset.first()
            if first:
                self.initial.setdefault("contract", first.code)

    def clean(self):
        data = super().clean()
        category, service_type = data.get("category"), data.get("service_type")
        if category and service_type and category.service_type_id != service_type.pk:
            self.add_error("category", _("This category belongs to another service type."))
        return data

    def ticket_fields(self) -> dict:
        data = self.cleaned_data
        return {key: data[key] for key in (
            "contract", "kind", "service_type", "category", "title", "description",
            "contact_phone", "site", "location", "submission_key", "uploads")}


class AssetChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.tag} {obj.name}".strip() if obj.tag else obj.name


# Which service type a fault on an asset of this type usually is (the user can change it).
SERVICE_TYPE_FOR_ASSET = {"network": "network", "application": "software",
                          "licence": "software", "av": "meeting"}


class PortalTicketForm(TicketFormBase):
    """What an end user fills in: nothing about priority, assignee or who asked. The asset list
    offers the user's own devices, plus the one whose QR label was scanned (`scanned`)."""

    asset = AssetChoiceField(queryset=None, required=False, label=_("Device"),
                             empty_label=_("— not about a registered device —"))

    def __init__(self, *args, user: User, scanned=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        def assets():
            choices = hooks.assets_held_by(user)
            if scanned is not None:
                choices = hooks.assets_reportable_by(user).filter(
                    Q(pk__in=choices.values("pk")) | Q(pk=scanned.pk))
            return choices.order_by("tag", "pk")

        offer_later(self.fields["asset"], assets)
        self.scanned = scanned
        if not self.is_bound:
            self.initial.setdefault("contact_phone", user.phone)
            self.initial.setdefault("site", user.site_id)
            if scanned is not None:
                self.initial.update({
                    "asset": scanned.pk, "contract": scanned.contract.code,
                    "site": scanned.site_id or user.site_id, "location": scanned.location,
                    "service_type": SERVICE_TYPE_FOR_ASSET.get(scanned.asset_type.code,
                                                               "hardware")})

    def clean(self):
        data = super().clean()
        asset, contract = data.get("asset"), data.get("contract")
        if asset is not None and contract is not None and asset.contract_id != contract.pk:
            self.add_error("asset", _("This device is covered by another contract."))
        return data

    def ticket_fields(self) -> dict:
        return super().ticket_fields() | {"asset": self.cleaned_data.get("asset")}


class LogCallForm(TicketFormBase):
    """The desk's keyboard-fast form for a call, e-mail, IM message or walk-in."""

    requester = forms.ModelChoiceField(queryset=None, widget=forms.HiddenInput,
                                       label=_("Caller"),
                                       error_messages={"required": _("Find and pick the caller.")})
    channel = forms.ChoiceField(label=_("Channel"), initial=Channel.PHONE, choices=[
        (c.value, c.label) for c in (Channel.PHONE, Channel.EMAIL, Channel.IM, Channel.WALK_IN,
                                     Channel.MONITORING, Channel.INSPECTION)])
    priority = forms.TypedChoiceField(choices=Priority.choices, coerce=int, initial=Priority.P3,
                                      label=_("Priority"))
    needs_on_site = forms.BooleanField(required=False, label=_("Needs a visit"))
    # Two outcomes, one chosen: resolved on the phone, or dispatched (now or from the queue).
    outcome = forms.ChoiceField(
        label=_("Outcome"), initial="dispatch", required=False, widget=forms.RadioSelect,
        choices=[("dispatch", _("Dispatch to an engineer")),
                 ("resolve", _("Resolved on the phone"))])
    resolution_code = forms.ChoiceField(choices=[("", "—"), *ResolutionCode.choices],
                                        required=False, label=_("Resolution"))
    resolution_notes = forms.CharField(required=False, label=_("What was done"),
                                       widget=forms.Textarea(attrs={"rows": 2}))
    dispatch_to = forms.ModelChoiceField(queryset=User.objects.none(), required=False,
                                         label=_("Dispatch to"), empty_label=_("— later —"))
    asset_ref = forms.CharField(
        max_length=100, required=False, label=_("Device (asset tag or serial)"),
        widget=forms.TextInput(attrs={"list": "asset-options", "autocomplete": "off"}))

    def __init__(self, *args, user: User, caller: User | None = None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["requester"].queryset = people_visible_to(user)
        if caller is not None and caller.organisation_id:
            # The caller decides the client: only its contracts and sites are offered (a
            # posted form keeps them all, so a mismatch is told in words by clean()).
            self.fields["contract"].queryset = self.fields["contract"].queryset.filter(
                client_id=caller.organisation_id)
            self.fields["site"].queryset = self.fields["site"].queryset.filter(
                organisation_id=caller.organisation_id)
            first = self.fields["contract"].queryset.first()
            self.initial.update({"contract": first.code if first else None,
                                 "site": caller.site_id, "contact_phone": caller.phone})
        self.caller = caller
        contracts = self.fields["contract"].queryset
        self.fields["dispatch_to"].queryset = User.objects.filter(
            contract_memberships__contract__in=contracts,
            contract_memberships__duty__in=[ContractMember.Duty.ENGINEER,
                                            ContractMember.Duty.SECOND_LINE],
            is_active=True).distinct().order_by("name")

    def clean(self):
        data = super().clean()
        requester, contract = data.get("requester"), data.get("contract")
        if requester and contract and requester.organisation_id != contract.client_id:
            self.add_error("requester", _("The caller is not a person of this contract's client."))
        data["resolve_now"] = data.get("outcome") == "resolve"
        if data["resolve_now"]:
            data["dispatch_to"] = None  # the other outcome's fields are not read
            if not data.get("resolution_code"):
                self.add_error("resolution_code", _("Choose how it was resolved."))
            if not (data.get("resolution_notes") or "").strip():
                self.add_error("resolution_notes", _("Describe what was done."))
        else:
            data["resolution_code"], data["resolution_notes"] = "", ""
        data["asset"] = None
        reference = (data.get("asset_ref") or "").strip()
        if reference and contract:
            matches = list(hooks.assets_reportable_by(self.user).filter(contract=contract).filter(
                Q(tag=reference) | Q(serial=reference))[:2])
            if len(matches) == 1:
                data["asset"] = matches[0]
            else:
                self.add_error("asset_ref", _("No device of this contract has this tag or "
                                              "serial number."))
        engineer = data.get("dispatch_to")
        if engineer and contract and not assignable_engineers(contract=contract).filter(
                pk=engineer.pk).exists():
            self.add_error("dispatch_to", _("This engineer is not on the contract's team."))
        return data

    def ticket_fields(self) -> dict:
        data = self.cleaned_data
        return super().ticket_fields() | {
            "requester": data["requester"], "channel": data["channel"],
            "priority": data["priority"], "needs_on_site": data["needs_on_site"],
            "asset": data.get("asset"),
        }


class NoteForm(BootstrapForm):
    note = forms.CharField(required=False, label=_("Note"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class DispatchForm(NoteForm):
    assignee = forms.ModelChoiceField(queryset=User.objects.none(), label=_("Engineer"))

    def __init__(self, *args, ticket, **kwargs):
        super().__init__(*args, **kwargs)
        # Posted: the queryset validates the choice. Shown (unbound): only the options, from
        # rows read once per request; no queryset is built for a form that is never cleaned.
        if self.is_bound:
            self.fields["assignee"].queryset = assignable_engineers(contract=ticket.contract)
        else:
            offer(self.fields["assignee"], assignable_engineer_rows(contract=ticket.contract))


class CheckInForm(NoteForm):
    """Check-in with its proof (issue 16.2): the browser fills the position (static/js/
    check_in.js), the label scanner fills the tag, the phone's camera takes the photo. All
    optional here: what a contract requires is checked by the service, with the reason."""

    latitude = forms.FloatField(required=False, min_value=-90, max_value=90,
                                widget=forms.HiddenInput(attrs={"data-geo": "latitude"}))
    longitude = forms.FloatField(required=False, min_value=-180, max_value=180,
                                 widget=forms.HiddenInput(attrs={"data-geo": "longitude"}))
    accuracy = forms.FloatField(required=False, min_value=0,
                                widget=forms.HiddenInput(attrs={"data-geo": "accuracy"}))
    scanned_tag = forms.CharField(
        required=False, max_length=500, label=_("Asset label"),
        help_text=_("Scan the QR label on the device, or type its asset tag."),
        widget=forms.TextInput(attrs={"data-scan-target": "", "autocomplete": "off"}))
    photo = forms.FileField(
        required=False, label=_("Photo on site"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}))

    field_order = ["scanned_tag", "photo", "note", "latitude", "longitude", "accuracy"]


class PendForm(NoteForm):
    reason = forms.ChoiceField(choices=PendingReason.choices, label=_("Waiting for"))


class ResolveForm(BootstrapForm):
    code = forms.ChoiceField(choices=ResolutionCode.choices, label=_("Resolution"))
    notes = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}))
    time_spent_minutes = forms.IntegerField(min_value=0, max_value=1440, required=False,
                                            initial=0, label=_("Time spent (minutes)"))
    resolve_children = forms.BooleanField(
        required=False, label=_("Also resolve the open child tickets"),
        help_text=_("With the same resolution; children you may not resolve stay open."))


class EscalateForm(BootstrapForm):
    target = forms.ChoiceField(choices=EscalationTarget.choices, label=_("Escalate to"))
    to = forms.ModelChoiceField(queryset=User.objects.none(), required=False,
                                label=_("Second-line engineer"))
    note = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, ticket, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:  # as DispatchForm: the queryset only where it validates
            self.fields["to"].queryset = second_line_engineers(contract=ticket.contract)
        else:
            offer(self.fields["to"], second_line_engineer_rows(contract=ticket.contract_id))


class ReasonForm(BootstrapForm):
    reason = forms.CharField(label=_("Reason"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class OptionalReasonForm(BootstrapForm):
    reason = forms.CharField(required=False, label=_("Reason"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class CommentForm(BootstrapForm):
    body = forms.CharField(required=False, label=_("Reply"), max_length=20000,
                           widget=forms.Textarea(attrs={"rows": 3}))
    internal = forms.BooleanField(required=False, label=_("Internal note (not shown to the user)"))
    time_spent_minutes = forms.IntegerField(min_value=0, max_value=1440, required=False,
                                            label=_("Time spent (minutes)"))
    uploads = MultipleFileField(label=_("Attach files"))


class BulkForm(BootstrapForm):
    """The queue's bulk bar: one action with its fields, for the ticked rows (``ids``, read by
    the view: any id may come, the service reports those the caller may not see) or all the
    tickets matching the queue's filters (``query``)."""

    ACTIONS = [("dispatch", _("Assign to")), ("priority", _("Change priority")),
               ("pend", _("Set pending")), ("comment", _("Add a note")),
               ("resolve", _("Resolve as duplicate"))]

    action = forms.ChoiceField(choices=ACTIONS, label=_("Bulk action"))
    all_matching = forms.BooleanField(required=False, label=_("All matching tickets"))
    query = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)
    key = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)
    assignee = forms.ModelChoiceField(queryset=User.objects.none(), required=False,
                                      label=_("Engineer"))
    priority = forms.TypedChoiceField(coerce=int, required=False, empty_value=None,
                                      choices=[("", "—"), *Priority.choices],
                                      label=_("Priority"))
    reason = forms.ChoiceField(choices=[("", "—"), *PendingReason.choices], required=False,
                               label=_("Waiting for"))
    body = forms.CharField(required=False, max_length=20000, label=_("Note"),
                           help_text=_("The note to add, or what was done when resolving."),
                           widget=forms.Textarea(attrs={"rows": 2}))
    internal = forms.BooleanField(required=False, initial=True,
                                  label=_("Internal note (not shown to the user)"))

    def __init__(self, *args, engineers, **kwargs):
        # Its own ids: the queue's filter bar above it has a priority field too (id_priority
        # twice sent labels and scripts to the filter's select).
        kwargs.setdefault("auto_id", "bulk_%s")
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = engineers
