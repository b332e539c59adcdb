"""REST API for inspections (巡检): rounds with their records and results, recording one asset
(the same service as the page), plans (read-only). Scoped like tickets: whatever lies outside
the caller's contracts (or role) is 404."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from accounts.api import PersonRefSerializer
from assets.filters import RoundFilterSet
from assets.models import (
    InspectionPlan,
    InspectionRecord,
    InspectionResult,
    InspectionRound,
)
from assets.selectors.inspections import (
    plans_visible_to,
    records_visible_to,
    rounds_visible_to,
    with_progress,
)
from assets.services.inspections import InspectionInputError, inspection_record_complete
from core.errors import InvalidInput


class ResultSerializer(serializers.ModelSerializer):
    item_name = serializers.CharField(source="item.label")

    class Meta:
        model = InspectionResult
        fields = ["item", "item_name", "outcome", "note"]


class RecordSerializer(serializers.ModelSerializer):
    asset_tag = serializers.CharField(source="asset.tag")
    asset_name = serializers.CharField(source="asset.name")
    inspected_by = PersonRefSerializer(allow_null=True)
    ticket = serializers.SlugRelatedField(slug_field="number", read_only=True)
    results = ResultSerializer(many=True)
    photos = serializers.SerializerMethodField()

    class Meta:
        model = InspectionRecord
        fields = ["id", "round", "asset", "asset_tag", "asset_name", "outcome", "notes",
                  "inspected_by", "inspected_at", "ticket", "results", "photos"]

    def get_photos(self, record) -> list[str]:
        from django.urls import reverse

        request = self.context["request"]
        return [request.build_absolute_uri(reverse("assets:inspection_photo", args=[p.pk]))
                for p in record.photos.all()]


class RoundSerializer(serializers.ModelSerializer):
    contract = serializers.CharField(source="contract.code")
    plan_name = serializers.CharField(source="plan.name")
    assignee = PersonRefSerializer(allow_null=True)
    total = serializers.IntegerField(read_only=True)
    done = serializers.IntegerField(read_only=True)
    failed = serializers.IntegerField(read_only=True)

    class Meta:
        model = InspectionRound
        fields = ["id", "contract", "plan", "plan_name", "kind", "holiday", "period_start",
                  "due_on", "assignee", "status", "created_at", "completed_at", "total", "done",
                  "failed"]


class RoundDetailSerializer(RoundSerializer):
    records = serializers.SerializerMethodField()

    class Meta(RoundSerializer.Meta):
        fields = [*RoundSerializer.Meta.fields, "records"]

    @extend_schema_field(RecordSerializer(many=True))
    def get_records(self, round_) -> list[dict]:
        records = (round_.records.select_related("asset", "inspected_by", "ticket")
                   .prefetch_related("results__item", "photos").order_by("asset__tag", "pk"))
        return RecordSerializer(records, many=True, context=self.context).data


class PlanSerializer(serializers.ModelSerializer):
    contract = serializers.CharField(source="contract.code")
    template_name = serializers.CharField(source="template.name")
    assignee = PersonRefSerializer(allow_null=True)
    asset_type = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = InspectionPlan
        fields = ["id", "contract", "name", "frequency", "template", "template_name",
                  "assignee", "asset_type", "criticality", "site", "pre_holiday", "starts_on",
                  "active"]


class AnswerSerializer(serializers.Serializer):
    item = serializers.IntegerField()
    outcome = serializers.ChoiceField(choices=InspectionResult.Outcome.values)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class CompleteSerializer(serializers.Serializer):
    results = AnswerSerializer(many=True)
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)

    def validate_results(self, value):
        items = [row["item"] for row in value]
        if len(items) != len(set(items)):
            raise serializers.ValidationError(_("Answer each item once."))
        return value


class DueFirst(CursorPagination):
    ordering = ("due_on", "id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class InspectionRoundViewSet(viewsets.ReadOnlyModelViewSet):
    """Rounds of the caller's contracts; the detail lists every record with its results."""

    filterset_class = RoundFilterSet
    pagination_class = DueFirst
    search_fields = []
    ordering_fields = []

    def get_queryset(self):
        return (with_progress(rounds_visible_to(self.request.user))
                .select_related("contract", "plan", "assignee"))

    def get_serializer_class(self):
        return RoundDetailSerializer if self.action == "retrieve" else RoundSerializer


class InspectionRecordViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """One asset's inspection; POST …/complete/ records it."""

    serializer_class = RecordSerializer

    def get_queryset(self):
        return (records_visible_to(self.request.user)
                .select_related("asset", "inspected_by", "ticket")
                .prefetch_related("results__item", "photos"))

    @extend_schema(request=CompleteSerializer, responses=RecordSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        record = self.get_object()
        form = CompleteSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        results = {row["item"]: (row["outcome"], row["note"]) for row in data["results"]}
        try:
            inspection_record_complete(actor=request.user, record=record, results=results,
                                       notes=data["notes"])
        except InspectionInputError as exc:
            # Its errors are keyed by checklist item: under `results`, as a serializer nests them.
            raise InvalidInput(exc.message, errors={"results": {
                str(k): [str(v)] for k, v in exc.errors.items()}} if exc.errors else None,
            ) from None
        return Response(self.get_serializer(self.get_queryset().get(pk=record.pk)).data)


class InspectionPlanViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PlanSerializer
    filterset_fields = ["frequency", "active"]
    search_fields = []
    ordering_fields = []

    def get_queryset(self):
        return (plans_visible_to(self.request.user)
                .select_related("contract", "template", "assignee", "asset_type")
                .order_by("contract__code", "name", "pk"))


def register_routes(router) -> None:
    """Add this module's viewsets to the API router."""
    router.register("inspection-rounds", InspectionRoundViewSet, basename="inspection-round")
    router.register("inspection-records", InspectionRecordViewSet, basename="inspection-record")
    router.register("inspection-plans", InspectionPlanViewSet, basename="inspection-plan")
