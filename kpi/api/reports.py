"""REST API of the KPI reports: GET /api/kpi/reports/ (and /<id>/) — the archived service
reports of the contracts the caller may read (kpi.selectors.reports), with download links."""

from __future__ import annotations

from django.urls import reverse
from rest_framework import mixins, serializers, viewsets

from kpi.models.reports import ReportKind, ServiceReport
from kpi.selectors.reports import reports_visible_to


class ServiceReportSerializer(serializers.ModelSerializer):
    contract = serializers.CharField(source="contract.code")
    ticket = serializers.CharField(source="ticket.number", allow_null=True, default=None)
    pdf_url = serializers.SerializerMethodField()
    xlsx_url = serializers.SerializerMethodField()

    class Meta:
        model = ServiceReport
        fields = ["id", "contract", "kind", "period_start", "period_end", "ticket", "version",
                  "due_on", "generated_at", "sent_at", "pdf_url", "xlsx_url"]
        read_only_fields = fields

    def _url(self, report, name: str, field: str) -> str | None:
        if not getattr(report, field):
            return None
        url = reverse(name, args=[report.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url

    def get_pdf_url(self, report) -> str | None:
        return self._url(report, "kpi:report_pdf", "pdf")

    def get_xlsx_url(self, report) -> str | None:
        return self._url(report, "kpi:report_xlsx", "xlsx")


class ServiceReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                           viewsets.GenericViewSet):
    """Archived service reports; ?contract=CODE&kind=monthly_summary filter them. A report of
    a contract the caller may not read answers 404."""

    serializer_class = ServiceReportSerializer
    filterset_fields = []
    search_fields = []
    ordering_fields = []

    def get_queryset(self):
        rows = reports_visible_to(self.request.user)
        params = self.request.query_params
        if params.get("contract"):
            rows = rows.filter(contract__code=params["contract"])
        if params.get("kind") in ReportKind.values:
            rows = rows.filter(kind=params["kind"])
        return rows.order_by("-period_start", "contract__code", "kind", "-pk")


def register_routes(router) -> None:
    """Add this module's viewsets to the API."""
    router.register("kpi/reports", ServiceReportViewSet, basename="kpi-report")


def paths() -> list:
    """Extra URL patterns under /api/ that are not viewset routes."""
    return []
