import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tickets.models import Status, Ticket
from tickets.services import ticket_comment, ticket_dispatch


@pytest.fixture
def api():
    def _as(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return _as


def test_an_end_user_files_through_the_api(demo, api):
    response = api(demo["user"]).post("/api/tickets/", {
        "contract": "DEMO-DESKTOP", "service_type": "hardware", "title": "键盘失灵",
        "description": "按键无反应"}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    for field in ["number", "title", "description", "kind", "channel", "service_type",
                  "category", "priority", "status", "requester", "assignee", "contract",
                  "created_at"]:
        assert field in body
    assert body["status"] == "submitted" and body["requester"]["username"] == "user"
    assert "cancel" in body["actions"]


def test_an_end_user_cannot_set_desk_fields(demo, api):
    response = api(demo["user"]).post("/api/tickets/", {
        "contract": "DEMO-DESKTOP", "service_type": "hardware", "title": "x",
        "priority": 1, "requester": demo["user2"].pk, "channel": "phone"}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert set(response.json()["errors"]) == {"priority", "requester", "channel"}
    assert not Ticket.objects.filter(title="x").exists()


def test_read_only_fields_sent_on_create_are_ignored(demo, api):
    response = api(demo["user"]).post("/api/tickets/", {
        "contract": "DEMO-DESKTOP", "service_type": "hardware", "title": "y",
        "status": "closed", "assignee": demo["engineer"].pk}, format="json")
    assert response.status_code == 201
    assert response.json()["status"] == "submitted" and response.json()["assignee"] is None


def test_an_end_user_cannot_file_on_another_clients_contract(demo, api):
    response = api(demo["user"]).post("/api/tickets/", {
        "contract": "DEMO-SERVER", "service_type": "hardware", "title": "z"}, format="json")
    assert response.status_code == 400
    assert "contract" in response.json()["errors"]


def test_the_desk_logs_for_a_caller_with_priority(demo, api):
    response = api(demo["desk"]).post("/api/tickets/", {
        "contract": "DEMO-DESKTOP", "service_type": "network", "title": "断网",
        "priority": 1, "requester": demo["user2"].pk, "channel": "phone"}, format="json")
    assert response.status_code == 201
    assert response.json()["priority"] == 1 and response.json()["requester"]["username"] == "user2"


def test_resending_a_submission_key_returns_the_first_ticket(demo, api):
    key = str(uuid.uuid4())
    payload = {"contract": "DEMO-DESKTOP", "service_type": "hardware", "title": "重复",
               "submission_key": key}
    first = api(demo["user"]).post("/api/tickets/", payload, format="json").json()
    second = api(demo["user"]).post("/api/tickets/", payload, format="json").json()
    assert first["id"] == second["id"]


def test_transitions_by_post_and_409_with_a_reason(demo, api, file_ticket):
    ticket = file_ticket()
    desk = api(demo["desk"])
    response = desk.post(f"/api/tickets/{ticket.pk}/dispatch/",
                         {"assignee": demo["engineer"].pk}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "dispatched"
    engineer = api(demo["engineer"])
    assert engineer.post(f"/api/tickets/{ticket.pk}/check-in/").json()["status"] == "on_site"
    response = engineer.post(f"/api/tickets/{ticket.pk}/confirm/")
    assert response.status_code == 403
    response = api(demo["user"]).post(f"/api/tickets/{ticket.pk}/confirm/")
    assert response.status_code == 409
    assert response.json()["detail"] and response.json()["code"] == "refused"
    response = engineer.post(f"/api/tickets/{ticket.pk}/resolve/",
                             {"code": "fixed", "notes": "换了电源"}, format="json")
    assert response.json()["status"] == "resolved"
    response = api(demo["user"]).post(f"/api/tickets/{ticket.pk}/confirm/")
    assert response.json()["status"] == "closed"


def test_a_transition_missing_input_is_a_clear_error(demo, api, file_ticket):
    ticket = file_ticket()
    response = api(demo["desk"]).post(f"/api/tickets/{ticket.pk}/dispatch/", {}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["assignee"]
    response = api(demo["desk"]).post(f"/api/tickets/{ticket.pk}/pend/", {"reason": "nap"},
                                      format="json")
    assert response.status_code == 400


def test_a_ticket_outside_ones_scope_is_404_on_every_verb(demo, api, file_ticket):
    ticket = file_ticket()
    for username in ["user2", "helei", "ht-fengjun"]:
        client = api(demo[username])
        assert client.get(f"/api/tickets/{ticket.pk}/").status_code == 404
        assert client.patch(f"/api/tickets/{ticket.pk}/", {"title": "x"},
                            format="json").status_code == 404
        assert client.post(f"/api/tickets/{ticket.pk}/accept/").status_code == 404
        assert client.get(f"/api/tickets/{ticket.pk}/comments/").status_code == 404
        assert client.post(f"/api/tickets/{ticket.pk}/comments/", {"body": "hi"},
                           format="json").status_code == 404


def test_the_list_is_scoped_and_filterable(demo, api, file_ticket):
    mine = file_ticket()
    other = file_ticket(requester="user2")
    numbers = {t["number"] for t in api(demo["user"]).get("/api/tickets/").json()["results"]}
    assert mine.number in numbers and other.number not in numbers
    server = api(demo["engineer"]).get("/api/tickets/?contract=DEMO-SERVER").json()["results"]
    assert server == []
    p1 = api(demo["desk"]).get("/api/tickets/?priority=1&open=true").json()["results"]
    assert p1 and all(t["priority"] == 1 for t in p1)


def test_the_list_costs_the_same_queries_for_more_tickets(demo, api, file_ticket):
    client = api(demo["desk"])
    with CaptureQueriesContext(connection) as few:
        client.get("/api/tickets/")
    for _ in range(15):
        file_ticket()
    with CaptureQueriesContext(connection) as many:
        response = client.get("/api/tickets/")
    assert len(response.json()["results"]) >= 20
    # The desk's contracts, the page's ids, their rows, their people (ticket_rows.py).
    assert len(many) == len(few) == 4


def test_patch_is_limited_to_what_the_caller_may_change(demo, api, file_ticket):
    ticket = file_ticket()
    user = api(demo["user"])
    response = user.patch(f"/api/tickets/{ticket.pk}/", {"title": "显示器完全不亮"},
                          format="json")
    assert response.status_code == 200 and response.json()["title"] == "显示器完全不亮"
    assert user.patch(f"/api/tickets/{ticket.pk}/", {"priority": 1},
                      format="json").status_code == 403
    assert user.patch(f"/api/tickets/{ticket.pk}/", {"status": "closed"},
                      format="json").status_code == 400
    desk = api(demo["desk"])
    assert desk.patch(f"/api/tickets/{ticket.pk}/", {"priority": 2},
                      format="json").json()["priority"] == 2
    assert user.put(f"/api/tickets/{ticket.pk}/", {"title": "x"},
                    format="json").status_code == 405


def test_internal_notes_never_reach_the_requester_through_the_api(demo, api, file_ticket):
    ticket = file_ticket()
    ticket_comment(actor=demo["desk"], ticket=ticket, body="内部：疑似人为损坏", internal=True)
    ticket_comment(actor=demo["desk"], ticket=ticket, body="我们马上派人")
    user_view = api(demo["user"]).get(f"/api/tickets/{ticket.pk}/comments/").json()
    assert [c["body"] for c in user_view] == ["我们马上派人"]
    client_view = api(demo["client"]).get(f"/api/tickets/{ticket.pk}/comments/").json()
    assert "内部：疑似人为损坏" not in str(client_view)
    staff_view = api(demo["engineer"]).get(f"/api/tickets/{ticket.pk}/comments/").json()
    assert {c["body"] for c in staff_view} == {"内部：疑似人为损坏", "我们马上派人"}


def test_only_staff_post_internal_notes(demo, api, file_ticket):
    ticket = file_ticket()
    response = api(demo["user"]).post(f"/api/tickets/{ticket.pk}/comments/",
                                      {"body": "x", "internal": True}, format="json")
    assert response.status_code == 403
    response = api(demo["engineer"]).post(f"/api/tickets/{ticket.pk}/comments/",
                                          {"body": "查过了", "internal": True}, format="json")
    assert response.status_code == 201 and response.json()["internal"] is True


def test_attachments_upload_and_download_through_the_api(demo, api, file_ticket):
    from django.core.files.uploadedfile import SimpleUploadedFile

    ticket = file_ticket()
    user = api(demo["user"])
    response = user.post(f"/api/tickets/{ticket.pk}/attachments/",
                         {"file": SimpleUploadedFile("屏幕.png", b"\x89PNG fake")},
                         format="multipart")
    assert response.status_code == 201, response.json()
    attachment = response.json()[0]
    download = user.get(f"/api/attachments/{attachment['id']}/")
    assert download.status_code == 200
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment")
    assert api(demo["user2"]).get(f"/api/attachments/{attachment['id']}/").status_code == 404
    response = user.post(f"/api/tickets/{ticket.pk}/attachments/",
                         {"file": SimpleUploadedFile("run.exe", b"MZ")}, format="multipart")
    assert response.status_code == 400


def test_the_api_shows_the_status_a_dispatch_left(demo, api, file_ticket):
    ticket = ticket_dispatch(actor=demo["desk"], ticket=file_ticket(),
                             assignee=demo["engineer"])
    body = api(demo["engineer"]).get(f"/api/tickets/{ticket.pk}/").json()
    assert body["status"] == Status.DISPATCHED
    assert body["assignee"]["username"] == "engineer"
    assert set(body["actions"]) >= {"check_in", "resolve", "pend", "escalate"}


def test_a_service_type_is_taken_by_code_only_while_active(demo, api):
    """ActiveServiceTypeField (a query compiled once): an active type by its code; an unknown,
    inactive or odd value answers as SlugRelatedField does."""
    from tickets.models import ServiceType

    client = api(demo["desk"])
    body = {"contract": "DEMO-DESKTOP", "title": "代报", "requester": demo["user"].pk}
    filed = client.post("/api/tickets/", {**body, "service_type": "network"}, format="json")
    assert filed.status_code == 201 and filed.json()["service_type"] == "network"
    ServiceType.objects.filter(code="network").update(active=False)
    inactive = client.post("/api/tickets/", {**body, "service_type": "network"}, format="json")
    unknown = client.post("/api/tickets/", {**body, "service_type": "NO-SUCH"}, format="json")
    assert inactive.status_code == unknown.status_code == 400
    said = unknown.json()["errors"]["service_type"][0]
    assert "NO-SUCH" in said
    assert inactive.json()["errors"]["service_type"] == [said.replace("NO-SUCH", "network")]
    for odd in (7, ["hardware"], "hard\x00ware", ""):
        assert client.post("/api/tickets/", {**body, "service_type": odd},
                           format="json").status_code == 400, odd
