"""REST API for tickets: list/create, read/limited update, one POST per transition, comments,
attachments. Same selectors and services as the pages (X4)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import mixins, parsers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import MethodNotAllowed, PermissionDenied
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from accounts.api import PersonRefSerializer
from accounts.models import Site, User
from accounts.roles import Capability, can
from accounts.selectors import people_visible_to
from core import uploads as files
from core.api import IF_MATCH
from core.clock import now
from core.errors import PermissionRefused
from core.versions import if_match, with_etag
from sla.models import Contract
from sla.selectors import clock_states, contracts_visible_to
from tickets import hooks, replies
from tickets.bulk import TicketBulkMixin
from tickets.filters import TicketFilterSet
from tickets.models import (
    Attachment,
    Category,
    Channel,
    EscalationTarget,
    Kind,
    PendingReason,
    Priority,
    ResolutionCode,
    ServiceType,
    Status,
    Ticket,
)
from tickets.permissions import may_edit_ticket, may_file_tickets, may_use_canned_replies
from tickets.relations import TicketRelationsMixin
from tickets.selectors import (
    LIST_RELATED,
    attachment_get,
    canned_replies_for,
    for_list,
    merged_survivor,
    ticket_attachments,
    ticket_timeline,
    tickets_visible_to,
)
from tickets.services import ticket_act, ticket_comment, ticket_create, ticket_update
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
                  "closed_at", "cancelled_at", "asset", "recurring_fault", "actions"]

    def get_actions(self, ticket) -> list[str]:
        return allowed_actions(self.context["request"].user, ticket)


class TicketCreateSerializer(serializers.Serializer):
    """Fields anyone filing may send; the desk-only ones are refused for others."""

    DESK_ONLY = {"requester", "channel", "priority", "needs_on_site"}

    contract = serializers.SlugRelatedField(slug_field="code", queryset=Contract.objects.none())
    service_type = serializers.SlugRelatedField(slug_field="code",
                                                queryset=ServiceType.objects.filter(active=True))
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.filter(active=True),
                                                  required=False, allow_null=True)
    kind = serializers.ChoiceField(choices=Kind.choices, default=Kind.FAULT)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    contact_phone = serializers.CharField(max_length=40, required=False, allow_blank=True,
                                          default="")
    site = serializers.PrimaryKeyRelatedField(queryset=Site.objects.none(), required=False,
                                              allow_null=True)
    location = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    submission_key = serializers.UUIDField(required=False, allow_null=True, help_text=(
        "Send the same key again and the first ticket comes back instead of a second one."))
    requester = serializers.PrimaryKeyRelatedField(queryset=User.objects.none(), required=False)
    channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    needs_on_site = serializers.BooleanField(required=False)
    asset = serializers.PrimaryKeyRelatedField(
        queryset=hooks.no_assets(), required=False, allow_null=True,
        help_text="Id of the asset the fault is on (an asset of the same contract).")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is None:  # schema generation
            return
        user = request.user
        self.fields["asset"].queryset = hooks.assets_reportable_by(user)
        self.fields["contract"].queryset = contracts_visible_to(user)
        self.fields["site"].queryset = Site.objects.filter(
            organisation_id__in=contracts_visible_to(user).values("client_id"))
        self.fields["requester"].queryset = people_visible_to(user)
        if not can(user, Capability.LOG_CALLS):
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


class AttachmentSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "original_name", "content_type", "size", "internal", "created_at",
                  "download_url"]

    def get_download_url(self, attachment) -> str:
        return self.context["request"].build_absolute_uri(f"/api/attachments/{attachment.pk}/")


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    internal = serializers.BooleanField(default=False)
    note = serializers.CharField(required=False, allow_blank=True, default="")

    def validate_file(self, upload):
        try:
            files.validate_upload(upload)
        except files.AttachmentError as exc:
            raise serializers.ValidationError(exc.message, code=exc.code) from None
        return upload


class NewestFirst(CursorPagination):
    """No COUNT(*) over a million rows: a cursor over the (partial) created_at indexes."""

    ordering = ("-created_at", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


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


class TicketDetailSerializer(TicketSerializer):
    clocks = serializers.SerializerMethodField()
    survey_url = serializers.SerializerMethodField()
    visits = serializers.SerializerMethodField(
        help_text="On-site visits with the check-in proof (field service).")

    class Meta(TicketSerializer.Meta):
        fields = [*TicketSerializer.Meta.fields, "clocks", "survey_url", "visits"]

    @extend_schema_field(TicketVisitSerializer(many=True))
    def get_visits(self, ticket) -> list[dict]:
        request = self.context["request"]
        return TicketVisitSerializer(hooks.ticket_visits(user=request.user, ticket=ticket),
                                     many=True, context=self.context).data

    @extend_schema_field(ClockSerializer(many=True))
    def get_clocks(self, ticket) -> list[dict]:
        return ClockSerializer(clock_states(ticket.clocks.all(), at=now()), many=True).data

    def get_survey_url(self, ticket) -> str | None:
        """The open satisfaction survey's link, for the requester only (surveys app, V1)."""
        request = self.context.get("request")
        return hooks.survey_prompt(user=getattr(request, "user", None), ticket=ticket)


