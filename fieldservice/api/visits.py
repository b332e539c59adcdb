"""API of visits (issue 16): POST /api/tickets/{id}/check-out/ and /api/tickets/{id}/visits/.

The check-in is the ticket's own transition (POST /api/tickets/{id}/check-in/ with its proof);
the visits come back in GET /api/tickets/{id}/ (`visits`)."""

from __future__ import annotations

from django.http import Http404
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from fieldservice.services.visits import visit_check_out, visit_plan
from tickets.api.serializers import TicketVisitSerializer
from tickets.models import Ticket
from tickets.selectors import tickets_visible_to


class CheckOutSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000,
                                 help_text="Shown on the ticket's timeline.")


class VisitPlanSerializer(serializers.Serializer):
    engineer = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        help_text="Id of an engineer on the contract's team.")
    planned_at = serializers.DateTimeField()


def _ticket(request, pk: int) -> Ticket:
    """A ticket the caller sees, else 404 (one answer for "not yours" and "no such")."""
    try:
        return tickets_visible_to(request.user).get(pk=pk)
    except Ticket.DoesNotExist:
        raise Http404 from None


class TicketCheckOutView(APIView):
    """The engineer leaves the site: the end of their open visit and the time on site."""

    @extend_schema(request=CheckOutSerializer, responses=TicketVisitSerializer)
    def post(self, request, pk: int):
        ticket = _ticket(request, pk)
        form = CheckOutSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        visit = visit_check_out(actor=request.user, ticket=ticket, **form.validated_data)
        return Response(TicketVisitSerializer(visit, context={"request": request}).data)


class TicketVisitPlanView(APIView):
    """Plan a visit (the dispatcher, or the ticket's engineer): who goes and when."""

    @extend_schema(request=VisitPlanSerializer, responses={201: TicketVisitSerializer})
    def post(self, request, pk: int):
        ticket = _ticket(request, pk)
        form = VisitPlanSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        visit = visit_plan(actor=request.user, ticket=ticket, **form.validated_data)
        return Response(TicketVisitSerializer(visit, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)


def paths() -> list:
    return [
        path("tickets/<int:pk>/check-out/", TicketCheckOutView.as_view(),
             name="api-ticket-check-out"),
        path("tickets/<int:pk>/visits/", TicketVisitPlanView.as_view(),
             name="api-ticket-visits"),
    ]
