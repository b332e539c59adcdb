"""The OpenAPI schema and its pages need a login (SPECTACULAR_SETTINGS SERVE_PERMISSIONS)."""

import pytest
from rest_framework.test import APIClient


def test_the_schema_refuses_anonymous_callers(client, db):
    response = client.get("/api/schema/")
    assert response.status_code == 401


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_the_docs_pages_send_anonymous_visitors_to_the_login(client, db, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_the_schema_answers_a_token_caller(demo):
    client = APIClient()
    client.force_authenticate(demo["user"])
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert b"openapi" in response.content


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/", "/api/docs/?script="])
def test_the_docs_pages_answer_a_logged_in_person(demo, client, path):
    client.force_login(demo["user"])
    assert client.get(path).status_code == 200
