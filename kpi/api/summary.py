"""REST API of the KPI figures (K1): GET /api/kpi/summary/?contract=CODE&from=…&to=…

The figures of one contract over whole days, read from the daily rollup (one aggregate query),
for the roles that read dashboards, scoped like the pages: a contract the caller may not read
answers 404, exactly like one that does not exist.
"""

from __future__ import annotations

from datetime import date

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from fieldservice.selectors.visits import arrival_proof
from kpi import figures
from kpi.permissions import may_read_dashboards
from kpi.selectors.dashboard import (
    contract_engineers,
    dashboard_contract,
    scope_for,
)
from sla.models import Contract

# A summary spans at most this many days (a few years of monthly reports; keeps one request
# bounded whatever the caller asks).
MAX_DAYS = 3 * 366


class SummarySerializer(serializers.Serializer):
    contract = serializers.CharField()
    engineer = serializers.IntegerField(allow_null=True)
    from_ = serializers.DateField()
    to = serializers.DateField()
    tickets_opened = serializers.IntegerField()
    tickets_resolved = serializers.IntegerField()
    response_attainment = serializers.FloatField(allow_null=True)
    arrival_attainment = serializers.FloatField(allow_null=True)
    resolution_attainment = serializers.FloatField(allow_null=True)
    fault_resolution_rate = serializers.FloatField(allow_null=True)
    first_line_resolution_rate = serializers.FloatField(allow_null=True)
    reopen_rate = serializers.FloatField(allow_null=True)
    mttr_minutes = serializers.FloatField(allow_null=True)
    satisfaction_rate = serializers.FloatField(allow_null=True)
    survey_response_rate = serializers.FloatField(allow_null=True)
    complaints = serializers.IntegerField()
    major_complaints = serializers.IntegerField()
    arrival_with_proof_rate = serializers.FloatField(
        allow_null=True, help_text="Check-ins with proof of arrival (position at the site, a "
        "matching label or a photo) over all check-ins; counts: checked_in, with_proof.")
    counts = serializers.DictField(child=serializers.IntegerField())
    refreshed_at = serializers.DateTimeField(allow_null=True)

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")  # "from" is a Python keyword
        return fields


def _day(params, name: str) -> date:
    value = params.get(name)
    if not value:
        raise ValidationError({name: [_("This parameter is required (YYYY-MM-DD).")]})
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError({name: [_("Not a date: use YYYY-MM-DD.")]}) from None


def parse_period(params) -> tuple[date, date]:
    start, end = _day(params, "from"), _day(params, "to")
    if end < start:
        raise ValidationError({"to": [_("The end is before the start.")]})
    if (end - start).days + 1 > MAX_DAYS:
        raise ValidationError({"to": [_("At most %(days)d days at a time.") % {"days": MAX_DAYS}]})
    return start, end


# The figures of kpi.figures.from_totals the API returns (SummarySerializer declares their types).
FIGURE_KEYS = ("tickets_opened", "tickets_resolved", "response_attainment", "arrival_attainment",
               "resolution_attainment", "fault_resolution_rate", "first_line_resolution_rate",
               "reopen_rate", "mttr_minutes", "satisfaction_rate", "survey_response_rate",
               "complaints", "major_complaints")
COUNT_KEYS = ("response_met", "response_breached", "arrival_met", "arrival_breached",
              "resolution_met", "resolution_breached", "surveys_sent", "surveys_answered")


class SummaryView(APIView):
    """The KPI summary of one contract for days from..to (inclusive, Asia/Shanghai days)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("contract", OpenApiTypes.STR, required=True,
                             description="Contract code, e.g. DEMO-DESKTOP"),
            OpenApiParameter("from", OpenApiTypes.DATE, required=True),
            OpenApiParameter("to", OpenApiTypes.DATE, required=True,
                             description="Inclusive."),
            OpenApiParameter("engineer", OpenApiTypes.INT, required=False,
                             description="Only tickets assigned to this person (id)."),
        ],
        responses=SummarySerializer,
    )
    def get(self, request):
        if not may_read_dashboards(request.user):
            raise PermissionDenied(_("You may not read KPI figures."))
        code = request.query_params.get("contract")
        if not code:
            raise ValidationError({"contract": [_("This parameter is required.")]})
        start, end = parse_period(request.query_params)
        try:
            contract = dashboard_contract(request.user, code)
        except Contract.DoesNotExist:
            raise NotFound(_("No such contract.")) from None
        engineer = None
        engineer_id = request.query_params.get("engineer")
        if engineer_id:
            try:
                engineer = contract_engineers(contract).get(pk=int(engineer_id))
            except (ValueError, User.DoesNotExist):
                raise ValidationError(
                    {"engineer": [_("Not a member of this contract's team.")]}) from None
        scope = scope_for(contract, engineer=engineer)
        totals = figures.totals(scope, start, end)
        result = figures.from_totals(totals)
        proof = arrival_proof(contract_ids=scope.contract_ids, start=start, end=end,
                              engineer_ids=scope.engineer_ids)  # field service, visits
        body = {
            "contract": contract.code, "engineer": engineer.pk if engineer else None,
            "from": start.isoformat(), "to": end.isoformat(),
            **{key: result[key] for key in FIGURE_KEYS},
            "arrival_with_proof_rate": proof["rate"],
            "counts": {**{key: totals[key] for key in COUNT_KEYS},
                       "checked_in": proof["checked_in"], "with_proof": proof["with_proof"]},
            "refreshed_at": totals["refreshed_at"],
        }
        return Response(body)


def register_routes(router) -> None:
    """Add this module's viewsets to the API (none: the summary is a plain view)."""


def paths() -> list:
    """Extra URL patterns under /api/ that are not viewset routes."""
    return [path("kpi/summary/", SummaryView.as_view(), name="api-kpi-summary")]
