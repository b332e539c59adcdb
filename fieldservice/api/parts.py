"""REST API of parts requested to site (备件领用): create (engineer), issue (store, a stock
movement), deliver. Requests outside the caller's tickets answer 404."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from assets.models import Part, StockLocation
from core.errors import InvalidInput
from fieldservice.models import PartRequest, Visit
from fieldservice.selectors import repairs as sel
from fieldservice.services import parts as svc
from tickets.selectors import tickets_visible_to


class PartRequestSerializer(serializers.ModelSerializer):
    ticket = serializers.CharField(source="ticket.number", read_only=True)
    part_code = serializers.CharField(source="part.code", read_only=True)
    part_name = serializers.CharField(source="part.name", read_only=True)
    location = serializers.CharField(source="movement.location.name", default=None,
                                     read_only=True)
    on_time = serializers.BooleanField(read_only=True, allow_null=True)

    class Meta:
        model = PartRequest
        fields = ["id", "ticket", "visit", "part", "part_code", "part_name", "quantity", "note",
                  "status", "requested_at", "needed_by", "issued_at", "location",
                  "delivered_at", "on_time"]
        read_only_fields = fields


class PartRequestCreateSerializer(serializers.Serializer):
    ticket = serializers.IntegerField(help_text="The ticket's id.")
    part = serializers.IntegerField(help_text="The spare part's id (of the ticket's contract).")
    quantity = serializers.IntegerField(min_value=1, max_value=999)
    visit = serializers.IntegerField(required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class PartIssueSerializer(serializers.Serializer):
    location = serializers.IntegerField(help_text="The store (stock location) to issue from.")


class PartRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                         mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Part requests of the caller's tickets, the most urgent first (``?status=open``)."""

    serializer_class = PartRequestSerializer
    filterset_fields = ["status"]
    search_fields = ["ticket__number", "part__code", "part__name"]
    ordering_fields = ["needed_by", "requested_at"]

    def get_queryset(self):
        return sel.part_request_list(user=self.request.user)

    @extend_schema(request=PartRequestCreateSerializer, responses={201: PartRequestSerializer})
    def create(self, request, *args, **kwargs):
        form = PartRequestCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        ticket = tickets_visible_to(request.user).select_related("contract").filter(
            pk=data["ticket"]).first()
        if ticket is None:
            raise InvalidInput(_("No such ticket."), field="ticket")
        part = Part.objects.filter(pk=data["part"], contract_id=ticket.contract_id).first()
        visit = (Visit.objects.filter(pk=data["visit"], ticket=ticket).first()
                 if data["visit"] else None)
        if data["visit"] and visit is None:
            raise InvalidInput(_("No such visit of this ticket."), field="visit")
        created = svc.part_request_create(actor=request.user, ticket=ticket, part=part,
                                          quantity=data["quantity"], visit=visit,
                                          note=data["note"])
        return Response(self.get_serializer(self.get_queryset().get(pk=created.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=PartIssueSerializer, responses=PartRequestSerializer)
    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None):
        form = PartIssueSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        part_request = self.get_object()
        location = StockLocation.objects.filter(
            pk=form.validated_data["location"],
            contract_id=part_request.ticket.contract_id).first()
        svc.part_request_issue(actor=request.user, request=part_request, location=location)
        return Response(self.get_serializer(self.get_queryset().get(pk=part_request.pk)).data)

    @extend_schema(request=None, responses=PartRequestSerializer)
    @action(detail=True, methods=["post"])
    def deliver(self, request, pk=None):
        part_request = self.get_object()
        svc.part_request_deliver(actor=request.user, request=part_request)
        return Response(self.get_serializer(self.get_queryset().get(pk=part_request.pk)).data)


def register_routes(router) -> None:
    router.register("part-requests", PartRequestViewSet, basename="part-request")


