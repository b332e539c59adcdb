"""REST API of the spare-part store and loaner devices: same selectors and services as the
pages. Records outside the caller's contracts answer 404; changes need MANAGE_STORE (403)."""

from __future__ import annotations

import django_filters
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from accounts.api import PersonRefSerializer
from accounts.models import User
from assets.models import Asset, Loan, Part, StockLocation, StockMovement
from assets.permissions import may_manage_store
from assets.selectors import store as sel
from assets.services import store as svc
from core.clock import now
from core.filters import FilterSet
from tickets.models import Ticket
from tickets.selectors import tickets_visible_to


class BalanceSerializer(serializers.Serializer):
    location = serializers.IntegerField()
    name = serializers.CharField()
    quantity = serializers.IntegerField()


class PartSerializer(serializers.ModelSerializer):
    contract = serializers.CharField(source="contract.code")
    total = serializers.IntegerField(read_only=True)
    below_minimum = serializers.BooleanField(read_only=True)
    balances = serializers.SerializerMethodField()

    class Meta:
        model = Part
        fields = ["id", "contract", "code", "name", "compatible_models", "unit", "min_level",
                  "restock_days", "holds_data", "active", "total", "below_minimum",
                  "balances"]

    @extend_schema_field(BalanceSerializer(many=True))
    def get_balances(self, part):
        return [{"location": location.pk, "name": location.name, "quantity": quantity}
                for location, quantity in getattr(part, "stock", [])]


class TicketRefField(serializers.CharField):
    """A ticket by its number, among those the caller sees."""

    def to_internal_value(self, data):
        number = super().to_internal_value(data).strip()[:40]
        try:
            return tickets_visible_to(self.context["request"].user).select_related(
                "contract", "requester").get(number=number)
        except Ticket.DoesNotExist:
            raise serializers.ValidationError(
                _("No ticket %(number)s among yours.") % {"number": number}) from None

    def to_representation(self, value):
        return value.number


class BadPartSerializer(serializers.Serializer):
    serial = serializers.CharField()
    disposition = serializers.CharField()
    note = serializers.CharField()


class MovementSerializer(serializers.ModelSerializer):
    location = serializers.PrimaryKeyRelatedField(read_only=True)
    location_name = serializers.CharField(source="location.name", read_only=True)
    ticket = serializers.CharField(source="ticket.number", read_only=True, allow_null=True,
                                   default=None)
    actor = PersonRefSerializer(read_only=True)
    bad_part = serializers.SerializerMethodField()

    class Meta:
        model = StockMovement
        fields = ["id", "kind", "quantity", "location", "location_name", "ticket", "asset",
                  "actor", "note", "created_at", "bad_part"]

    @extend_schema_field(BadPartSerializer(allow_null=True))
    def get_bad_part(self, movement):
        bad = getattr(movement, "bad_part", None) if movement.kind == "issue" else None
        if bad is None:
            return None
        return {"serial": bad.serial, "disposition": bad.disposition, "note": bad.note}


