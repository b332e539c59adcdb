"""REST API for campaigns (read-only list with the live response rate) and the satisfaction
analysis figures; register_routes and paths() are wired in itsm/api.py."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.roles import Capability, can
from surveys.analysis import analysis_json, satisfaction_analysis
from surveys.models import Campaign
from surveys.permissions import may_read_campaigns
from surveys.selectors.campaigns import campaign_list, response_rate
from surveys.views.campaigns import analysis_params


class CampaignSerializer(serializers.ModelSerializer):
    invited = serializers.IntegerField(read_only=True)
    answered = serializers.IntegerField(read_only=True)
    response_rate = serializers.SerializerMethodField()
    contracts = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Campaign
        fields = ["id", "title", "status", "anonymous", "opens_on", "closes_on", "contracts",
                  "invited", "answered", "response_rate"]

    def get_response_rate(self, obj) -> float | None:
        return response_rate(obj.answered, obj.invited)


class CampaignViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Campaigns of the caller's contracts with invited/answered counts and the response rate."""

    serializer_class = CampaignSerializer
    filter_backends: list = []

    def get_queryset(self):
        if not may_read_campaigns(self.request.user):
            raise PermissionDenied
        return campaign_list(user=self.request.user).prefetch_related("contracts")


class AnalysisView(APIView):
    """GET ?contract=CODE&from=YYYY-MM-DD&to=YYYY-MM-DD: the satisfaction analysis as JSON."""

    @extend_schema(
        parameters=[OpenApiParameter("contract", str), OpenApiParameter("from", str),
                    OpenApiParameter("to", str)],
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT})
    def get(self, request):
        if not can(request.user, Capability.READ_DASHBOARDS):
            raise PermissionDenied
        contract, start, end, form = analysis_params(request.user, request.query_params)
        if form.errors:
            raise ValidationError({name: list(errors) for name, errors in form.errors.items()})
        return Response(analysis_json(satisfaction_analysis(contract=contract, start=start,
                                                            end=end)))


def register_routes(router) -> None:
    router.register("campaigns", CampaignViewSet, basename="campaign")


def paths() -> list:
    return [path("surveys/analysis/", AnalysisView.as_view(), name="api-survey-analysis")]
