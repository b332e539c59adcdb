"""Service reports over the API (issue 16 contract, f16common.md):

- ``POST /api/tickets/{id}/service-report/``: write the ticket's report (the draft; a new
  version when the latest is signed or final), ``GET`` lists the ticket's reports;
- ``GET /api/service-reports/``, ``GET|PATCH /api/service-reports/{id}/`` (a draft only);
- ``POST /api/service-reports/{id}/sign/`` (``role``, a PNG ``signature``, ``signer_name``);
- ``POST /api/service-reports/{id}/no-signature/`` (``kind``, ``reason``);
- ``POST /api/service-reports/{id}/confirm/`` (the client);
- ``GET /api/service-reports/{id}/pdf/``.
The services raise the domain errors; core/api.py maps them (400/403/409).
"""

from __future__ import annotations

from django.http import Http404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, parsers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from core import uploads
from core.errors import ActionRefused, InvalidInput
from fieldservice.models import NoSignature, ServiceReport, ServiceReportPart
from fieldservice.selectors import reports as sel
from fieldservice.services import reports as svc
from tickets.models import Ticket
from tickets.selectors import ticket_get


class PartLineSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="part.code", read_only=True)
    name = serializers.CharField(source="part.name", read_only=True)
    unit = serializers.CharField(source="part.unit", read_only=True)

    class Meta:
        model = ServiceReportPart
        fields = ["part", "code", "name", "unit", "quantity"]


class FieldServiceReportSerializer(serializers.ModelSerializer):
    ticket_number = serializers.CharField(source="ticket.number", read_only=True)
    parts = PartLineSerializer(many=True, read_only=True)
    engineer_name = serializers.CharField(read_only=True)
    corrected = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = ServiceReport
        fields = ["id", "ticket", "ticket_number", "visit", "version", "supersedes", "corrected",
                  "status", "symptom", "cause", "actions", "result", "follow_up", "parts",
                  "engineer", "engineer_name", "requester_name", "requester_signed_at",
                  "engineer_signed_at", "no_signature", "no_signature_reason", "frozen_at",
                  "confirm_due", "confirmed_at", "confirmed_by", "pdf_url", "created_at",
                  "updated_at"]
        read_only_fields = fields

    def get_corrected(self, report) -> bool:
        """True when a newer version corrects this one."""
        return hasattr(report, "superseded_by")

    def get_pdf_url(self, report) -> str | None:
        if report.pdf_id is None:
            return None
        return reverse("api-service-report-pdf", args=[report.pk],
                       request=self.context.get("request"))


class PartInputSerializer(serializers.Serializer):
    part = serializers.IntegerField(min_value=1)
    quantity = serializers.IntegerField(min_value=1, max_value=9999)


class ReportInputSerializer(serializers.Serializer):
    symptom = serializers.CharField(max_length=svc.TEXT_MAX)
    cause = serializers.CharField(max_length=svc.TEXT_MAX, required=False, allow_blank=True)
    actions = serializers.CharField(max_length=svc.TEXT_MAX)
    result = serializers.CharField(max_length=svc.TEXT_MAX)
    follow_up = serializers.CharField(max_length=svc.TEXT_MAX, required=False, allow_blank=True)
    parts = PartInputSerializer(many=True, required=False)
    visit = serializers.IntegerField(required=False, min_value=1)


class SignSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=list(svc.ROLES))
    signature = serializers.FileField()
    signer_name = serializers.CharField(max_length=100, required=False, allow_blank=True)


class NoSignatureSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[NoSignature.REFUSED.value, NoSignature.ABSENT.value])
    reason = serializers.CharField(max_length=svc.TEXT_MAX)


def _visit(ticket: Ticket, pk: int | None):
    if pk is None:
        return None
    visit = ticket.visits.filter(pk=pk).first()
    if visit is None:
        raise InvalidInput(_("That visit is not one of ticket %(number)s.")
                           % {"number": ticket.number}, field="visit")
    return visit


