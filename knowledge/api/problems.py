"""REST API of problems: /api/problems/ (list, retrieve by number, create) and the transitions
accept, dismiss, analyse, link-change, confirm. Same selectors and services as the pages."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.api import PersonRefSerializer
from accounts.models import User
from core.errors import PermissionRefused
from knowledge.api._common import ContractField, DismissReasonSerializer, NewestFirst, get_or_404
from knowledge.models import Problem
from knowledge.selectors.changes import changes_visible_to
from knowledge.selectors.problems import problem_get, problems_visible_to
from knowledge.services import problems as services
from knowledge.services._common import works_some_contract
from tickets.selectors import tickets_visible_to


class ProblemSerializer(serializers.ModelSerializer):
    contract = serializers.CharField(source="contract.code")
    owner = PersonRefSerializer(allow_null=True)
    fix_change = serializers.CharField(source="fix_change.number", allow_null=True,
                                       default=None)
    confirmed_by = PersonRefSerializer(allow_null=True)
    tickets = serializers.SlugRelatedField(slug_field="number", many=True, read_only=True)
    assets = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Problem
        fields = ["id", "number", "contract", "title", "description", "source", "status",
                  "owner", "tickets", "assets", "root_cause", "workaround", "known_error",
                  "fix_change", "confirmed_by", "confirmed_at", "confirmation_note",
                  "created_at", "updated_at"]
        read_only_fields = fields


class ProblemCreateSerializer(serializers.Serializer):
    contract = ContractField(queryset=None)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True),
                                               required=False, allow_null=True)
    tickets = serializers.ListField(child=serializers.CharField(), required=False, default=list,
                                    help_text="Ticket numbers.")

    def validate_tickets(self, numbers):
        found = list(tickets_visible_to(self.context["request"].user).filter(number__in=numbers))
        missing = sorted(set(numbers) - {t.number for t in found})
        if missing:
            raise serializers.ValidationError(_("No such tickets: %(numbers)s")
                                              % {"numbers": ", ".join(missing)})
        return found


class AnalyseSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    root_cause = serializers.CharField(required=False, allow_blank=True)
    workaround = serializers.CharField(required=False, allow_blank=True)
    known_error = serializers.CharField(required=False, allow_blank=True)


class LinkChangeSerializer(serializers.Serializer):
    change = serializers.CharField(help_text="The change's number.")


class ConfirmSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ProblemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Problems of the caller's contracts (the client's contact: their contract's only)."""

    serializer_class = ProblemSerializer
    pagination_class = NewestFirst
    lookup_field = "number"
    lookup_value_regex = "[^/]+"
    filterset_fields = ["status", "source"]
    search_fields = ["number", "title"]
    ordering_fields: list = []

    def get_queryset(self):
        return (problems_visible_to(self.request.user)
                .select_related("contract", "owner", "fix_change", "confirmed_by")
                .prefetch_related("tickets", "assets"))

    def get_object(self):
        return get_or_404(self.get_queryset(), number=self.kwargs["number"])

    @extend_schema(request=ProblemCreateSerializer, responses={201: ProblemSerializer})
    def create(self, request, *args, **kwargs):
        if not works_some_contract(request.user):  # 403 before any field error
            raise PermissionRefused(_("Only the provider's staff open problems."))
        form = ProblemCreateSerializer(data=request.data, context={"request": request})
        form.is_valid(raise_exception=True)
        problem = services.problem_create(actor=request.user, **form.validated_data)
        return Response(self._out(problem), status=status.HTTP_201_CREATED)

    def _out(self, problem):
        return ProblemSerializer(problem_get(user=self.request.user, number=problem.number)).data

    def _act(self, request, form_class, service, **extra):
        problem = self.get_object()
        form = form_class(data=request.data) if form_class else None
        if form is not None:
            form.is_valid(raise_exception=True)
        service(actor=request.user, problem=problem,
                **(form.validated_data if form else {}), **extra)
        return Response(self._out(problem))

    @extend_schema(request=None, responses=ProblemSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, number=None):
        return self._act(request, None, services.problem_accept)

    @extend_schema(request=DismissReasonSerializer, responses=ProblemSerializer)
    @action(detail=True, methods=["post"])
    def dismiss(self, request, number=None):
        return self._act(request, DismissReasonSerializer, services.problem_dismiss)

    @extend_schema(request=AnalyseSerializer, responses=ProblemSerializer)
    @action(detail=True, methods=["post"])
    def analyse(self, request, number=None):
        return self._act(request, AnalyseSerializer, services.problem_analyse)

    @extend_schema(request=LinkChangeSerializer, responses=ProblemSerializer)
    @action(detail=True, methods=["post"], url_path="link-change")
    def link_change(self, request, number=None):
        problem = self.get_object()
        form = LinkChangeSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        change = changes_visible_to(request.user).filter(
            number=form.validated_data["change"]).first()
        if change is None:
            raise serializers.ValidationError({"change": [_("No such change.")]})
        services.problem_link_change(actor=request.user, problem=problem, change=change)
        return Response(self._out(problem))

    @extend_schema(request=ConfirmSerializer, responses=ProblemSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, number=None):
        return self._act(request, ConfirmSerializer, services.problem_confirm)
