"""REST API of the asset register, scoped like tickets: an asset outside the caller's contracts
answers 404 on every verb; changes go through assets/services/register.py."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from accounts.models import Department, Site, User
from accounts.roles import Capability, can
from assets.filters import AssetFilterSet
from assets.models import Asset, AssetRelation, AssetStatus, AssetType, Criticality
from assets.permissions import may_edit_assets
from assets.selectors.register import (
    asset_list,
    asset_reliability,
    assets_visible_to,
)
from assets.services import register as services
from core.api import IF_MATCH
from core.errors import PermissionRefused
from core.versions import if_match, with_etag
from sla.models import Contract
from sla.selectors import contracts_visible_to


class ByTag(CursorPagination):
    """No COUNT(*): a cursor in register order."""

    ordering = ("id",)
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class RelationSerializer(serializers.ModelSerializer):
    target_tag = serializers.CharField(source="target.tag", read_only=True)

    class Meta:
        model = AssetRelation
        fields = ["id", "kind", "target", "target_tag"]


class AssetSerializer(serializers.ModelSerializer):
    contract = serializers.CharField(source="contract.code", read_only=True)
    asset_type = serializers.CharField(source="asset_type.code", read_only=True)
    custodian = serializers.CharField(source="custodian.username", read_only=True,
                                      allow_null=True, default=None)

    class Meta:
        model = Asset
        fields = ["id", "contract", "tag", "name", "asset_type", "manufacturer", "model",
                  "serial", "part_number", "specs", "software", "site", "location",
                  "department", "custodian", "status", "criticality", "purchase_date",
                  "warranty_end", "warranty_vendor", "notes", "recurring_fault", "retired_at",
                  "created_at", "updated_at"]


class AssetDetailSerializer(AssetSerializer):
    relations = RelationSerializer(source="relations_out", many=True, read_only=True)
    reliability = serializers.SerializerMethodField()

    class Meta(AssetSerializer.Meta):
        fields = [*AssetSerializer.Meta.fields, "relations", "reliability"]

    def get_reliability(self, asset) -> dict:
        figures = asset_reliability(asset)
        return {"faults": figures.faults, "repairs": figures.repairs,
                "mtbf_hours": figures.mtbf_hours, "mttr_hours": figures.mttr_hours}


class AssetWriteSerializer(serializers.Serializer):
    """What a client of the API may set; flags and timestamps belong to the server."""

    contract = serializers.SlugRelatedField(slug_field="code", queryset=Contract.objects.none())
    tag = serializers.CharField(max_length=64, required=False, allow_blank=True)
    name = serializers.CharField(max_length=200)
    asset_type = serializers.SlugRelatedField(slug_field="code",
                                              queryset=AssetType.objects.all())
    manufacturer = serializers.CharField(max_length=100, required=False, allow_blank=True)
    model = serializers.CharField(max_length=100, required=False, allow_blank=True)
    serial = serializers.CharField(max_length=100, required=False, allow_blank=True)
    part_number = serializers.CharField(max_length=100, required=False, allow_blank=True)
    specs = serializers.DictField(child=serializers.CharField(allow_blank=True,
                                                              max_length=200), required=False)
    software = serializers.CharField(required=False, allow_blank=True)
    site = serializers.PrimaryKeyRelatedField(queryset=Site.objects.none(), required=False,
                                              allow_null=True)
    location = serializers.CharField(max_length=200, required=False, allow_blank=True)
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.none(),
                                                    required=False, allow_null=True)
    custodian = serializers.SlugRelatedField(slug_field="username", required=False,
                                             allow_null=True, queryset=User.objects.none())
    status = serializers.ChoiceField(choices=AssetStatus.choices, required=False)
    criticality = serializers.ChoiceField(choices=Criticality.choices, required=False)
    purchase_date = serializers.DateField(required=False, allow_null=True)
    warranty_end = serializers.DateField(required=False, allow_null=True)
    warranty_vendor = serializers.CharField(max_length=100, required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is None:
            return
        contracts = contracts_visible_to(request.user)
        clients = contracts.values("client_id")
        self.fields["contract"].queryset = contracts
        self.fields["site"].queryset = Site.objects.filter(organisation_id__in=clients)
        self.fields["department"].queryset = Department.objects.filter(
            organisation_id__in=clients)
        self.fields["custodian"].queryset = User.objects.filter(organisation_id__in=clients)
        if self.partial:
            del self.fields["contract"]

    def validate(self, data):
        unknown = sorted(set(self.initial_data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError(
                {f: [_("This field cannot be set.")] for f in unknown})
        return data


class AssetViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The register. Filters: contract, q (tag, serial, name, model), type, site, department,
    status (retired ones only when asked for), criticality, warranty (valid / expiring /
    expired / unknown), recurring=true."""

    serializer_class = AssetSerializer
    pagination_class = ByTag
    filter_backends = [DjangoFilterBackend]
    filterset_class = AssetFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        user = self.request.user
        if not can(user, Capability.SEE_ASSETS):
            return assets_visible_to(user).select_related("contract", "asset_type",
                                                           "custodian")
        if self.action != "list":
            return assets_visible_to(user).select_related("contract", "asset_type",
                                                          "custodian")
        return asset_list(user=user)

    def filter_queryset(self, queryset):
        # The filters are the register list's; a single asset is found by id alone (a retired
        # one too), and an end user's own devices are listed unfiltered.
        if self.action != "list" or not can(self.request.user, Capability.SEE_ASSETS):
            return queryset
        return super().filter_queryset(queryset)

    def get_serializer_class(self):
        return AssetDetailSerializer if self.action == "retrieve" else AssetSerializer

    @extend_schema(request=AssetWriteSerializer, responses={201: AssetDetailSerializer})
    def create(self, request, *args, **kwargs):
        _check_may_edit(request.user)
        form = AssetWriteSerializer(data=request.data, context={"request": request})
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        contract = data.pop("contract")
        asset = services.asset_create(actor=request.user, contract=contract, **data)
        return Response(AssetDetailSerializer(asset, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=AssetWriteSerializer, responses=AssetDetailSerializer,
                   parameters=[IF_MATCH])
    def partial_update(self, request, *args, **kwargs):
        _check_may_edit(request.user)
        asset = self.get_object()
        form = AssetWriteSerializer(data=request.data, partial=True,
                                    context={"request": request})
        form.is_valid(raise_exception=True)
        asset = services.asset_update(actor=request.user, asset=asset,
                                      expected_version=if_match(request), **form.validated_data)
        return with_etag(Response(AssetDetailSerializer(asset, context={"request": request}).data),
                         asset)

    def retrieve(self, request, *args, **kwargs):
        """The asset, with an ETag: send it back as If-Match on PATCH to refuse a stale edit."""
        asset = self.get_object()
        return with_etag(Response(self.get_serializer(asset).data), asset)

    @extend_schema(request=None, responses=AssetDetailSerializer)
    @action(detail=True, methods=["post"])
    def retire(self, request, pk=None):
        _check_may_edit(request.user)
        asset = self.get_object()
        asset = services.asset_retire(actor=request.user, asset=asset,
                                      reason=str(request.data.get("reason", ""))[:500])
        return Response(AssetDetailSerializer(asset, context={"request": request}).data)


def _check_may_edit(user) -> None:
    """Before the body is read: a role that only reads the register gets 403, not field errors
    that would tell it what a valid asset looks like (the service checks again, per contract)."""
    if not may_edit_assets(user):
        raise PermissionRefused(_("Your role may not change the asset register."))


def register_routes(router) -> None:
    router.register("assets", AssetViewSet, basename="asset")
