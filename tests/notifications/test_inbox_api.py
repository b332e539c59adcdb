"""The bell's API contract: GET /api/notifications/?unread=true and POST
/api/notifications/read/ with ids or all; other people's ids are ignored, never revealed."""

import pytest
from rest_framework.test import APIClient

from notifications.inbox import in_app_add
from notifications.models import InAppNotification
from tests.factories import UserFactory


@pytest.fixture
def me(db):
    return UserFactory(email="me@example.com")


@pytest.fixture
def api(me):
    client = APIClient()
    client.force_authenticate(me)
    return client


def add(person, title="工单已派给您"):
    return in_app_add(recipient=person, event="ticket.assigned", title=title,
                      url="/tickets/2026-000123/")


def test_it_lists_my_notifications_with_the_contract_fields(api, me,
                                                            django_assert_num_queries):
    add(me)
    add(UserFactory(), title="not mine")
    with django_assert_num_queries(2):  # the page's rows and the count
        body = api.get("/api/notifications/").json()
    assert body["count"] == 1 and set(body) >= {"next", "previous", "results"}
    row = body["results"][0]
    assert set(row) == {"id", "event", "title", "url", "created_at", "read_at"}
    assert (row["event"], row["url"], row["read_at"]) == ("ticket.assigned",
                                                          "/tickets/2026-000123/", None)


def test_it_filters_unread(api, me):
    read, unread = add(me), add(me)
    InAppNotification.objects.filter(pk=read.pk).update(read_at=read.created_at)
    ids = [r["id"] for r in api.get("/api/notifications/?unread=true").json()["results"]]
    assert ids == [unread.pk]
    assert api.get("/api/notifications/?unread=false").json()["count"] == 2


def test_a_bad_unread_value_is_400(api):
    response = api.get("/api/notifications/?unread=maybe")
    assert response.status_code == 400
    assert "unread" in response.json()["errors"]


def test_it_marks_ids_read_ignoring_other_peoples(api, me):
    mine = add(me)
    theirs = add(UserFactory())
    response = api.post("/api/notifications/read/", {"ids": [mine.pk, theirs.pk, 10**9]},
                        format="json")
    assert response.status_code == 200 and response.json() == {"marked": 1}
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_it_marks_all_read(api, me):
    add(me), add(me)
    assert api.post("/api/notifications/read/", {"all": True}, format="json").json() == {
        "marked": 2}
    assert api.get("/api/notifications/?unread=true").json()["count"] == 0


@pytest.mark.parametrize("payload", [{}, {"ids": "1"}, {"ids": ["x"]}, {"ids": [1] * 501},
                                     {"ids": [2**70]}])
def test_bad_bodies_are_400(api, payload):
    assert api.post("/api/notifications/read/", payload, format="json").status_code == 400


def test_anonymous_is_401():
    assert APIClient().get("/api/notifications/").status_code == 401