class MovementCreateSerializer(serializers.Serializer):
    KINDS = ["receive", "issue", "return_unused", "write_off"]

    kind = serializers.ChoiceField(choices=KINDS)
    location = serializers.PrimaryKeyRelatedField(queryset=StockLocation.objects.none())
    quantity = serializers.IntegerField(min_value=1, max_value=100000)
    ticket = TicketRefField(required=False, allow_blank=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")

    def __init__(self, *args, part=None, **kwargs):
        super().__init__(*args, **kwargs)
        if part is not None:
            self.fields["location"].queryset = StockLocation.objects.filter(
                contract_id=part.contract_id)

    def validate(self, data):
        if data["kind"] in {"issue", "return_unused"} and not data.get("ticket"):
            raise serializers.ValidationError({"ticket": [_("Give the ticket number.")]})
        return data


class PartFilter(FilterSet):
    contract = django_filters.CharFilter(field_name="contract__code")
    below_minimum = django_filters.BooleanFilter(field_name="below_minimum")
    q = django_filters.CharFilter(method="filter_q", label="code, name or compatible model")

    class Meta:
        model = Part
        fields = ["active", "holds_data"]

    def filter_q(self, queryset, name, value):
        return sel.parts_search(queryset, value)


class LedgerPagination(CursorPagination):
    ordering = ("-created_at", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class PartViewSet(viewsets.ReadOnlyModelViewSet):
    """Spare parts of the caller's contracts with stock per location; their ledger."""

    serializer_class = PartSerializer
    filterset_class = PartFilter
    search_fields = ["code", "name", "compatible_models"]
    ordering_fields = ["code", "total"]

    def get_queryset(self):
        return sel.parts_visible_to(self.request.user).select_related("contract").order_by(
            "contract__code", "code")

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = sel.with_stock(list(page if page is not None else queryset))
        data = self.get_serializer(rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request, *args, **kwargs):
        return Response(self.get_serializer(sel.with_stock([self.get_object()])[0]).data)

    @extend_schema(methods=["GET"], responses=MovementSerializer(many=True))
    @extend_schema(methods=["POST"], request=MovementCreateSerializer,
                   responses={201: MovementSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=LedgerPagination,
            filterset_class=None, search_fields=[], ordering_fields=[])
    def movements(self, request, pk=None):
        """GET: the ledger, newest first. POST: receive, issue, return unused or write off."""
        part = self.get_object()
        if request.method == "GET":
            page = self.paginate_queryset(sel.part_ledger(part))
            return self.get_paginated_response(MovementSerializer(page, many=True).data)
        if not may_manage_store(request.user):
            raise PermissionDenied(_("You may not change the spare-part store."))
        form = MovementCreateSerializer(data=request.data, part=part,
                                        context={"request": request})
        form.is_valid(raise_exception=True)
        data = form.validated_data
        common = {"actor": request.user, "part": part, "location": data["location"],
                  "quantity": data["quantity"], "note": data["note"]}
        if data["kind"] == "receive":
            movement = svc.stock_receive(**common)
        elif data["kind"] == "issue":
            movement = svc.stock_issue(ticket=data["ticket"], **common)
        elif data["kind"] == "return_unused":
            movement = svc.stock_return_unused(ticket=data["ticket"], **common)
        else:
            movement = svc.stock_write_off(**common)
        return Response(MovementSerializer(sel.part_ledger(part).get(pk=movement.pk)).data,
                        status=status.HTTP_201_CREATED)


class LoanSerializer(serializers.ModelSerializer):
    asset_tag = serializers.CharField(source="asset.tag", read_only=True)
    contract = serializers.CharField(source="asset.contract.code", read_only=True)
    ticket = serializers.CharField(source="ticket.number", read_only=True)
    borrower = PersonRefSerializer(read_only=True)
    overdue = serializers.BooleanField(read_only=True, default=False)

    class Meta:
        model = Loan
        fields = ["id", "asset", "asset_tag", "contract", "ticket", "borrower", "lent_at",
                  "due_back", "returned_at", "note", "overdue"]


class LendSerializer(serializers.Serializer):
    asset = serializers.PrimaryKeyRelatedField(queryset=Asset.objects.none())
    ticket = TicketRefField()
    borrower = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True,
        help_text="A person of the contract's client; default the ticket's requester.")
    due_back = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["asset"].queryset = Asset.objects.filter(
                contract__in=sel.store_contracts(request.user))


class ReturnSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")


class LoanFilter(FilterSet):
    open = django_filters.BooleanFilter(field_name="returned_at", lookup_expr="isnull",
                                        label="open")
    contract = django_filters.CharFilter(field_name="asset__contract__code")

    class Meta:
        model = Loan
        fields = ["asset", "ticket"]


class LoanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                  viewsets.GenericViewSet):
    """Loaner devices of the caller's contracts. POST lends one; …/return/ takes it back."""

    serializer_class = LoanSerializer
    filterset_class = LoanFilter
    search_fields = ["asset__tag", "ticket__number"]
    ordering_fields = ["due_back", "lent_at"]

    def get_queryset(self):
        overdue = ExpressionWrapper(Q(returned_at__isnull=True, due_back__lt=now().date()),
                                    output_field=BooleanField())
        return (sel.loans_visible_to(self.request.user)
                .select_related("asset__contract", "ticket", "borrower")
                .annotate(overdue=overdue).order_by("-lent_at", "-pk"))

    @extend_schema(request=LendSerializer, responses={201: LoanSerializer})
    def create(self, request, *args, **kwargs):
        if not may_manage_store(request.user):
            raise PermissionDenied(_("You may not change the spare-part store."))
        form = LendSerializer(data=request.data, context={"request": request})
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        data["borrower"] = data.get("borrower") or data["ticket"].requester
        loan = svc.loan_lend(actor=request.user, **data)
        return Response(self.get_serializer(self.get_queryset().get(pk=loan.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=ReturnSerializer, responses=LoanSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_device(self, request, pk=None):
        loan = self.get_object()
        form = ReturnSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        svc.loan_return(actor=request.user, loan=loan, **form.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=loan.pk)).data)


def register_routes(router) -> None:
    """Add this module's viewsets to the API router."""
    router.register("parts", PartViewSet, basename="part")
    router.register("loans", LoanViewSet, basename="loan")
