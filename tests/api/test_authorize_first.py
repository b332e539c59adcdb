"""A role that may not write gets 403 before its body is validated, never field errors that
describe a valid record to it (issue 14.8: POST /api/assets/ by a read-only role)."""

import pytest
from rest_framework.test import APIClient

from assets.models import Asset
from tickets.models import Ticket


def _as(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def _printer():
    return Ticket.objects.get(title="三楼财务部打印机频繁卡纸")


@pytest.mark.parametrize("role", ["user", "client", "gm", "delivery"])
@pytest.mark.parametrize("body", [{}, {"name": ""}, {"contract": "NOPE", "bogus": 1}])
def test_a_read_only_role_posting_an_asset_gets_403(demo, role, body):
    response = _as(demo[role]).post("/api/assets/", body, format="json")
    assert response.status_code == 403, response.json()
    assert "errors" not in response.json()


def test_a_read_only_role_patching_or_retiring_an_asset_gets_403(demo):
    asset = Asset.objects.filter(contract__code="DEMO-DESKTOP").first()
    client = _as(demo["client"])
    assert client.patch(f"/api/assets/{asset.pk}/", {"name": ""}, format="json").status_code \
        == 403
    assert client.post(f"/api/assets/{asset.pk}/retire/", {}, format="json").status_code == 403


def test_an_editor_still_gets_the_field_errors(demo):
    response = _as(demo["desk"]).post("/api/assets/", {}, format="json")
    assert response.status_code == 400
    assert "contract" in response.json()["errors"]


@pytest.mark.parametrize("role", ["engineer", "gm", "delivery"])
def test_a_role_that_files_no_tickets_gets_403_on_create(demo, role):
    response = _as(demo[role]).post("/api/tickets/", {}, format="json")
    assert response.status_code == 403


def test_a_role_that_may_not_edit_a_ticket_gets_403_before_validation(demo):
    response = _as(demo["engineer"]).patch(f"/api/tickets/{_printer().pk}/",
                                           {"title": "", "priority": "P9"}, format="json")
    assert response.status_code == 403
    assert "errors" not in response.json()


@pytest.mark.parametrize("role", ["engineer", "gm"])
def test_a_role_that_registers_no_complaints_gets_403(demo, role):
    response = _as(demo[role]).post("/api/complaints/", {}, format="json")
    assert response.status_code == 403
