"""REST API of maintenance notices: /api/notices/ (list, retrieve, publish, edit) and cancel.

The contract (keep it exactly): POST /api/notices/ with contract, title, starts_at, ends_at,
body answers 400 naming starts_at when the window starts sooner than the contract's notice
period (48 h by default), unless emergency_reason is given by the contract's PM."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.models import Site
from core.errors import PermissionRefused
from knowledge.api._common import ContractField, NewestFirst, get_or_404
from knowledge.models import Notice
from knowledge.selectors.changes import changes_visible_to
from knowledge.selectors.notices import notices_visible_to
from knowledge.services import notices as services
from knowledge.services._common import publishes_some
from tickets.models import ServiceType


class NoticeSerializer(serializers.ModelSerializer):
    contract = serializers.CharField(source="contract.code")
    change = serializers.CharField(source="change.number", allow_null=True, default=None)
    service_type = serializers.CharField(source="service_type.code", allow_null=True,
                                         default=None)
    sites = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    tickets = serializers.SlugRelatedField(slug_field="number", many=True, read_only=True)

    class Meta:
        model = Notice
        fields = ["id", "contract", "change", "title", "body", "starts_at", "ends_at", "sites",
                  "service_type", "contact", "emergency_reason", "published_at", "updated_at",
                  "revision", "cancelled_at", "tickets"]
        read_only_fields = fields


class NoticeWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    body = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    sites = serializers.PrimaryKeyRelatedField(queryset=Site.objects.all(), many=True,
                                               required=False)
    service_type = serializers.SlugRelatedField(slug_field="code",
                                                queryset=ServiceType.objects.all(),
                                                required=False, allow_null=True)
    contact = serializers.CharField(max_length=200, required=False, allow_blank=True)
    emergency_reason = serializers.CharField(required=False, allow_blank=True,
                                             help_text="PM only: why the notice is late.")


class NoticeCreateSerializer(NoticeWriteSerializer):
    contract = ContractField(queryset=None)
    change = serializers.CharField(required=False, allow_null=True, default=None,
                                   help_text="The change's number.")

    def validate_change(self, value):
        if not value:
            return None
        change = changes_visible_to(self.context["request"].user).filter(number=value).first()
        if change is None:
            raise serializers.ValidationError(_("No such change."))
        return change


class NoticeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Notices of the caller's contracts, soonest window first."""

    serializer_class = NoticeSerializer
    filterset_fields = ["cancelled_at"]
    ordering_fields: list = []

    class pagination_class(NewestFirst):  # noqa: N801 - DRF's attribute name
        ordering = ("starts_at", "id")

    def get_queryset(self):
        return (notices_visible_to(self.request.user)
                .select_related("contract", "change", "service_type")
                .prefetch_related("sites", "tickets"))

    def get_object(self):
        return get_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    @extend_schema(request=NoticeCreateSerializer, responses={201: NoticeSerializer})
    def create(self, request, *args, **kwargs):
        if not publishes_some(request.user):  # 403 before any field error
            raise PermissionRefused(_("Only the desk and the contract's managers publish "
                                      "notices."))
        form = NoticeCreateSerializer(data=request.data, context={"request": request})
        form.is_valid(raise_exception=True)
        notice = services.notice_publish(actor=request.user, **form.validated_data)
        return Response(NoticeSerializer(self.get_queryset().get(pk=notice.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=NoticeWriteSerializer, responses=NoticeSerializer)
    def partial_update(self, request, *args, **kwargs):
        notice = self.get_object()
        if not services.may_publish(request.user, notice.contract):
            raise PermissionRefused(_("Only the desk and the contract's managers edit notices."))
        form = NoticeWriteSerializer(data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        fields = dict(form.validated_data)
        sites = fields.pop("sites", None)
        services.notice_update(actor=request.user, notice=notice, sites=sites, **fields)
        return Response(NoticeSerializer(self.get_queryset().get(pk=notice.pk)).data)

    @extend_schema(request=None, responses=NoticeSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        services.notice_cancel(actor=request.user, notice=self.get_object())
        return Response(NoticeSerializer(self.get_queryset().get(pk=self.kwargs["pk"])).data)