def _save(request, ticket: Ticket, *, partial_of: ServiceReport | None = None):
    form = ReportInputSerializer(data=request.data, partial=partial_of is not None)
    form.is_valid(raise_exception=True)
    data = dict(form.validated_data)
    if partial_of is not None:  # PATCH: what is not sent stays as it is
        for name in svc.TEXT_FIELDS:
            data.setdefault(name, getattr(partial_of, name))
        if "parts" not in data:
            data["parts"] = [{"part": line.part_id, "quantity": line.quantity}
                             for line in partial_of.parts.all()]
    parts = [dict(line) for line in data.pop("parts", [])]
    visit = _visit(ticket, data.pop("visit", None))
    return svc.report_save(actor=request.user, ticket=ticket, data=data, parts=parts,
                           visit=visit)


class TicketServiceReportView(APIView):
    """The ticket's service reports: GET every version, POST writes the report."""

    parser_classes = [parsers.JSONParser, parsers.FormParser, parsers.MultiPartParser]

    def _ticket(self, request, pk: int) -> Ticket:
        try:
            return ticket_get(user=request.user, pk=pk)
        except Ticket.DoesNotExist:
            raise Http404 from None

    @extend_schema(responses=FieldServiceReportSerializer(many=True))
    def get(self, request, pk: int):
        ticket = self._ticket(request, pk)
        reports = sel.reports_of_ticket(user=request.user, ticket=ticket)
        return Response(FieldServiceReportSerializer(reports, many=True,
                                                context={"request": request}).data)

    @extend_schema(request=ReportInputSerializer,
                   responses={201: FieldServiceReportSerializer,
                              200: FieldServiceReportSerializer})
    def post(self, request, pk: int):
        ticket = self._ticket(request, pk)
        report, created = _save(request, ticket)
        report = sel.report_get(user=request.user, pk=report.pk)
        return Response(FieldServiceReportSerializer(report, context={"request": request}).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class ServiceReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                           viewsets.GenericViewSet):
    """Service reports of the tickets the caller sees."""

    serializer_class = FieldServiceReportSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return sel.for_display(sel.reports_visible_to(self.request.user)).order_by(
            "-created_at", "-pk")

    def _fresh(self, report: ServiceReport):
        report = sel.report_get(user=self.request.user, pk=report.pk)
        return Response(self.get_serializer(report).data)

    @extend_schema(request=ReportInputSerializer, responses=FieldServiceReportSerializer)
    def partial_update(self, request, pk=None):
        """Change the draft; a signed or final report is refused (409): POST a correction to
        the ticket's service-report instead."""
        report = self.get_object()
        if not svc.is_editable(report) or svc.latest_report(report.ticket) != report:
            raise ActionRefused(svc.final_message(), code="frozen")
        report, _created = _save(request, report.ticket, partial_of=report)
        return self._fresh(report)

    @extend_schema(request=SignSerializer, responses=FieldServiceReportSerializer)
    @action(detail=True, methods=["post"],
            parser_classes=[parsers.MultiPartParser, parsers.FormParser])
    def sign(self, request, pk=None):
        report = self.get_object()
        form = SignSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        report = svc.report_sign(actor=request.user, report=report, role=data["role"],
                                 signature=data["signature"],
                                 signer_name=data.get("signer_name", ""))
        return self._fresh(report)

    @extend_schema(request=NoSignatureSerializer, responses=FieldServiceReportSerializer)
    @action(detail=True, methods=["post"], url_path="no-signature")
    def no_signature(self, request, pk=None):
        report = self.get_object()
        form = NoSignatureSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        report = svc.report_without_signature(actor=request.user, report=report,
                                              **form.validated_data)
        return self._fresh(report)

    @extend_schema(request=None, responses=FieldServiceReportSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        report = svc.report_confirm(actor=request.user, report=self.get_object())
        return self._fresh(report)

    @extend_schema(responses={(200, "application/pdf"): bytes})
    @action(detail=True, methods=["get"], url_name="pdf")
    def pdf(self, request, pk=None):
        """The frozen report's PDF (staff of the contract, the requester, the client contacts:
        whoever sees the ticket)."""
        report = self.get_object()
        if report.pdf_id is None:
            raise Http404
        return uploads.inline_response(report.pdf)


def register_routes(router) -> None:
    router.register("service-reports", ServiceReportViewSet, basename="api-service-report")


def paths() -> list:
    return [path("tickets/<int:pk>/service-report/", TicketServiceReportView.as_view(),
                 name="api-ticket-service-report")]
