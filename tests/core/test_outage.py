"""A database that cannot be reached answers 503 with Retry-After, not 500 (issue 14.8)."""

import sys
from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError, connection

from core.refusals import OUTAGE_RETRY_AFTER, server_error


@pytest.fixture
def database_down():
    with mock.patch.object(connection, "ensure_connection",
                           side_effect=OperationalError("connection refused")):
        yield


@pytest.mark.parametrize("path", ["/tickets/mine/", "/contracts/"])
def test_it_answers_pages_with_503_and_retry_after(demo, client, path):
    client.force_login(demo["desk"])
    client.get("/tickets/mine/")  # the session and the user are read from here on
    with mock.patch.object(connection, "ensure_connection",
                           side_effect=OperationalError("connection refused")):
        response = client.get(path)
    assert response.status_code == 503
    assert response["Retry-After"] == str(OUTAGE_RETRY_AFTER)
    assert "服务暂时不可用" in response.content.decode()


def test_it_answers_anonymous_pages_too(client, db, database_down):
    response = client.get("/login/")
    assert response.status_code == 503
    assert response["Retry-After"] == str(OUTAGE_RETRY_AFTER)


def test_it_answers_the_api_with_the_error_body(demo, client):
    client.force_login(demo["desk"])
    with mock.patch.object(connection, "ensure_connection",
                           side_effect=InterfaceError("connection already closed")):
        response = client.get("/api/tickets/")
    assert response.status_code == 503
    assert response["Retry-After"] == str(OUTAGE_RETRY_AFTER)
    assert response.json()["code"] == "service_unavailable"


def test_handler500_answers_an_outage_outside_the_views_with_503(rf):
    request = rf.get("/tickets/mine/")
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        assert sys.exception() is not None
        response = server_error(request)
    assert response.status_code == 503
    assert response["Retry-After"] == str(OUTAGE_RETRY_AFTER)


def test_handler500_keeps_the_500_page_for_other_errors(rf):
    request = rf.get("/tickets/mine/")
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(request)
    assert response.status_code == 500
    assert "Retry-After" not in response
