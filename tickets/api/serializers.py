"""The ticket API's serializers: a ticket in lists and in detail (with its SLA clocks), filing,
editing, the input of each transition, comments and rendered canned replies."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.api import PersonRefSerializer
from accounts.models import Site, User
from accounts.roles import Capability, can
from accounts.selectors import people_visible_to, person_visible_to
from core.clock import now
from sla.models import Contract
from sla.selectors import clock_states, contracts_visible_to, visible_contract_by_code
from tickets import hooks
from tickets.models import (
    Category,
    Channel,
    EscalationTarget,
    Kind,
    PendingReason,
    Priority,
    ResolutionCode,
    ServiceType,
    Ticket,
)
from tickets.selectors import ID_MAX, active_service_type_by_code
from tickets.workflow import allowed_actions


class TicketSerializer(serializers.ModelSerializer):
    contract = serializers.CharField(source="contract.code")
    service_type = serializers.CharField(source="service_type.code")
    category = serializers.PrimaryKeyRelatedField(read_only=True)
    requester = PersonRefSerializer()
    assignee = PersonRefSerializer(allow_null=True)
    logged_by = PersonRefSerializer()
    actions = serializers.SerializerMethodField(help_text="Transitions the caller may do now.")

    class Meta:
        model = Ticket
        fields = ["id", "number", "title", "description", "kind", "channel", "service_type",
                  "category", "priority", "status", "requester", "logged_by", "assignee",
                  "contract", "site", "location", "contact_phone", "needs_on_site",
                  "pending_reason", "escalated_to", "resolution_code", "resolution_notes",
                  "first_line_resolution", "auto_closed", "reopen_count", "created_at",
                  "updated_at", "accepted_at", "dispatched_at", "arrived_at", "resolved_at",
                  "closed_at", "cancelled_at", "asset", "recurring_fault", "message_id", "actions"]

    def get_actions(self, ticket) -> list[str]:
        return allowed_actions(self.context["request"].user, ticket)


class _ScopedRelation:
    """A related field whose choices are `scope(user)`, the caller's scope, built when a value is
    looked up (or the browsable API lists the choices) instead of when the serializer is made:
    a filing names two or three of its four relations, and building all four querysets cost
    more than the lookups. Without a request (the OpenAPI document) the declared queryset."""

    def __init__(self, *, scope, **kwargs):
        self.scope = scope
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        return super().get_queryset() if request is None else self.scope(request.user)


class ScopedSlugRelatedField(_ScopedRelation, serializers.SlugRelatedField):
    pass


class ScopedPrimaryKeyRelatedField(_ScopedRelation, serializers.PrimaryKeyRelatedField):
    pass


class VisibleContractField(ScopedSlugRelatedField):
    """A contract by its code among those the caller sees, read by a query compiled once
    (sla.selectors.visible_contract_by_code); an unknown or unseen code answers as
    SlugRelatedField does ("does not exist"). A value that is not plain text takes
    SlugRelatedField's own way."""

    def to_internal_value(self, data):
        request = self.context.get("request")
        if request is None or not isinstance(data, str) or "\x00" in data:
            return super().to_internal_value(data)
        contract = visible_contract_by_code(request.user, data)
        if contract is None:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data)
        return contract


class ActiveServiceTypeField(serializers.SlugRelatedField):
    """An active service type by its code, read by a query compiled once; an unknown or
    inactive code answers as SlugRelatedField does. A value that is not plain text takes
    SlugRelatedField's own way."""

    def to_internal_value(self, data):
        if not isinstance(data, str) or "\x00" in data:
            return super().to_internal_value(data)
        found = active_service_type_by_code(data)
        if found is None:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data)
        return found


class VisiblePersonField(ScopedPrimaryKeyRelatedField):
    """A person by id among those the caller sees, read by a query compiled once where the
    caller's rule allows it (accounts.selectors.person_visible_to); an unknown or unseen id
    answers as PrimaryKeyRelatedField does. Any value but a whole number in the id column's
    range takes PrimaryKeyRelatedField's own way."""

    def to_internal_value(self, data):
        request = self.context.get("request")
        if (request is None or isinstance(data, bool) or not isinstance(data, int | str)
                or not str(data).isascii() or not str(data).isdigit()
                or not 0 < int(data) <= ID_MAX):
            return super().to_internal_value(data)
        person = person_visible_to(request.user, int(data))
        if person is None:
            self.fail("does_not_exist", pk_value=data)
        return person


def _sites_visible_to(user):
    return Site.objects.filter(organisation_id__in=contracts_visible_to(user).values("client_id"))


