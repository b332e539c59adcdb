"""Complaint pages and API: who sees what, registering, answer and resolve, the printable form,
the API's fields and rules, constant queries on the list."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from core.clock import now
from core.errors import InvalidInput
from sla.models import Contract
from surveys.models import Complaint
from surveys.services.complaints import complaint_register
from surveys.views import complaints as complaint_views
from tickets.models import ServiceType
from tickets.services import ticket_create

API_FIELDS = {"number", "contract", "channel", "complainant", "complainant_name", "ticket",
              "engineer", "major", "description", "status", "received_at", "answer_due",
              "resolution_due", "answered_at", "resolved_at", "handling_opinion"}


@pytest.fixture
def desktop(demo):
    return Contract.objects.get(code="DEMO-DESKTOP")


@pytest.fixture
def server(demo):
    return Contract.objects.get(code="DEMO-SERVER")


@pytest.fixture
def users_complaint(demo, desktop):
    return complaint_register(actor=demo["user"], contract=desktop, channel="portal",
                              description="工程师迟到两小时")


@pytest.fixture
def server_complaint(demo, server):
    return complaint_register(actor=demo["desk"], contract=server, channel="phone",
                              description="数据库恢复太慢", complainant_name="何经理", major=True)


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


# --- pages ---------------------------------------------------------------------------------------
def test_register_list_scoped_with_counters(demo, login, users_complaint, server_complaint):
    page = login(demo["pm"]).get("/complaints/")
    assert page.status_code == 200
    html = page.content.decode()
    assert users_complaint.number in html and server_complaint.number in html
    assert 'data-testid="quarter-counters"' in html and 'data-contract="DEMO-SERVER"' in html
    filtered = login(demo["pm"]).get("/complaints/?contract=DEMO-SERVER&status=received")
    assert users_complaint.number not in filtered.content.decode()


def test_end_users_see_only_their_own(demo, login, users_complaint, server_complaint):
    html = login(demo["user"]).get("/complaints/").content.decode()
    assert users_complaint.number in html and server_complaint.number not in html
    assert "quarter-counters" not in html
    client = login(demo["user2"])
    assert users_complaint.number not in client.get("/complaints/").content.decode()
    assert client.get(f"/complaints/{users_complaint.number}/").status_code == 404
    assert client.get(f"/complaints/{users_complaint.number}/print/").status_code == 404
    assert login(demo["engineer"]).get("/complaints/").status_code == 403
    assert login(demo["client"]).get(f"/complaints/{server_complaint.number}/").status_code == 404


def test_overdue_rows_are_highlighted(demo, login, desktop):
    late = complaint_register(actor=demo["desk"], contract=desktop, channel="oral",
                              description="x", complainant_name="甲",
                              received_at=now() - timedelta(days=2))
    html = login(demo["desk"]).get("/complaints/").content.decode()
    assert f'data-number="{late.number}" class="table-danger" data-overdue="1"' in html
    html = login(demo["desk"]).get("/complaints/?overdue=1").content.decode()
    assert late.number in html


def test_list_queries_are_constant(demo, login, desktop, django_assert_max_num_queries):
    client = login(demo["pm"])
    client.get("/complaints/")
    with CaptureQueriesContext(connection) as few:
        client.get("/complaints/")
    for i in range(12):
        complaint_register(actor=demo["desk"], contract=desktop, channel="phone",
                           description=f"#{i}", complainant_name="甲", major=i % 2 == 0)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/complaints/").status_code == 200


def test_desk_registers_from_the_form(demo, login):
    client = login(demo["desk"])
    assert client.get("/complaints/new/").status_code == 200
    response = client.post("/complaints/new/", {
        "contract": "DEMO-DESKTOP", "channel": "phone", "complainant_name": "吴芳",
        "complainant_phone": "139", "description": "电话投诉：维修不及时", "major": "on",
        "received_at": (now() - timedelta(hours=3)).astimezone().strftime("%Y-%m-%dT%H:%M")})
    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/complaints/{complaint.number}/"
    assert complaint.major and complaint.registered_by == demo["desk"]
    # A future time is refused with a message and nothing is written.
    response = client.post("/complaints/new/", {
        "contract": "DEMO-DESKTOP", "channel": "phone", "complainant_name": "吴芳",
        "description": "x", "received_at": "2099-01-01T10:00"})
    assert response.status_code == 200 and "invalid-feedback" in response.content.decode()
    assert Complaint.objects.count() == 1


def test_end_user_files_from_the_portal(demo, login, desktop):
    ticket = ticket_create(actor=demo["user"], contract=desktop, title="打印机坏了",
                           service_type=ServiceType.objects.get(code="hardware"))
    client = login(demo["user"])
    page = client.get("/complaints/new/").content.decode()
    assert 'name="major"' not in page and 'name="received_at"' not in page
    response = client.post("/complaints/new/", {"ticket": ticket.pk, "description": "没人来修",
                                                 "complainant_phone": "13900000002",
                                                 "major": "on"})
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and complaint.ticket == ticket
    assert complaint.complainant == demo["user"] and complaint.channel == "portal"
    assert not complaint.major  # not a field of this form: ignored
    assert login(demo["gm"]).get("/complaints/new/").status_code == 403


def test_answer_resolve_and_print(demo, login, users_complaint):
    number = users_complaint.number
    client = login(demo["desk"])
    detail = client.get(f"/complaints/{number}/").content.decode()
    assert 'data-testid="answer-form"' in detail and 'data-testid="resolve-form"' not in detail
    assert client.get(f"/complaints/{number}/answer/").status_code == 405
    client.post(f"/complaints/{number}/resolve/", {"handling_opinion": "x"})
    assert Complaint.objects.get().status == "received"  # refused: not answered yet
    client.post(f"/complaints/{number}/answer/", {"answer": "已回电致歉"})
    client.post(f"/complaints/{number}/resolve/", {"handling_opinion": "",
                                                   "reviewer": demo["pm"].pk})
    assert Complaint.objects.get().status == "answered"  # an opinion is required
    client.post(f"/complaints/{number}/resolve/", {"handling_opinion": "批评教育，加强培训",
                                                   "reviewer": demo["pm"].pk})
    complaint = Complaint.objects.get()
    assert complaint.status == "resolved" and complaint.reviewer == demo["pm"]
    detail = client.get(f"/complaints/{number}/").content.decode()
    assert 'data-testid="history"' in detail and "批评教育" in detail
    printed = client.get(f"/complaints/{number}/print/").content.decode()
    assert "css/complaint_print.css" in printed  # the A4 layout
    assert f'data-testid="print-number">{number}' in printed
    assert "批评教育，加强培训" in printed and demo["user"].display_name in printed
    # The complainant reads their complaint but cannot act on it.
    user = login(demo["user"])
    assert user.get(f"/complaints/{number}/").status_code == 200
    assert user.post(f"/complaints/{number}/answer/", {"answer": "x"}).status_code == 403


# --- API -----------------------------------------------------------------------------------------
def test_api_fields_and_scope(demo, users_complaint, server_complaint):
    rows = api(demo["pm"]).get("/api/complaints/").json()["results"]
    assert {r["number"] for r in rows} == {users_complaint.number, server_complaint.number}
    assert set(rows[0]) >= API_FIELDS
    one = api(demo["pm"]).get(f"/api/complaints/{server_complaint.number}/").json()
    assert one["contract"] == "DEMO-SERVER" and one["major"] is True
    assert one["resolution_due"] == server_complaint.resolution_due.isoformat()
    assert api(demo["pm"]).get(f"/api/complaints/{server_complaint.pk}/").status_code == 200
    mine = api(demo["user"]).get("/api/complaints/").json()["results"]
    assert [r["number"] for r in mine] == [users_complaint.number]
    assert api(demo["user2"]).get(f"/api/complaints/{users_complaint.pk}/").status_code == 404
    assert api(demo["engineer"]).get("/api/complaints/").json()["results"] == []


def test_api_create_rules(demo):
    past = (now() - timedelta(hours=5)).isoformat()
    response = api(demo["desk"]).post("/api/complaints/", {
        "contract": "DEMO-DESKTOP", "channel": "phone", "description": "电话投诉",
        "complainant_name": "吴芳", "received_at": past}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["number"].startswith("TS-")
    future = (now() + timedelta(hours=5)).isoformat()
    response = api(demo["desk"]).post("/api/complaints/", {
        "contract": "DEMO-DESKTOP", "channel": "phone", "description": "x",
        "complainant_name": "吴芳", "received_at": future}, format="json")
    assert response.status_code == 400
    response = api(demo["user"]).post("/api/complaints/", {
        "contract": "DEMO-DESKTOP", "description": "x", "received_at": past}, format="json")
    assert response.status_code == 400 and "received_at" in response.json()["errors"]
    response = api(demo["user"]).post("/api/complaints/", {
        "contract": "DEMO-DESKTOP", "description": "服务太慢"}, format="json")
    assert response.status_code == 201
    assert response.json()["channel"] == "portal"
    assert response.json()["complainant"]["id"] == demo["user"].pk
    assert api(demo["engineer"]).post("/api/complaints/", {
        "contract": "DEMO-DESKTOP", "channel": "phone", "description": "x",
        "complainant_name": "y"}, format="json").status_code in (400, 403)
    assert Complaint.objects.count() == 2


def test_api_answer_and_resolve(demo, users_complaint):
    url = f"/api/complaints/{users_complaint.number}/"
    assert api(demo["pm"]).post(url + "resolve/", {"handling_opinion": "x"}).status_code == 409
    assert api(demo["user"]).post(url + "answer/", {"answer": "x"}).status_code == 403
    response = api(demo["pm"]).post(url + "answer/", {"answer": "已联系"})
    assert response.status_code == 200 and response.json()["status"] == "answered"
    response = api(demo["pm"]).post(f"/api/complaints/{users_complaint.pk}/resolve/",
                                    {"handling_opinion": "处理完毕"})
    assert response.status_code == 200 and response.json()["resolved_at"]
    assert api(demo["user2"]).post(url + "answer/", {"answer": "x"}).status_code == 404


def test_api_register_with_a_complainant_of_another_client_is_400_naming_it(demo, server):
    # The desk serves both clients: the serializer accepts either's people, the service checks
    # the complainant belongs to the contract's client (InvalidInput → 400, field named).
    response = api(demo["desk"]).post("/api/complaints/", {
        "contract": server.code, "channel": "phone", "description": "服务器宕机无人处理",
        "complainant": demo["user"].pk}, format="json")
    assert response.status_code == 400, response.json()
    assert list(response.json()["errors"]) == ["complainant"]
    assert not Complaint.objects.filter(contract=server).exists()


def test_the_register_page_shows_a_service_field_error_on_its_field(demo, login, monkeypatch):
    # The form checks most input itself; whatever the service still refuses with a field
    # (InvalidInput) lands under that field, not on top of the form.
    def refuse(**kwargs):
        raise InvalidInput("描述不清", field="description")

    monkeypatch.setattr(complaint_views, "complaint_register", refuse)
    response = login(demo["desk"]).post("/complaints/new/", {
        "contract": "DEMO-DESKTOP", "channel": "phone", "complainant_name": "吴芳",
        "description": "电话投诉"})
    assert response.status_code == 200
    assert response.context["form"].errors["description"] == ["描述不清"]
    assert not response.context["form"].non_field_errors()
