import pytest
from rest_framework.test import APIClient

from demo.data import DEMO_PASSWORD


@pytest.fixture
def api():
    return APIClient()


def test_it_issues_a_token_for_a_username_and_password(api, demo):
    response = api.post("/api/auth/token/", {"username": "engineer", "password": DEMO_PASSWORD},
                        format="json")
    assert response.status_code == 200
    assert set(response.json()) == {"token"}
    token = response.json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api.get("/api/me/").json()
    assert me["username"] == "engineer"
    assert me["role"] == "engineer"
    assert me["display_name"] == "刘强"
    assert me["id"] == demo["engineer"].pk


def test_it_returns_the_same_token_on_a_second_login(api, demo):
    body = {"username": "pm", "password": DEMO_PASSWORD}
    first = api.post("/api/auth/token/", body, format="json").json()["token"]
    assert api.post("/api/auth/token/", body, format="json").json()["token"] == first


def test_it_refuses_a_wrong_password_with_a_clear_error(api, demo):
    response = api.post("/api/auth/token/", {"username": "pm", "password": "x"}, format="json")
    assert response.status_code == 400
    assert response.json()["detail"] and response.json()["code"] == "bad_credentials"


def test_it_reports_missing_fields(api, db):
    response = api.post("/api/auth/token/", {}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"username", "password"}


def test_it_refuses_an_inactive_user(api, demo):
    demo["pm"].is_active = False
    demo["pm"].save()
    response = api.post("/api/auth/token/", {"username": "pm", "password": DEMO_PASSWORD},
                        format="json")
    assert response.status_code == 400


def test_me_requires_authentication(api, db):
    response = api.get("/api/me/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    api.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert api.get("/api/me/").status_code == 401


def test_the_token_endpoint_needs_no_csrf_token_for_scripts(demo):
    script = APIClient(enforce_csrf_checks=True)
    response = script.post("/api/auth/token/", {"username": "pm", "password": DEMO_PASSWORD},
                           format="json")
    assert response.status_code == 200


def test_the_schema_is_valid_openapi(db):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json",
                 stdout=out)
    assert '"/api/me/"' in out.getvalue()
    assert '"/api/auth/token/"' in out.getvalue()


def test_schema_and_docs_pages_are_served(client, demo):
    client.force_login(demo["desk"])
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger-ui" in docs.content
    assert b"cdn.jsdelivr" not in docs.content  # self-hosted assets: works offline


def test_a_token_is_read_in_one_query_and_refused_once_its_owner_is_inactive(api, demo):
    """accounts.backends.PreparedTokenAuthentication (issue 19): the token and its user in
    one query compiled once; an unknown key or an inactive owner is refused as DRF refuses."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=demo["engineer"])
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    with CaptureQueriesContext(connection) as queries:
        assert api.get("/api/me/").json()["username"] == "engineer"
    assert sum('"authtoken_token"' in q["sql"] for q in queries.captured_queries) == 1
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key[:-1]}x")
    refused = api.get("/api/me/")
    assert refused.status_code == 401 and refused.json()["detail"]
    type(demo["engineer"]).objects.filter(pk=demo["engineer"].pk).update(is_active=False)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get("/api/me/").status_code == 401


def test_the_signed_in_person_is_read_afresh_on_each_request(demo, client):
    """accounts.backends.RoleModelBackend.get_user through its prepared query: the person, in
    one query; none for an unknown id, a malformed one or an inactive person."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.backends import RoleModelBackend

    backend = RoleModelBackend()
    with CaptureQueriesContext(connection) as queries:
        assert backend.get_user(demo["desk"].pk) == demo["desk"]
    assert len(queries) == 1
    assert backend.get_user(str(demo["desk"].pk)).username == "desk"
    assert backend.get_user(-4) is None and backend.get_user("abc") is None
    client.force_login(demo["desk"])
    assert client.get("/tickets/queue/").status_code == 200
    type(demo["desk"]).objects.filter(pk=demo["desk"].pk).update(is_active=False)
    assert backend.get_user(demo["desk"].pk) is None
    assert client.get("/tickets/queue/").status_code == 302  # to the login page