class TicketViewSet(TicketRelationsMixin, TicketBulkMixin,  # links, merge, bulk (issue 15)
                    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                    mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Tickets the caller may see. A ticket outside their scope answers 404 on every verb."""

    serializer_class = TicketSerializer
    filterset_class = TicketFilterSet
    pagination_class = NewestFirst
    search_fields = ["number", "title"]
    ordering_fields = []
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        tickets = tickets_visible_to(self.request.user)
        if self.action == "list":
            return for_list(tickets).select_related("logged_by")
        return tickets.select_related(*LIST_RELATED, "logged_by")

    def get_serializer_class(self):
        return TicketDetailSerializer if self.action == "retrieve" else TicketSerializer

    @extend_schema(request=TicketCreateSerializer, responses={201: TicketSerializer})
    def create(self, request, *args, **kwargs):
        if not may_file_tickets(request.user):  # 403 before any field error (issue 14.8)
            raise PermissionRefused(_("Your role may not file tickets."))
        form = TicketCreateSerializer(data=request.data, context={"request": request})
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        ticket = ticket_create(actor=request.user, **data)
        # The ticket in hand already has its related rows loaded; no second read needed.
        return Response(TicketSerializer(ticket, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)

    def retrieve(self, request, *args, **kwargs):
        """The ticket, with an ETag: send it back as If-Match on PATCH to refuse a stale edit."""
        ticket = self.get_object()
        survivor = merged_survivor(request.user, ticket)
        if survivor is not None:  # a merged ticket's id leads to the one it lives on in
            return redirect(reverse("ticket-detail", args=[survivor.pk], request=request))
        return with_etag(Response(self.get_serializer(ticket).data), ticket)

    @extend_schema(request=TicketUpdateSerializer, responses=TicketSerializer,
                   parameters=[IF_MATCH])
    def partial_update(self, request, *args, **kwargs):
        ticket = self.get_object()
        if not may_edit_ticket(request.user, ticket):  # 403 before any field error
            raise PermissionRefused(_("You may not edit this ticket now."))
        form = TicketUpdateSerializer(data=request.data, partial=True,
                                      context={"request": request})
        form.is_valid(raise_exception=True)
        ticket_update(actor=request.user, ticket=ticket, expected_version=if_match(request),
                      **form.validated_data)
        ticket = self.get_queryset().get(pk=ticket.pk)
        return with_etag(Response(self.get_serializer(ticket).data), ticket)

    def update(self, request, *args, **kwargs):
        if not kwargs.get("partial"):
            raise MethodNotAllowed(request.method, detail=_("Use PATCH to change some fields."))
        return super().update(request, *args, **kwargs)

    def _transition(self, request, name: str):
        ticket = self.get_object()
        data = {}
        form_class = TRANSITION_INPUT[name]
        if form_class is not None:
            form = form_class(data=request.data, context={"request": request})
            form.is_valid(raise_exception=True)
            data = form.validated_data
        ticket_act(name, actor=request.user, ticket=ticket, **data)
        return Response(self.get_serializer(self.get_queryset().get(pk=ticket.pk)).data)

    @extend_schema(request=TRANSITION_INPUT["accept"], responses=TicketSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._transition(request, "accept")

    @extend_schema(request=None, responses=TicketSerializer)
    @action(detail=True, methods=["post"])
    def claim(self, request, pk=None):
        return self._transition(request, "claim")

    @extend_schema(request=TRANSITION_INPUT["dispatch"], responses=TicketSerializer)
    @action(detail=True, methods=["post"], url_path="dispatch")
    def dispatch_ticket(self, request, pk=None):  # `dispatch` is APIView's own method
        return self._transition(request, "dispatch")

    @extend_schema(request={"application/json": TicketCheckInSerializer,
                            "multipart/form-data": TicketCheckInSerializer},
                   responses=TicketSerializer)
    @action(detail=True, methods=["post"], url_path="check-in",
            parser_classes=[parsers.JSONParser, parsers.MultiPartParser, parsers.FormParser])
    def check_in(self, request, pk=None):
        return self._transition(request, "check_in")

    @extend_schema(request=TRANSITION_INPUT["pend"], responses=TicketSerializer)
    @action(detail=True, methods=["post"])
    def pend(self, request, pk=None):
        return self._transition(request, "pend")

    @extend_schema(request=TRANSITION_INPUT["resume"], responses=TicketSerializer)
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        return self._transition(request, "resume")

    @extend_schema(request=TRANSITION_INPUT["resolve"], responses=TicketSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        return self._transition(request, "resolve")

    @extend_schema(request=TRANSITION_INPUT["confirm"], responses=TicketSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        return self._transition(request, "confirm")

    @extend_schema(request=TRANSITION_INPUT["reopen"], responses=TicketSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return self._transition(request, "reopen")

    @extend_schema(request=TRANSITION_INPUT["cancel"], responses=TicketSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._transition(request, "cancel")

    @extend_schema(request=TRANSITION_INPUT["escalate"], responses=TicketSerializer)
    @action(detail=True, methods=["post"])
    def escalate(self, request, pk=None):
        return self._transition(request, "escalate")

    @extend_schema(methods=["GET"], responses=CommentSerializer(many=True))
    @extend_schema(methods=["POST"], request=CommentSerializer,
                   responses={201: CommentSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None, filterset_class=None)
    def comments(self, request, pk=None):
        """Public replies and, for the service team, internal notes."""
        ticket = self.get_object()
        if request.method == "GET":
            entries = [e for e in ticket_timeline(user=request.user, ticket=ticket)
                       if e.kind != "event"]
            return Response(CommentSerializer(entries, many=True).data)
        form = CommentSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        if form.validated_data["internal"] and request.user.is_client_side:
            raise PermissionDenied(_("Only the service team writes internal notes."))
        entry = ticket_comment(actor=request.user, ticket=ticket, **form.validated_data)
        return Response(CommentSerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], responses=AttachmentSerializer(many=True))
    @extend_schema(methods=["POST"], request={"multipart/form-data": AttachmentUploadSerializer},
                   responses={201: AttachmentSerializer(many=True)})
    @action(detail=True, methods=["get", "post"], pagination_class=None, filterset_class=None,
            parser_classes=[parsers.MultiPartParser, parsers.FormParser])
    def attachments(self, request, pk=None):
        ticket = self.get_object()
        if request.method == "GET":
            return Response(AttachmentSerializer(ticket_attachments(user=request.user,
                                                                    ticket=ticket),
                                                 many=True, context={"request": request}).data)
        form = AttachmentUploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        entry = ticket_comment(actor=request.user, ticket=ticket, body=data["note"],
                               internal=data["internal"], uploads=[data["file"]])
        return Response(AttachmentSerializer(entry.ticket.attachments.filter(entry=entry),
                                             many=True, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)


    # --- canned replies (issue 15.5) ---
    @extend_schema(responses=CannedReplyRenderedSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="canned-replies", pagination_class=None,
            filterset_class=None)
    def canned_replies(self, request, pk=None):
        """The canned replies one may use on this ticket, filled in for it; `unknown` lists the
        `{names}` left as written because they are not placeholders."""
        ticket = self.get_object()
        if not may_use_canned_replies(request.user):
            raise PermissionDenied(_("Only the service team uses canned replies."))
        rows = []
        for reply in canned_replies_for(ticket=ticket).select_related("contract"):
            rendered = replies.render(reply.body, ticket)
            rows.append({"id": reply.pk, "title": reply.title,
                         "contract": reply.contract.code if reply.contract_id else None,
                         "text": rendered.text, "unknown": list(rendered.unknown)})
        return Response(CannedReplyRenderedSerializer(rows, many=True).data)


class AttachmentDownloadView(APIView):
    """The file itself, after the same permission check as the page."""

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    def get(self, request, pk: int):
        try:
            attachment = attachment_get(user=request.user, pk=pk)
        except Attachment.DoesNotExist:
            raise Http404 from None
        return files.download_response(attachment)


class CatalogueView(APIView):
    """Service types and their categories, for building a filing form."""

    @extend_schema(responses=inline_serializer("Catalogue", {
        "service_types": serializers.ListField(child=serializers.DictField()),
        "statuses": serializers.ListField(child=serializers.DictField())}))
    def get(self, request):
        categories = Category.objects.filter(active=True).order_by("service_type_id", "name")
        return Response({
            "service_types": [
                {"code": st.code, "name": st.label, "needs_on_site": st.needs_on_site,
                 "categories": [{"id": c.pk, "name": c.label, "parent": c.parent_id}
                                for c in categories if c.service_type_id == st.pk]}
                for st in ServiceType.objects.filter(active=True)],
            "statuses": [{"value": v, "label": str(label)} for v, label in Status.choices],
        })
