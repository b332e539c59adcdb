"""Admins of models whose writes a service checks are read-only: those writes happen on the
portal's pages (the asset admin writes through its services instead, tests/assets/test_admin.py)."""

import pytest

from assets.models import InspectionPlan
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

READ_ONLY = ["tickets/ticket", "assets/inspectionplan", "assets/inspectionround",
             "assets/inspectionrecord", "assets/loan", "surveys/campaign", "surveys/invitation",
             "surveys/callbacktask"]


@pytest.mark.parametrize("model", READ_ONLY)
def test_it_offers_no_add(demo, client, model):
    client.force_login(demo["admin"])
    assert client.get(f"/admin/{model}/").status_code == 200
    assert client.get(f"/admin/{model}/add/").status_code == 403


def test_it_neither_changes_nor_deletes_a_ticket_or_a_plan(demo, client):
    client.force_login(demo["admin"])
    ticket = Ticket.objects.first()
    response = client.post(f"/admin/tickets/ticket/{ticket.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403 and Ticket.objects.filter(pk=ticket.pk).exists()
    plan = InspectionPlan.objects.first()
    response = client.post(f"/admin/assets/inspectionplan/{plan.pk}/change/", {"name": "changed"})
    assert response.status_code == 403 and InspectionPlan.objects.get(pk=plan.pk).name == plan.name
