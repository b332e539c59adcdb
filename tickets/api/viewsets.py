"""REST API for tickets: list/create, read/limited update, one POST per transition, comments,
attachments. Same selectors and services as the pages (X4)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, parsers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import MethodNotAllowed, PermissionDenied
from rest_framework.pagination import CursorPagination
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.reverse import reverse

from core.api import IF_MATCH
from core.errors import PermissionRefused
from core.planner import one_row_as_written
from core.prepared import PreparedPrefetch, PreparedQuery
from core.renderers import FastJSONRenderer
from core.versions import if_match, with_etag
from sla.models import Clock
from tickets import replies
from tickets.api.attachments import AttachmentSerializer, AttachmentUploadSerializer
from tickets.api.serializers import (
    TRANSITION_INPUT,
    CannedReplyRenderedSerializer,
    CommentSerializer,
    TicketCheckInSerializer,
    TicketCreateSerializer,
    TicketDetailSerializer,
    TicketSerializer,
    TicketUpdateSerializer,
)
from tickets.api.ticket_rows import (
    PAGED_COLUMNS,
    ticket_answer,
    ticket_detail_answer,
    ticket_list_rows,
    ticket_list_values_by_id,
)
from tickets.bulk import TicketBulkMixin
from tickets.filters import TicketFilterSet
from tickets.models import Ticket
from tickets.permissions import may_edit_ticket, may_file_tickets, may_use_canned_replies
from tickets.relations import TicketRelationsMixin
from tickets.selectors import (
    LIST_RELATED,
    canned_replies_for,
    merged_survivor,
    sees_tickets_by_contract,
    staff_ticket_read,
    ticket_attachments,
    ticket_timeline,
    tickets_visible_to,
)
from tickets.services import ticket_act, ticket_comment, ticket_create, ticket_update


class NewestFirst(CursorPagination):
    """No COUNT(*) over a million rows: a cursor over the (partial) created_at indexes."""

    ordering = ("-created_at", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200




# What one ticket's answer shows: these joined, its clocks on their calendars.
RETRIEVE_RELATED = [*LIST_RELATED, "logged_by"]
RETRIEVE_CLOCKS = PreparedPrefetch("clocks", lambda: Clock.objects.select_related("calendar"))
# GET /api/tickets/<id>/ by the provider's staff: compiled once per process (core.prepared),
# no visibility filter in it. The marker is a negative id (none is), inside int4's range
# (Django drops a lookup outside its field's range before it reaches the parameters).
RETRIEVE_QUERY = PreparedQuery(
    lambda pk: Ticket.objects.select_related(*RETRIEVE_RELATED).filter(pk=pk), pk=-1_987_654_321)

# Answers with no floats in them, asked for often: rendered by orjson.
FAST_RENDERED_ACTIONS = {"list", "create"}


class TicketViewSet(TicketRelationsMixin, TicketBulkMixin,  # links, merge, bulk (issue 15)
                    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                    mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Tickets the caller may see. A ticket outside their scope answers 404 on every verb."""

    serializer_class = TicketSerializer
    filterset_class = TicketFilterSet
    pagination_class = NewestFirst
    search_fields = ["number", "title"]
    ordering_fields = []
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        tickets = tickets_visible_to(self.request.user)
        if self.action == "list":  # read as values() rows by list()
            return tickets
        tickets = tickets.select_related(*RETRIEVE_RELATED)
        if self.action == "retrieve":  # the answer shows the clocks, each on its calendar
            tickets = tickets.prefetch_related(RETRIEVE_CLOCKS.as_prefetch())
        return tickets

    def get_object(self):
        """GenericAPIView's, with the one ticket read with its joins planned in the order written
        (core.planner: seven relations to one row, 5.3 ms of planning against 1.2 ms at
        1,000,000 tickets). A malformed or unknown id answers 404, as there.

        A plain GET by the provider's staff (no filter parameters, which could otherwise
        exclude the ticket) reads it with a query compiled once (core.prepared, as the ticket
        page), its contract checked apart by tickets_visible_to's rule."""
        pk = self.kwargs[self.lookup_url_kwarg or self.lookup_field]
        if (self.action == "retrieve" and not self.request.query_params
                and sees_tickets_by_contract(self.request.user)):
            try:
                pk = int(pk)  # the id field's own to_python: digits, nothing else
            except (TypeError, ValueError):
                raise Http404 from None
            ticket = staff_ticket_read(RETRIEVE_QUERY, user=self.request.user,
                                       prefetch=(RETRIEVE_CLOCKS,), pk=pk)
        else:
            queryset = self.filter_queryset(self.get_queryset())
            try:
                queryset = queryset.filter(pk=pk)
            except (TypeError, ValueError, DjangoValidationError):
                raise Http404 from None
            ticket = one_row_as_written(queryset)
        if ticket is None:
            raise Http404
        self.check_object_permissions(self.request, ticket)
        return ticket

    def get_renderers(self):
        renderers = super().get_renderers()
        if self.action not in FAST_RENDERED_ACTIONS:
            return renderers
        return [FastJSONRenderer() if type(r) is JSONRenderer else r for r in renderers]

    def list(self, request, *args, **kwargs):
        # TicketSerializer's answer, built from values() rows (tickets/api/ticket_rows.py); the
        # OpenAPI document describes it with TicketSerializer (get_serializer_class). No
        # docstring here: it would replace the class's in that document.
        # The page's ids by the filtered queryset, then their rows by a query compiled once.
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset())
                                      .values(*PAGED_COLUMNS))
        rows = ticket_list_values_by_id([row["pk"] for row in page])
        return self.get_paginated_response(ticket_list_rows(rows, user=request.user))

    def get_serializer_class(self):
        return TicketDetailSerializer if self.action == "retrieve" else TicketSerializer

    @extend_schema(request=TicketCreateSerializer, responses={201: TicketSerializer})
    def create(self, request, *args, **kwargs):
        if not may_file_tickets(request.user):  # 403 before any field error (issue 14.8)
            raise PermissionRefused(_("Your role may not file tickets."))
        form = TicketCreateSerializer(data=request.data, context={"request": request})
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        ticket = ticket_create(actor=request.user, **data)
        # The ticket in hand already has its related rows loaded; no second read needed.
        return Response(ticket_answer(ticket, user=request.user),
                        status=status.HTTP_201_CREATED)

    def retrieve(self, request, *args, **kwargs):
        """The ticket, with an ETag: send it back as If-Match on PATCH to refuse a stale edit."""
        ticket = self.get_object()
        survivor = merged_survivor(request.user, ticket)
        if survivor is not None:  # a merged ticket's id leads to the one it lives on in
            return redirect(reverse("ticket-detail", args=[survivor.pk], request=request))
        return with_etag(Response(ticket_detail_answer(
            ticket, context=self.get_serializer_context())), ticket)

    @extend_schema(request=TicketUpdateSerializer, responses=TicketSerializer,
                   parameters=[IF_MATCH])
    def partial_update(self, request, *args, **kwargs):
        ticket = self.get_object()
        if not may_edit_ticket(request.user, ticket):  # 403 before any field error
            raise PermissionRefused(_("You may not edit this ticket now."))
        form = TicketUpdateSerializer(data=request.data, partial=True,
                                      context={"request": request})
        form.is_valid(raise_exception=True)
        ticket_update(actor=request.user, ticket=ticket, expected_version=if_match(request),
                      **form.validated_data)
        ticket = self.get_queryset().get(pk=ticket.pk)
        return with_etag(Response(self.get_serializer(ticket).data), ticket)

    def update(self, request, *args, **kwargs):
        if not kwargs.get("partial"):
            raise MethodNotAllowed(request.method, detail=_("Use PATCH to change some fields."))
        return super().update(request, *args, **kwargs)

    def _transition(self, request, name: str):
        ticket = self.get_object()
        data = {}
        form_class = TRANSITION_INPUT[name]
        if form_class is not None:
            form = form_class(data=request.data, context={"request": request})
            form.is_valid(raise_exception=True)
            data = form.validated_data
        ticket_act(name, actor=request.user, ticket=ticket, **data)
        return Response(self.get_serializer(self.get_queryset().get(pk=ticket.pk)).data)

    @extend_schema(request=TRANSITION_INPUT["accept"], responses=TicketSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._transition(request, "accept")

    @extend_schema(request=None, responses=TicketSerializer)
    @action(detail=True, methods=["post"])
    def claim(self, request, pk=None):
        return self._transition(request, "claim")

    @extend_schema(request=TRANSITION_INPUT["dispatch"], responses=TicketSerializer)
    @action(detail=True, methods=["post"], url_path="dispatch")
    def dispatch_ticket(self, request, pk=None):  # `dispatch` is APIView's own method
        return self._transition(request, "dispatch")

    @extend_schema(request={"application/json": TicketCheckInSerializer,
                            "multipart/form-data": TicketCheckInSerializer},
                   responses=TicketSerializer)
    @action(detail=True, methods=["post"], url_path="check-in",
            parser_classes=[parsers.JSONParser, parsers.MultiPartParser, parsers.FormParser])
    def check_in(self, request, pk=None):
        return self._transition(request, "check_in")

    @extend_schema(request=TRANSITION_INPUT["pend"], responses=TicketSerializer)
    @action(detail=True, methods=["post"])
    def pend(self, request, pk=None):
        return self._transition(request, "pend")

    @extend_schema(request=TRANSITION_INPUT["resume"], responses=TicketSerializer)
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        return self._transition(request, "resume")

    @extend_schema(request=TRANSITION_INPUT["resolve"], responses=TicketSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        return self._transition(request, "resolve")

    @extend_schema(request=TRANSITION_INPUT["confirm"], responses=TicketSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        return self._transition(request, "confirm")

    @extend_schema(request=TRANSITION_INPUT["reopen"], responses=TicketSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return self._transition(request, "reopen")

    @extend_schema(request=TRANSITION_INPUT["cancel"], responses=TicketSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._transition(request, "cancel")

    @extend_schema(request=TRANSITION_INPUT["escalate"], responses=TicketSerializer)
    @action(detail=True, methods=["post"])
    def escalate(self, request, pk=None):
        return self._transition(request, "escalate")

    @extend_schema(methods=["GET"], responses=CommentSerializer(many=True))
    @extend_schema(methods=["POST"], request=CommentSerializer,
                   responses={201: CommentSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None, filterset_class=None)
    def comments(self, request, pk=None):
        """Public replies and, for the service team, internal notes."""
        ticket = self.get_object()
        if request.method == "GET":
            entries = [e for e in ticket_timeline(user=request.user, ticket=ticket)
                       if e.kind != "event"]
            return Response(CommentSerializer(entries, many=True).data)
        form = CommentSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        if form.validated_data["internal"] and request.user.is_client_side:
            raise PermissionDenied(_("Only the service team writes internal notes."))
        entry = ticket_comment(actor=request.user, ticket=ticket, **form.validated_data)
        return Response(CommentSerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], responses=AttachmentSerializer(many=True))
    @extend_schema(methods=["POST"], request={"multipart/form-data": AttachmentUploadSerializer},
                   responses={201: AttachmentSerializer(many=True)})
    @action(detail=True, methods=["get", "post"], pagination_class=None, filterset_class=None,
            parser_classes=[parsers.MultiPartParser, parsers.FormParser])
    def attachments(self, request, pk=None):
        ticket = self.get_object()
        if request.method == "GET":
            return Response(AttachmentSerializer(ticket_attachments(user=request.user,
                                                                    ticket=ticket),
                                                 many=True, context={"request": request}).data)
        form = AttachmentUploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        entry = ticket_comment(actor=request.user, ticket=ticket, body=data["note"],
                               internal=data["internal"], uploads=[data["file"]])
        return Response(AttachmentSerializer(entry.ticket.attachments.filter(entry=entry),
                                             many=True, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)


    # --- canned replies (issue 15.5) ---
    @extend_schema(responses=CannedReplyRenderedSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="canned-replies", pagination_class=None,
            filterset_class=None)
    def canned_replies(self, request, pk=None):
        """The canned replies one may use on this ticket, filled in for it; `unknown` lists the
        `{names}` left as written because they are not placeholders."""
        ticket = self.get_object()
        if not may_use_canned_replies(request.user):
            raise PermissionDenied(_("Only the service team uses canned replies."))
        rows = []
        for reply in canned_replies_for(ticket=ticket).select_related("contract"):
            rendered = replies.render(reply.body, ticket)
            rows.append({"id": reply.pk, "title": reply.title,
                         "contract": reply.contract.code if reply.contract_id else None,
                         "text": rendered.text, "unknown": list(rendered.unknown)})
        return Response(CannedReplyRenderedSerializer(rows, many=True).data)
