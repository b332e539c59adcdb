"""REST API of vendor repairs (送修): the same selectors and services as the pages. A repair
outside the caller's tickets answers 404; the services decide 400/403/409."""

from __future__ import annotations

from django.http import Http404
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from assets.models import Asset
from fieldservice.models import RepairUpdate, VendorRepair
from fieldservice.repair_workflow import allowed_actions
from fieldservice.selectors import repairs as sel
from fieldservice.services import repairs as svc
from tickets.models import Ticket
from tickets.selectors import tickets_visible_to


class RepairUpdateSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.display_name", read_only=True)

    class Meta:
        model = RepairUpdate
        fields = ["id", "author", "body", "created_at"]


class VendorRepairSerializer(serializers.ModelSerializer):
    ticket = serializers.CharField(source="ticket.number", read_only=True)
    ticket_id = serializers.IntegerField(read_only=True)
    asset = serializers.CharField(source="asset.tag", default=None, read_only=True)
    loaner = serializers.CharField(source="loan.asset.tag", default=None, read_only=True)
    actions = serializers.SerializerMethodField()

    class Meta:
        model = VendorRepair
        fields = ["id", "ticket", "ticket_id", "asset", "vendor", "in_warranty", "rma_number",
                  "fault", "data_backed_up", "storage_kept", "status", "sent_on",
                  "expected_back", "progress_due", "return_due", "quote_amount", "quote_text",
                  "quoted_at", "quote_decided_at", "returned_on", "loaner", "created_at",
                  "actions"]
        read_only_fields = fields

    def get_actions(self, repair) -> list[str]:
        return allowed_actions(self.context["request"].user, repair)


class RepairDetailSerializer(VendorRepairSerializer):
    updates = RepairUpdateSerializer(many=True, read_only=True)

    class Meta(VendorRepairSerializer.Meta):
        fields = [*VendorRepairSerializer.Meta.fields, "updates"]
        read_only_fields = fields


class RepairCreateSerializer(serializers.Serializer):
    vendor = serializers.CharField(max_length=100, required=False, allow_blank=True,
                                   default="")
    in_warranty = serializers.BooleanField()
    rma_number = serializers.CharField(max_length=64, required=False, allow_blank=True,
                                       default="")
    fault = serializers.CharField(max_length=4000, required=False, allow_blank=True,
                                  default="")
    data_backed_up = serializers.BooleanField(default=False)
    storage_kept = serializers.BooleanField(default=True)
    sent_on = serializers.DateField(required=False, allow_null=True, default=None)
    expected_back = serializers.DateField(required=False, allow_null=True, default=None)


class RepairQuoteSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0)
    text = serializers.CharField(max_length=4000)


class RepairProgressSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=4000)


class RepairLendSerializer(serializers.Serializer):
    asset = serializers.IntegerField(help_text="The spare device's id.")
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class RepairReturnSerializer(serializers.Serializer):
    returned_on = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True,
                                 default="")


class TicketRepairsView(APIView):
    """GET: the ticket's vendor repairs. POST: send its device for repair; the answer has
    ``progress_due`` (next written update, working days) and ``return_due``."""

    def _ticket(self, request, pk: int) -> Ticket:
        try:
            return tickets_visible_to(request.user).select_related(
                "contract__calendar", "asset", "requester").get(pk=pk)
        except Ticket.DoesNotExist:
            raise Http404 from None

    @extend_schema(responses=VendorRepairSerializer(many=True))
    def get(self, request, pk: int):
        ticket = self._ticket(request, pk)
        repairs = sel.repair_list(user=request.user).filter(ticket=ticket)
        return Response(VendorRepairSerializer(repairs, many=True,
                                               context={"request": request}).data)

    @extend_schema(request=RepairCreateSerializer, responses={201: VendorRepairSerializer})
    def post(self, request, pk: int):
        ticket = self._ticket(request, pk)
        form = RepairCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        repair = svc.repair_create(actor=request.user, ticket=ticket, **form.validated_data)
        repair = sel.repair_get(user=request.user, pk=repair.pk)
        return Response(VendorRepairSerializer(repair, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)


class VendorRepairViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                          viewsets.GenericViewSet):
    """Vendor repairs of the tickets the caller sees, most urgent return first; one POST per
    transition (quote, approve, decline, update, lend, return)."""

    serializer_class = VendorRepairSerializer
    filterset_fields = ["status", "in_warranty"]
    search_fields = ["ticket__number", "vendor", "rma_number"]
    ordering_fields = ["return_due", "progress_due", "sent_on"]

    def get_queryset(self):
        return sel.repair_list(user=self.request.user)

    def get_serializer_class(self):
        return RepairDetailSerializer if self.action != "list" else VendorRepairSerializer

    def _answer(self, request, repair):
        repair = sel.repair_get(user=request.user, pk=repair.pk)
        return Response(RepairDetailSerializer(repair, context={"request": request}).data)

    def _input(self, request, serializer_class) -> dict:
        form = serializer_class(data=request.data)
        form.is_valid(raise_exception=True)
        return form.validated_data

    @extend_schema(request=RepairQuoteSerializer, responses=RepairDetailSerializer)
    @action(detail=True, methods=["post"])
    def quote(self, request, pk=None):
        data = self._input(request, RepairQuoteSerializer)
        return self._answer(request, svc.repair_quote(actor=request.user,
                                                      repair=self.get_object(), **data))

    @extend_schema(request=None, responses=RepairDetailSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._answer(request, svc.repair_approve(actor=request.user,
                                                        repair=self.get_object()))

    @extend_schema(request=None, responses=RepairDetailSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        return self._answer(request, svc.repair_decline(actor=request.user,
                                                        repair=self.get_object()))

    @extend_schema(request=RepairProgressSerializer, responses=RepairDetailSerializer)
    @action(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        data = self._input(request, RepairProgressSerializer)
        repair = self.get_object()
        svc.repair_update(actor=request.user, repair=repair, **data)
        return self._answer(request, repair)

    @extend_schema(request=RepairLendSerializer, responses=RepairDetailSerializer)
    @action(detail=True, methods=["post"])
    def lend(self, request, pk=None):
        data = self._input(request, RepairLendSerializer)
        repair = self.get_object()
        asset = Asset.objects.filter(pk=data["asset"],
                                     contract_id=repair.ticket.contract_id).first()
        return self._answer(request, svc.repair_lend(actor=request.user, repair=repair,
                                                     asset=asset, note=data["note"]))

    @extend_schema(request=RepairReturnSerializer, responses=RepairDetailSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_device(self, request, pk=None):
        data = self._input(request, RepairReturnSerializer)
        return self._answer(request, svc.repair_return(actor=request.user,
                                                       repair=self.get_object(), **data))


def register_routes(router) -> None:
    router.register("vendor-repairs", VendorRepairViewSet, basename="vendor-repair")


def paths() -> list:
    return [path("tickets/<int:pk>/vendor-repairs/", TicketRepairsView.as_view(),
                 name="api-ticket-vendor-repairs")]