class TicketCreateSerializer(serializers.Serializer):
    """Fields anyone filing may send; the desk-only ones are refused for others."""

    DESK_ONLY = {"requester", "channel", "priority", "needs_on_site"}

    contract = VisibleContractField(slug_field="code", queryset=Contract.objects.none(),
                                    scope=contracts_visible_to)
    service_type = ActiveServiceTypeField(slug_field="code",
                                          queryset=ServiceType.objects.filter(active=True))
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.filter(active=True),
                                                  required=False, allow_null=True)
    kind = serializers.ChoiceField(choices=Kind.choices, default=Kind.FAULT)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    contact_phone = serializers.CharField(max_length=40, required=False, allow_blank=True,
                                          default="")
    site = ScopedPrimaryKeyRelatedField(queryset=Site.objects.none(), required=False,
                                        allow_null=True, scope=_sites_visible_to)
    location = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    submission_key = serializers.UUIDField(required=False, allow_null=True, help_text=(
        "Send the same key again and the first ticket comes back instead of a second one."))
    requester = VisiblePersonField(queryset=User.objects.none(), required=False,
                                   scope=people_visible_to)
    channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    needs_on_site = serializers.BooleanField(required=False)
    asset = ScopedPrimaryKeyRelatedField(
        queryset=hooks.no_assets(), required=False, allow_null=True,
        # A function, not the hook object: fields deep-copy their arguments each time.
        scope=lambda user: hooks.assets_reportable_by(user),
        help_text="Id of the asset the fault is on (an asset of the same contract).")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is None:  # schema generation
            return
        if not can(request.user, Capability.LOG_CALLS):
            for name in self.DESK_ONLY:
                del self.fields[name]

    def validate(self, data):
        user = self.context["request"].user
        if not can(user, Capability.LOG_CALLS):
            refused = sorted(self.DESK_ONLY & set(self.initial_data))
            if refused:
                raise serializers.ValidationError(
                    {f: [_("Only the service desk sets this.")] for f in refused})
        return data


class TicketUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    location = serializers.CharField(max_length=200, required=False, allow_blank=True)
    site = serializers.PrimaryKeyRelatedField(queryset=Site.objects.all(), required=False,
                                              allow_null=True)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    service_type = serializers.SlugRelatedField(slug_field="code", required=False,
                                                queryset=ServiceType.objects.filter(active=True))
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.filter(active=True),
                                                  required=False, allow_null=True)
    needs_on_site = serializers.BooleanField(required=False)
    kind = serializers.ChoiceField(choices=Kind.choices, required=False)
    asset = serializers.PrimaryKeyRelatedField(queryset=hooks.no_assets(), required=False,
                                               allow_null=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["asset"].queryset = hooks.assets_reportable_by(request.user)

    def validate(self, data):
        unknown = sorted(set(self.initial_data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError(
                {f: [_("This field cannot be changed here.")] for f in unknown})
        return data


class TicketNoteSerializer(serializers.Serializer):
    """Input of the transitions that take only an optional note (accept, check-in, resume,
    confirm)."""

    note = serializers.CharField(required=False, allow_blank=True, default="",
                                 help_text="Shown on the ticket's timeline.")


class TicketCheckInSerializer(TicketNoteSerializer):
    """Check-in with its proof (issue 16.2), all optional unless the contract's visit policy
    requires it: JSON, or multipart/form-data to send the photo."""

    latitude = serializers.FloatField(required=False, allow_null=True, min_value=-90,
                                      max_value=90, help_text="WGS-84 degrees, as the phone "
                                      "reports them.")
    longitude = serializers.FloatField(required=False, allow_null=True, min_value=-180,
                                       max_value=180)
    accuracy = serializers.FloatField(required=False, allow_null=True, min_value=0,
                                      help_text="The position's accuracy in metres; worse "
                                      "than 1000 m is flagged.")
    scanned_tag = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=500,
        help_text="What the asset label's QR code holds (its URL) or the asset tag itself.")
    photo = serializers.FileField(required=False, allow_null=True,
                                  help_text="A photo taken on site (an image).")


class TicketVisitSerializer(serializers.Serializer):
    """One visit with its check-in proof (the objects tickets.hooks.ticket_visits returns)."""

    id = serializers.IntegerField()
    engineer = PersonRefSerializer()
    planned_at = serializers.DateTimeField(allow_null=True)
    checked_in_at = serializers.DateTimeField(allow_null=True)
    checked_out_at = serializers.DateTimeField(allow_null=True)
    minutes_on_site = serializers.IntegerField(allow_null=True)
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True,
                                        coerce_to_string=False)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True,
                                         coerce_to_string=False)
    accuracy_m = serializers.IntegerField(allow_null=True)
    distance_m = serializers.IntegerField(allow_null=True, help_text="From the site's position.")
    location_check = serializers.ChoiceField(
        choices=["none", "in_range", "out_of_range", "inaccurate", "site_unknown"])
    location_flagged = serializers.BooleanField(
        help_text="Away from the site or too inaccurate: recorded, for the desk to look at.")
    scanned_tag = serializers.CharField()
    tag_matches = serializers.BooleanField(allow_null=True)
    photo_url = serializers.SerializerMethodField()
    has_proof = serializers.BooleanField(help_text="At the site, a matching label or a photo.")
    note = serializers.CharField()

    def get_photo_url(self, visit) -> str | None:
        if visit.photo_id is None:
            return None
        return self.context["request"].build_absolute_uri(f"/api/attachments/{visit.photo_id}/")


