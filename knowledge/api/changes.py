"""REST API of changes and consents: /api/changes/ (list, retrieve by number, create) with the
transitions submit, approve, reject, implement, review, cancel; /api/consents/ (list, retrieve,
ask) with answer. Same selectors and services as the pages."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.api import PersonRefSerializer
from accounts.models import User
from core.errors import PermissionRefused
from knowledge.api._common import ApprovalCommentSerializer, ContractField, NewestFirst, get_or_404
from knowledge.models import Change, ChangeApproval, Consent
from knowledge.selectors.changes import change_get, changes_visible_to, consents_visible_to
from knowledge.services import changes as services
from knowledge.services._common import works_some_contract
from knowledge.services.consents import consent_answer, consent_ask
from tickets.selectors import tickets_visible_to


class ApprovalSerializer(serializers.ModelSerializer):
    approver = PersonRefSerializer()
    answered_by = PersonRefSerializer(allow_null=True)

    class Meta:
        model = ChangeApproval
        fields = ["id", "party", "approver", "decision", "comment", "answered_by",
                  "answered_at", "remind_at", "escalate_at", "reminded_at", "escalated_at"]
        read_only_fields = fields


class ChangeSerializer(serializers.ModelSerializer):
    contract = serializers.CharField(source="contract.code")
    requested_by = PersonRefSerializer()
    approvals = ApprovalSerializer(many=True, read_only=True)
    assets = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Change
        fields = ["id", "number", "contract", "kind", "title", "reason", "scope", "assets",
                  "config_before", "config_after", "risk", "risk_notes", "test_plan",
                  "rollback_plan", "window_start", "window_end", "downtime", "status",
                  "requested_by", "submitted_at", "approved_at", "approvals",
                  "implementation_result", "implemented_at", "review", "reviewed_at",
                  "created_at", "updated_at"]
        read_only_fields = fields


class ChangeCreateSerializer(serializers.Serializer):
    contract = ContractField(queryset=None)
    kind = serializers.ChoiceField(choices=Change.Kind.choices, default=Change.Kind.NORMAL)
    title = serializers.CharField(max_length=200)
    reason = serializers.CharField()
    scope = serializers.CharField(required=False, allow_blank=True, default="")
    config_before = serializers.CharField(required=False, allow_blank=True, default="")
    config_after = serializers.CharField(required=False, allow_blank=True, default="")
    risk = serializers.ChoiceField(choices=Change.Risk.choices, default=Change.Risk.LOW)
    risk_notes = serializers.CharField(required=False, allow_blank=True, default="")
    test_plan = serializers.CharField(required=False, allow_blank=True, default="")
    rollback_plan = serializers.CharField(required=False, allow_blank=True, default="")
    window_start = serializers.DateTimeField(required=False, allow_null=True, default=None)
    window_end = serializers.DateTimeField(required=False, allow_null=True, default=None)
    downtime = serializers.BooleanField(required=False, default=False)


class SubmitSerializer(serializers.Serializer):
    client_approver = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True,
        default=None, help_text="The client contact who approves; default: the first one.")


class ImplementSerializer(serializers.Serializer):
    result = serializers.CharField()
    succeeded = serializers.BooleanField(default=True)


class ReviewSerializer(serializers.Serializer):
    review = serializers.CharField()


class ChangeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Changes of the caller's contracts (the client's contact: their contract's only)."""

    serializer_class = ChangeSerializer
    pagination_class = NewestFirst
    lookup_field = "number"
    lookup_value_regex = "[^/]+"
    filterset_fields = ["status", "kind"]
    search_fields = ["number", "title"]
    ordering_fields: list = []

    def get_queryset(self):
        return (changes_visible_to(self.request.user)
                .select_related("contract", "requested_by")
                .prefetch_related("assets", "approvals__approver", "approvals__answered_by"))

    def get_object(self):
        return get_or_404(self.get_queryset(), number=self.kwargs["number"])

    def _out(self, change):
        return ChangeSerializer(change_get(user=self.request.user, number=change.number)).data

    @extend_schema(request=ChangeCreateSerializer, responses={201: ChangeSerializer})
    def create(self, request, *args, **kwargs):
        if not works_some_contract(request.user):  # 403 before any field error
            raise PermissionRefused(_("Only the provider's staff request changes."))
        form = ChangeCreateSerializer(data=request.data, context={"request": request})
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        contract = data.pop("contract")
        change = services.change_create(actor=request.user, contract=contract,
                                        data=services.ChangeInput(**data))
        return Response(self._out(change), status=status.HTTP_201_CREATED)

    def _act(self, request, form_class, service):
        change = self.get_object()
        kwargs = {}
        if form_class is not None:
            form = form_class(data=request.data)
            form.is_valid(raise_exception=True)
            kwargs = form.validated_data
        service(actor=request.user, change=change, **kwargs)
        return Response(self._out(change))

    @extend_schema(request=SubmitSerializer, responses=ChangeSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, number=None):
        return self._act(request, SubmitSerializer, services.change_submit)

    def _answer(self, request, approve: bool):
        change = self.get_object()
        form = ApprovalCommentSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        approval = services.approval_of(request.user, change)
        services.approval_answer(actor=request.user, approval=approval, approve=approve,
                                 comment=form.validated_data["comment"])
        return Response(self._out(change))

    @extend_schema(request=ApprovalCommentSerializer, responses=ChangeSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, number=None):
        return self._answer(request, True)

    @extend_schema(request=ApprovalCommentSerializer, responses=ChangeSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, number=None):
        return self._answer(request, False)

    @extend_schema(request=ImplementSerializer, responses=ChangeSerializer)
    @action(detail=True, methods=["post"])
    def implement(self, request, number=None):
        return self._act(request, ImplementSerializer, services.change_implement)

    @extend_schema(request=ReviewSerializer, responses=ChangeSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, number=None):
        return self._act(request, ReviewSerializer, services.change_review)

    @extend_schema(request=None, responses=ChangeSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, number=None):
        return self._act(request, None, services.change_cancel)


