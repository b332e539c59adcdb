"""REST API of the complaints register: /api/complaints/ (list, retrieve, create) and
POST /api/complaints/<number or id>/answer/ and /resolve/. Same selectors and services as the
pages; scoped like tickets (end users: only their own)."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from accounts.api import PersonRefSerializer
from accounts.models import User
from accounts.roles import Capability, can
from core.clock import now
from core.errors import PermissionRefused
from sla.models import Contract
from sla.selectors import contracts_visible_to
from surveys.filters import ComplaintFilterSet
from surveys.models import Complaint
from surveys.permissions import may_register_complaints
from surveys.selectors.complaints import (
    LIST_RELATED,
    complaints_visible_to,
    engineer_choices,
    reviewer_choices,
)
from surveys.services.complaints import complaint_answer, complaint_register, complaint_resolve
from tickets.selectors import tickets_visible_to


class ComplaintSerializer(serializers.ModelSerializer):
    contract = serializers.CharField(source="contract.code")
    complainant = PersonRefSerializer(allow_null=True)
    ticket = serializers.CharField(source="ticket.number", allow_null=True, default=None)
    engineer = PersonRefSerializer(allow_null=True)

    class Meta:
        model = Complaint
        fields = ["id", "number", "contract", "channel", "complainant", "complainant_name",
                  "complainant_phone", "ticket", "engineer", "major", "description", "status",
                  "received_at", "answer_due", "resolution_due", "answered_at", "answer",
                  "resolved_at", "handling_opinion", "escalation_level", "created_at"]
        read_only_fields = fields


class ComplaintCreateSerializer(serializers.Serializer):
    """What anyone registering may send; staff-only fields are refused (400) for end users."""

    STAFF_ONLY = {"received_at", "major", "engineer", "complainant_name", "channel"}

    contract = serializers.SlugRelatedField(slug_field="code", queryset=Contract.objects.none())
    channel = serializers.ChoiceField(choices=Complaint.Channel.choices, required=False)
    description = serializers.CharField(max_length=10000)
    ticket = serializers.CharField(required=False, allow_null=True, allow_blank=True,
                                   help_text="Number of the related ticket.")
    complainant = serializers.PrimaryKeyRelatedField(queryset=User.objects.none(),
                                                     required=False, allow_null=True)
    complainant_name = serializers.CharField(max_length=100, required=False, allow_blank=True,
                                             default="")
    complainant_phone = serializers.CharField(max_length=40, required=False, allow_blank=True,
                                              default="")
    engineer = serializers.PrimaryKeyRelatedField(
        queryset=engineer_choices(), required=False,
        allow_null=True)
    major = serializers.BooleanField(required=False, default=False)
    received_at = serializers.DateTimeField(required=False, allow_null=True,
                                            help_text="Staff only; never in the future.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is None:  # schema generation
            return
        user = request.user
        self.fields["contract"].queryset = contracts_visible_to(user)
        self.fields["complainant"].queryset = User.objects.filter(
            organisation_id__in=contracts_visible_to(user).values("client_id"))

    def validate_received_at(self, value):
        if value is not None and value > now():
            raise serializers.ValidationError(_("The time of receipt cannot be in the future."))
        return value

    def validate_ticket(self, value):
        if not value:
            return None
        ticket = tickets_visible_to(self.context["request"].user).select_related(
            "assignee", "requester").filter(number=value).first()
        if ticket is None:
            raise serializers.ValidationError(_("No ticket %(number)s that you can see.")
                                              % {"number": value})
        return ticket

    def validate(self, data):
        user = self.context["request"].user
        if not can(user, Capability.MANAGE_COMPLAINTS):
            refused = sorted(self.STAFF_ONLY & set(self.initial_data))
            if refused:
                raise serializers.ValidationError(
                    {f: [_("Only the service desk sets this.")] for f in refused})
            complainant = data.get("complainant")
            if complainant is not None and complainant.pk != user.pk:
                raise serializers.ValidationError(
                    {"complainant": [_("You may only file a complaint of your own.")]})
            data["channel"] = Complaint.Channel.PORTAL
        elif "channel" not in data:
            raise serializers.ValidationError({"channel": [_("This field is required.")]})
        ticket = data.get("ticket")
        if ticket is not None and ticket.contract_id != data["contract"].pk:
            raise serializers.ValidationError(
                {"ticket": [_("This ticket belongs to another contract.")]})
        return data


class ComplaintAnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=10000)


class ResolveSerializer(serializers.Serializer):
    handling_opinion = serializers.CharField(max_length=10000)
    reviewer = serializers.PrimaryKeyRelatedField(
        queryset=reviewer_choices(), required=False,
        allow_null=True)


class NewestFirst(CursorPagination):
    ordering = ("-received_at", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class ComplaintViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                       mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Complaints the caller may see; one outside their scope answers 404 on every verb.
    Look one up by number (TS-2026-000001) or id."""

    serializer_class = ComplaintSerializer
    pagination_class = NewestFirst
    lookup_field = "number"
    lookup_value_regex = "[^/]+"
    filterset_class = ComplaintFilterSet
    search_fields = ["number", "complainant_name"]
    ordering_fields = []

    def get_queryset(self):
        return complaints_visible_to(self.request.user).select_related(*LIST_RELATED)

    def get_object(self):
        value = self.kwargs["number"]
        lookup = {"pk": int(value)} if value.isdigit() else {"number": value}
        try:
            complaint = self.get_queryset().get(**lookup)
        except Complaint.DoesNotExist:
            raise Http404 from None
        self.check_object_permissions(self.request, complaint)
        return complaint

    @extend_schema(request=ComplaintCreateSerializer, responses={201: ComplaintSerializer})
    def create(self, request, *args, **kwargs):
        if not may_register_complaints(request.user):  # 403 before any field error
            raise PermissionRefused(_("Your role may not register complaints."))
        form = ComplaintCreateSerializer(data=request.data, context={"request": request})
        form.is_valid(raise_exception=True)
        complaint = complaint_register(actor=request.user, **form.validated_data)
        return Response(self.get_serializer(complaint).data, status=status.HTTP_201_CREATED)

    def _act(self, request, form_class, service):
        complaint = self.get_object()
        form = form_class(data=request.data)
        form.is_valid(raise_exception=True)
        service(actor=request.user, complaint=complaint, **form.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=complaint.pk)).data)

    @extend_schema(request=ComplaintAnswerSerializer, responses=ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, number=None):
        return self._act(request, ComplaintAnswerSerializer, complaint_answer)

    @extend_schema(request=ResolveSerializer, responses=ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, number=None):
        return self._act(request, ResolveSerializer, complaint_resolve)


def register_routes(router) -> None:
    """Add this module's viewsets to the API."""
    router.register("complaints", ComplaintViewSet, basename="complaint")


def paths() -> list:
    """Extra URL patterns under /api/ that are not viewset routes."""
    return []
