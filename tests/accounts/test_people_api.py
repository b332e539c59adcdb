"""POST /api/people/ creates a caller (issue 15, point 11): a phone integration must be able to."""

from __future__ import annotations

from rest_framework.test import APIClient

from accounts.models import User


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_it_creates_a_caller_for_the_desk(demo):
    response = _client(demo["desk"]).post("/api/people/", {
        "name": "来电新人", "phone": "13966660000", "organisation": "MINGYUAN",
        "department": "财务部", "site": "总部大楼 3 层"}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["department"] == "财务部"
    person = User.objects.get(pk=body["id"])
    assert person.role == "end_user" and not person.has_usable_password()


def test_it_refuses_a_duplicate_phone(demo):
    response = _client(demo["desk"]).post("/api/people/", {
        "name": "重复", "phone": "13900000002", "organisation": "MINGYUAN"}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "duplicate"
    assert "phone" in response.json()["errors"]


def test_it_refuses_an_unknown_department(demo):
    response = _client(demo["desk"]).post("/api/people/", {
        "name": "某人", "phone": "13966660001", "organisation": "MINGYUAN",
        "department": "不存在"}, format="json")
    assert response.status_code == 400
    assert "department" in response.json()["errors"]


def test_it_refuses_an_organisation_outside_the_callers_contracts(demo):
    # The provider is no client; the engineer may not create callers at all.
    response = _client(demo["desk"]).post("/api/people/", {
        "name": "某人", "phone": "13966660002", "organisation": "HUAXIN-OPS"}, format="json")
    assert response.status_code == 400
    assert "organisation" in response.json()["errors"]


def test_it_is_refused_to_roles_that_do_not_log_calls(demo):
    for role in ("engineer", "user", "client", "gm"):
        response = _client(demo[role]).post("/api/people/", {
            "name": "某人", "phone": "13966660003", "organisation": "MINGYUAN"}, format="json")
        assert response.status_code == 403, role
    assert not User.objects.filter(phone="13966660003").exists()