class ConsentSerializer(serializers.ModelSerializer):
    ticket = serializers.CharField(source="ticket.number")
    asked_by = PersonRefSerializer()
    approver = PersonRefSerializer()

    class Meta:
        model = Consent
        fields = ["id", "ticket", "operation", "details", "asked_by", "approver", "decision",
                  "comment", "asked_at", "answered_at"]
        read_only_fields = fields


class ConsentAskSerializer(serializers.Serializer):
    ticket = serializers.CharField(help_text="The ticket's number.")
    operation = serializers.ChoiceField(choices=Consent.Operation.choices)
    details = serializers.CharField()
    approver = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True,
        default=None, help_text="Default: the ticket's requester.")

    def validate_ticket(self, value):
        ticket = tickets_visible_to(self.context["request"].user).filter(number=value).first()
        if ticket is None:
            raise serializers.ValidationError(_("No ticket %(number)s that you can see.")
                                              % {"number": value})
        return ticket


class ConsentAnswerSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ConsentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Consent requests on the caller's tickets and those they are asked to answer."""

    serializer_class = ConsentSerializer
    filterset_fields = ["decision"]
    ordering_fields: list = []

    class pagination_class(NewestFirst):  # noqa: N801 - DRF's attribute name
        ordering = ("-asked_at", "-id")

    def get_queryset(self):
        return (consents_visible_to(self.request.user).distinct()
                .select_related("ticket", "asked_by", "approver"))

    @extend_schema(request=ConsentAskSerializer, responses={201: ConsentSerializer})
    def create(self, request, *args, **kwargs):
        if not works_some_contract(request.user):  # 403 before any field error
            raise PermissionRefused(_("Only the provider's staff ask for consent."))
        form = ConsentAskSerializer(data=request.data, context={"request": request})
        form.is_valid(raise_exception=True)
        consent = consent_ask(actor=request.user, **form.validated_data)
        return Response(ConsentSerializer(consent).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ConsentAnswerSerializer, responses=ConsentSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        consent = self.get_object()
        form = ConsentAnswerSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        consent = consent_answer(actor=request.user, consent=consent, **form.validated_data)
        return Response(ConsentSerializer(consent).data)
