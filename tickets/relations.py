"""Ticket links and merging, page and API adapters (services in tickets/services/relations.py).

API: ``GET/POST /api/tickets/{id}/links/``, ``DELETE /api/tickets/{id}/links/{link_id}/`` and
``POST /api/tickets/{id}/merge/`` are actions of the ticket viewset (TicketRelationsMixin).
Pages: POST-only URLs under /tickets/<number>/ (link, unlink, merge), back to the ticket.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.errors import ActionRefused, InvalidInput, PermissionRefused
from tickets.models import Ticket, TicketLink
from tickets.permissions import may_merge_tickets, may_relate_tickets
from tickets.selectors import (
    ID_MAX,
    LINK_KIND_NAMES,
    LINK_KINDS,
    LinkRow,
    ticket_get,
    ticket_link_get,
    ticket_links,
    tickets_visible_to,
)
from tickets.services import ticket_link, ticket_merge, ticket_unlink

# The relations a ticket page offers to add, from the ticket's side.
LINK_CHOICES = [(kind, label) for kind, label in [
    ("related", gettext_lazy("Related to")), ("duplicate_of", gettext_lazy("Duplicate of")),
    ("caused_by", gettext_lazy("Caused by")), ("child_of", gettext_lazy("Child of")),
    ("parent_of", gettext_lazy("Parent of"))] if kind in LINK_KINDS]


class TicketRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    number = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField()


class LinkSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="link.pk")
    kind = serializers.ChoiceField(choices=LINK_KIND_NAMES,
                                   help_text="The relation seen from this ticket.")
    label = serializers.CharField()
    ticket = TicketRefSerializer()
    created_at = serializers.DateTimeField(source="link.created_at")


class LinkInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=LINK_KIND_NAMES, help_text=(
        "From this ticket: related, duplicate_of, duplicated_by, caused_by, causes, child_of "
        "(the other is its parent) or parent_of."))
    ticket = serializers.IntegerField(min_value=1, max_value=ID_MAX,
                                      help_text="The other ticket's id.")


class MergeInputSerializer(serializers.Serializer):
    into = serializers.IntegerField(min_value=1, max_value=ID_MAX,
                                    help_text="Id of the ticket that survives.")


MergeResultSerializer = inline_serializer("MergeResult", {
    "id": serializers.IntegerField(), "number": serializers.CharField(),
    "status": serializers.CharField(), "merged_into": TicketRefSerializer()})


def visible_ticket(user, *, field: str, pk: int | None = None,
                   number: str | None = None) -> Ticket:
    """The other ticket of a link or merge; one the user may not see is like one that does
    not exist (a field error, never a hint that it exists)."""
    lookup = {"pk": pk} if pk is not None else {"number": (number or "").strip()}
    try:
        return tickets_visible_to(user).select_related("contract").get(**lookup)
    except (Ticket.DoesNotExist, ValueError):
        raise InvalidInput(_("No such ticket."), field=field) from None


def link_tickets(*, actor, ticket: Ticket, other: Ticket, kind: str) -> LinkRow:
    """Store a link named from `ticket`'s side (reversed kinds are stored the other way)."""
    stored, reverse = LINK_KINDS[kind]
    source, target = (other, ticket) if reverse else (ticket, other)
    link = ticket_link(actor=actor, ticket=source, target=target, kind=stored)
    return next(row for row in ticket_links(user=actor, ticket=ticket) if row.link.pk == link.pk)


class TicketRelationsMixin:
    """Links and merge on the ticket viewset."""

    @extend_schema(methods=["GET"], responses=LinkSerializer(many=True))
    @extend_schema(methods=["POST"], request=LinkInputSerializer,
                   responses={201: LinkSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None, filterset_class=None)
    def links(self, request, pk=None):
        """The ticket's relations both ways; POST adds one (the service team)."""
        ticket = self.get_object()
        if request.method == "GET":
            return Response(LinkSerializer(ticket_links(user=request.user, ticket=ticket),
                                           many=True).data)
        if not may_relate_tickets(request.user):
            raise PermissionRefused(_("Only the service team links tickets."))
        form = LinkInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        other = visible_ticket(request.user, field="ticket", pk=form.validated_data["ticket"])
        row = link_tickets(actor=request.user, ticket=ticket, other=other,
                           kind=form.validated_data["kind"])
        return Response(LinkSerializer(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["delete"], url_path=r"links/(?P<link_id>[0-9]+)",
            pagination_class=None, filterset_class=None)
    def unlink(self, request, pk=None, link_id=None):
        ticket = self.get_object()
        if not may_relate_tickets(request.user):
            raise PermissionRefused(_("Only the service team links tickets."))
        try:
            link = ticket_link_get(user=request.user, ticket=ticket, pk=int(link_id))
        except TicketLink.DoesNotExist:
            raise Http404 from None
        ticket_unlink(actor=request.user, link=link)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=MergeInputSerializer, responses=MergeResultSerializer)
    @action(detail=True, methods=["post"], pagination_class=None, filterset_class=None)
    def merge(self, request, pk=None):
        """Merge this ticket (the duplicate) into `into`: 400 into itself, 409 across
        contracts or into a closed ticket."""
        ticket = self.get_object()
        if not may_merge_tickets(request.user):
            raise PermissionRefused(_("Only the service desk merges tickets."))
        form = MergeInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        into = visible_ticket(request.user, field="into", pk=form.validated_data["into"])
        merged = ticket_merge(actor=request.user, ticket=ticket, into=into)
        return Response({"id": merged.pk, "number": merged.number, "status": merged.status,
                         "merged_into": TicketRefSerializer(into).data})


def _ticket_or_404(user, number: str) -> Ticket:
    try:
        return ticket_get(user=user, number=number)
    except Ticket.DoesNotExist:
        raise Http404 from None


@login_required
@require_POST
def link(request, number: str):
    ticket = _ticket_or_404(request.user, number)
    kind = request.POST.get("kind", "")
    try:
        if not may_relate_tickets(request.user):
            raise PermissionRefused(_("Only the service team links tickets."))
        if kind not in LINK_KINDS:
            raise InvalidInput(_("Choose a relation."), field="kind")
        other = visible_ticket(request.user, field="ticket",
                               number=request.POST.get("other", "")[:20])
        row = link_tickets(actor=request.user, ticket=ticket, other=other, kind=kind)
    except ActionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Linked: %(label)s %(number)s.")
                         % {"label": row.label, "number": row.ticket.number})
    return redirect("tickets:detail", ticket.number)


@login_required
@require_POST
def unlink(request, number: str, pk: int):
    ticket = _ticket_or_404(request.user, number)
    try:
        link_row = ticket_link_get(user=request.user, ticket=ticket, pk=pk)
    except TicketLink.DoesNotExist:
        raise Http404 from None
    try:
        ticket_unlink(actor=request.user, link=link_row)
    except ActionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Link removed."))
    return redirect("tickets:detail", ticket.number)


@login_required
@require_POST
def merge(request, number: str):
    ticket = _ticket_or_404(request.user, number)
    try:
        if not may_merge_tickets(request.user):
            raise PermissionRefused(_("Only the service desk merges tickets."))
        into = visible_ticket(request.user, field="into",
                              number=request.POST.get("into", "")[:20])
        ticket_merge(actor=request.user, ticket=ticket, into=into)
    except ActionRefused as exc:
        messages.error(request, exc.message)
        return redirect("tickets:detail", ticket.number)
    messages.success(request, _("%(number)s merged into %(into)s.")
                     % {"number": ticket.number, "into": into.number})
    return redirect("tickets:detail", into.number)
