"""The API's one error path (core/api.py): every error body is {detail, code, errors?}, with the
status from the error — 400 bad input with the field named, 403 forbidden, 404 out of scope,
409 refused — and each transition's required input in the OpenAPI document."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from openapi_spec_validator import validate
from rest_framework.test import APIClient

from sla.models import Contract
from tickets.models import ServiceType, Status
from tickets.services import ticket_create, ticket_dispatch


@pytest.fixture
def api():
    def _as(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return _as


@pytest.fixture
def ticket(demo):
    return ticket_create(actor=demo["user"], contract=Contract.objects.get(code="DEMO-DESKTOP"),
                         service_type=ServiceType.objects.get(code="hardware"), title="显示器不亮")


@pytest.fixture
def dispatched(demo, ticket):
    return ticket_dispatch(actor=demo["desk"], ticket=ticket, assignee=demo["engineer"])


def _url(ticket, action):
    return f"/api/tickets/{ticket.pk}/{action}/"


def test_resolve_without_code_is_400_naming_code(demo, api, dispatched):
    response = api(demo["engineer"]).post(_url(dispatched, "resolve"), {"notes": "换了电源"},
                                          format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and body["detail"]
    assert list(body["errors"]) == ["code"] and body["errors"]["code"]
    dispatched.refresh_from_db()
    assert dispatched.status == Status.DISPATCHED


def test_every_missing_field_of_a_transition_is_named(demo, api, dispatched):
    engineer = api(demo["engineer"])
    response = engineer.post(_url(dispatched, "resolve"), {}, format="json")
    assert response.status_code == 400 and set(response.json()["errors"]) == {"code", "notes"}
    response = engineer.post(_url(dispatched, "resolve"), {"code": "fixed", "notes": ""},
                             format="json")
    assert response.status_code == 400 and set(response.json()["errors"]) == {"notes"}
    for action, field in [("pend", "reason"), ("escalate", "target")]:
        response = engineer.post(_url(dispatched, action), {}, format="json")
        assert response.status_code == 400 and field in response.json()["errors"], action


def test_a_refused_transition_is_409_with_a_code(demo, api, ticket):
    response = api(demo["user"]).post(_url(ticket, "confirm"))
    assert response.status_code == 409
    assert response.json()["code"] == "refused" and response.json()["detail"]
    assert "errors" not in response.json()


def test_a_forbidden_transition_is_403_with_a_code(demo, api, dispatched):
    response = api(demo["engineer"]).post(_url(dispatched, "confirm"))
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden" and response.json()["detail"]


def test_a_ticket_out_of_scope_is_404_with_a_code(demo, api, ticket):
    response = api(demo["user2"]).post(_url(ticket, "resolve"), {}, format="json")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found" and response.json()["detail"]


def test_drf_errors_get_a_code_too(demo, api, db):
    response = APIClient().get("/api/tickets/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated" and response.json()["detail"]
    response = api(demo["user"]).put("/api/tickets/1/", {}, format="json")
    assert response.status_code == 405 and response.json()["code"] == "method_not_allowed"


def test_validation_body_on_create(demo, api):
    response = api(demo["user"]).post("/api/tickets/", {"contract": "DEMO-DESKTOP"},
                                      format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and body["detail"]
    assert {"service_type", "title"} <= set(body["errors"])
    assert all(isinstance(messages, list) for messages in body["errors"].values())


def test_a_service_refusal_of_bad_input_is_400_with_the_field(demo, api):
    response = api(demo["user"]).post("/api/tickets/", {
        "contract": "DEMO-DESKTOP", "service_type": "hardware", "title": "   "}, format="json")
    assert response.status_code == 400
    assert "title" in response.json()["errors"]


def test_the_login_throttle_keeps_its_retry_after(demo, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_LOCKOUT_SECONDS = 600
    client = APIClient()
    for _attempt in range(3):
        response = client.post("/api/auth/token/", {"username": "pm", "password": "x"},
                               format="json")
        assert response.status_code == 400 and response.json()["code"] == "bad_credentials"
    response = client.post("/api/auth/token/", {"username": "pm", "password": "x"},
                           format="json")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["code"] == "throttled" and response.json()["detail"]


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        out = StringIO()
        call_command("spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json",
                     stdout=out)
    return json.loads(out.getvalue())


def _request_schema(schema, path):
    body = schema["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]
    return schema["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]


def test_the_schema_is_valid_openapi_by_the_spec_validator(schema):
    validate(schema)


def test_the_schema_names_each_transitions_required_input(schema):
    base = "/api/tickets/{id}/"
    assert set(_request_schema(schema, base + "resolve/")["required"]) == {"code", "notes"}
    assert _request_schema(schema, base + "pend/")["required"] == ["reason"]
    assert _request_schema(schema, base + "dispatch/")["required"] == ["assignee"]
    assert set(_request_schema(schema, base + "escalate/")["required"]) == {"target", "note"}
    assert _request_schema(schema, base + "reopen/")["required"] == ["reason"]
    assert "required" not in _request_schema(schema, base + "accept/")
