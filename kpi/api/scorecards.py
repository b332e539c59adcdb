"""REST API of the KPI scorecards (K2): GET /api/kpi/scorecards/?contract=CODE&quarter=YYYY-Qn
and /api/kpi/scorecards/<id>/, scoped like the pages (kpi/selectors/scorecards.py): managers
read their contracts' scorecards, an engineer only their own; the client's people and the desk
are refused the list (403) and never find one scorecard (404)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response

from accounts.api import PersonRefSerializer
from core.periods import Quarter
from kpi.models import Scorecard, ScorecardRating
from kpi.permissions import has_own_scorecards, is_manager
from kpi.selectors import scorecards as selectors
from kpi.services import scorecards as services
from sla.models import Contract


class RatingSerializer(serializers.ModelSerializer):
    rated_by = PersonRefSerializer()

    class Meta:
        model = ScorecardRating
        fields = ["item", "score", "note", "rated_by", "rated_at"]
        read_only_fields = fields


class ScorecardSerializer(serializers.ModelSerializer):
    engineer = PersonRefSerializer()
    contract = serializers.CharField(source="contract.code")
    ratings = RatingSerializer(many=True)
    objective_score = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True,
                                               coerce_to_string=False)
    rating_score = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True,
                                            coerce_to_string=False)
    composite = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True,
                                         coerce_to_string=False)

    class Meta:
        model = Scorecard
        fields = ["id", "engineer", "contract", "year", "quarter", "figures", "objective_score",
                  "rating_score", "composite", "below_standard", "computed_at", "ratings"]
        read_only_fields = fields


FILTERS = [
    OpenApiParameter("contract", OpenApiTypes.STR, description="Contract code."),
    OpenApiParameter("quarter", OpenApiTypes.STR, description="YYYY-Qn, e.g. 2026-Q1."),
]


@extend_schema_view(list=extend_schema(parameters=FILTERS))
class ScorecardViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ScorecardSerializer
    pagination_class = None

    def _base(self):
        return (selectors.scorecards_visible_to(self.request.user)
                .select_related("engineer", "contract")
                .prefetch_related("ratings__rated_by")
                .order_by("-year", "-quarter", "contract__code", "engineer__name"))

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Scorecard.objects.none()
        return self._base()

    def list(self, request, *args, **kwargs):
        user = request.user
        if not (is_manager(user) or has_own_scorecards(user)):
            raise PermissionDenied(_("You may not read scorecards."))
        quarter = None
        if request.query_params.get("quarter"):
            quarter = Quarter.parse(request.query_params["quarter"])
            if quarter is None:
                raise ValidationError({"quarter": [_("Give the quarter as YYYY-Qn.")]})
        cards = self._base()
        code = request.query_params.get("contract")
        if code:
            contract = None
            if is_manager(user):
                try:
                    contract = selectors.scorecard_contract(user, code)
                except Contract.DoesNotExist:
                    raise NotFound from None
                if quarter is not None and quarter <= Quarter.current():
                    services.quarter_open(contract, quarter)
            cards = cards.filter(contract__code=code)
            if contract is None:
                cards = cards.filter(engineer=user)
        if quarter is not None:
            cards = cards.filter(year=quarter.year, quarter=quarter.quarter)
        cards = cards[:500]
        return Response(self.get_serializer(cards, many=True).data)


def register_routes(router) -> None:
    """Add this module's viewsets to the API."""
    router.register("kpi/scorecards", ScorecardViewSet, basename="kpi-scorecard")


def paths() -> list:
    """Extra URL patterns under /api/ that are not viewset routes."""
    return []