class TicketDispatchSerializer(TicketNoteSerializer):
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        help_text="Id of an engineer on the contract's team.")


class TicketPendSerializer(TicketNoteSerializer):
    reason = serializers.ChoiceField(choices=PendingReason.choices,
                                     help_text="What the ticket waits for.")


class TicketResolveSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=ResolutionCode.choices,
                                   help_text="How it was resolved.")
    notes = serializers.CharField(allow_blank=False, help_text="What was done.")
    time_spent_minutes = serializers.IntegerField(min_value=0, max_value=1440, required=False,
                                                  default=0)
    resolve_children = serializers.BooleanField(
        required=False, default=False,
        help_text="Also resolve the ticket's open children with the same code and notes.")


class TicketEscalateSerializer(serializers.Serializer):
    target = serializers.ChoiceField(choices=EscalationTarget.choices)
    note = serializers.CharField(allow_blank=False, help_text="Why the ticket is escalated.")
    to = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True,
        help_text="Second line only: the engineer to take it (default: one of the contract's).")


class TicketReopenSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=False, help_text="What is still wrong.")


class TicketCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


# Each transition's input: validates the request and is its schema in the OpenAPI document.
TRANSITION_INPUT: dict[str, type[serializers.Serializer] | None] = {
    "accept": TicketNoteSerializer, "claim": None, "dispatch": TicketDispatchSerializer,
    "check_in": TicketCheckInSerializer, "pend": TicketPendSerializer,
    "resume": TicketNoteSerializer, "resolve": TicketResolveSerializer,
    "escalate": TicketEscalateSerializer, "confirm": TicketNoteSerializer,
    "reopen": TicketReopenSerializer, "cancel": TicketCancelSerializer,
}


class CommentSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    kind = serializers.CharField(read_only=True)
    author = PersonRefSerializer(read_only=True, allow_null=True)
    body = serializers.CharField(allow_blank=False, max_length=20000)
    internal = serializers.BooleanField(default=False)
    time_spent_minutes = serializers.IntegerField(min_value=0, max_value=1440, default=0)
    created_at = serializers.DateTimeField(read_only=True)


class CannedReplyRenderedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    contract = serializers.CharField(allow_null=True)
    text = serializers.CharField()
    unknown = serializers.ListField(child=serializers.CharField())




class ClockSerializer(serializers.Serializer):
    kind = serializers.CharField()
    state = serializers.ChoiceField(choices=["running", "paused", "met", "breached",
                                             "not_needed"])
    target_minutes = serializers.IntegerField()
    due_at = serializers.DateTimeField(allow_null=True)
    remaining_seconds = serializers.IntegerField(
        allow_null=True, help_text="Business seconds left; negative when overdue.")
    paused = serializers.BooleanField()
    met = serializers.BooleanField(allow_null=True)
    breached = serializers.BooleanField()
    provisional = serializers.BooleanField()


def clocks_shown(ticket) -> list[dict]:
    """The clocks a ticket's API answer shows (its clocks prefetched with their calendars)."""
    return ClockSerializer(clock_states(ticket.clocks.all(), at=now()), many=True).data


def visits_shown(ticket, context) -> list[dict]:
    """The on-site visits a ticket's API answer shows, as the caller may see them."""
    return TicketVisitSerializer(hooks.ticket_visits(user=context["request"].user, ticket=ticket),
                                 many=True, context=context).data


def survey_url_shown(user, ticket) -> str | None:
    """The open satisfaction survey's link, for the requester only (surveys app, V1)."""
    return hooks.survey_prompt(user=user, ticket=ticket)


class TicketDetailSerializer(TicketSerializer):
    clocks = serializers.SerializerMethodField()
    survey_url = serializers.SerializerMethodField()
    visits = serializers.SerializerMethodField(
        help_text="On-site visits with the check-in proof (field service).")

    class Meta(TicketSerializer.Meta):
        fields = [*TicketSerializer.Meta.fields, "clocks", "survey_url", "visits"]

    @extend_schema_field(TicketVisitSerializer(many=True))
    def get_visits(self, ticket) -> list[dict]:
        return visits_shown(ticket, self.context)

    @extend_schema_field(ClockSerializer(many=True))
    def get_clocks(self, ticket) -> list[dict]:
        return clocks_shown(ticket)

    def get_survey_url(self, ticket) -> str | None:
        """The open satisfaction survey's link, for the requester only (surveys app, V1)."""
        request = self.context.get("request")
        return survey_url_shown(getattr(request, "user", None), ticket)
