"""`GET /api/tickets/` and `POST /api/tickets/` answer from values() rows and orjson
(tickets/api/ticket_rows.py, core/renderers.py): byte for byte what TicketSerializer and DRF's
JSONRenderer make of the same tickets, in every state, with and without assignee, site, category
and asset, for every role."""

from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIClient

from assets.models import Asset
from tickets.api.serializers import TicketSerializer
from tickets.api.ticket_rows import COLUMNS, LAYOUT
from tickets.models import Category, EscalationTarget, PendingReason, ServiceType, Status, Ticket
from tickets.services import (
    ticket_accept,
    ticket_cancel,
    ticket_check_in,
    ticket_confirm,
    ticket_dispatch,
    ticket_escalate,
    ticket_pend,
    ticket_reopen,
    ticket_resolve,
)

ROLES = ["desk", "engineer", "engineer2", "pm", "gm", "client", "user", "user2", "admin"]


@pytest.fixture
def varied(demo, file_ticket, desktop):
    """Tickets in every state the lifecycle reaches, and people shown three ways (name; first
    and last name; username only)."""
    desk, engineer, user = demo["desk"], demo["engineer"], demo["user"]
    hardware = ServiceType.objects.get(code="hardware")
    category = Category.objects.filter(service_type=hardware).first()
    site = desktop.client.sites.first()
    asset = Asset.objects.filter(contract=desktop).exclude(status="retired").first()
    type(demo["user2"]).objects.filter(pk=demo["user2"].pk).update(
        name="", first_name="Lei", last_name="Li")
    type(engineer).objects.filter(pk=demo["engineer2"].pk).update(name="")

    def filed(**fields):
        return file_ticket(requester="user2", actor="desk", **fields)

    file_ticket(title='打印机\u2028卡纸 "quoted" \\ 😀', description="line\nbreak\u2029end")
    filed(site=site, category=category, priority=1, channel="phone")
    if asset is not None:
        file_ticket(title="设备故障", asset=asset, location="3F 东")
    ticket_accept(actor=desk, ticket=filed())
    dispatched = ticket_dispatch(actor=desk, ticket=filed(), assignee=engineer)
    ticket_check_in(actor=engineer, ticket=ticket_dispatch(actor=desk, ticket=filed(),
                                                          assignee=engineer))
    ticket_pend(actor=desk, ticket=ticket_dispatch(actor=desk, ticket=filed(),
                                                   assignee=demo["engineer2"]),
                reason=PendingReason.values[0])
    ticket_escalate(actor=desk, ticket=filed(), target=EscalationTarget.PROJECT_MANAGER,
                    note="客户投诉")
    resolved = ticket_resolve(actor=engineer, ticket=dispatched, code="fixed", notes="换了电源")
    closed = ticket_resolve(actor=desk, ticket=ticket_accept(actor=desk, ticket=filed()),
                            code="fixed", notes="电话里解决")
    ticket_confirm(actor=demo["user2"], ticket=closed)
    ticket_reopen(actor=demo["user2"], ticket=ticket_resolve(
        actor=desk, ticket=ticket_accept(actor=desk, ticket=filed()), code="fixed",
        notes="x"), reason="还是不行")
    ticket_cancel(actor=user, ticket=file_ticket(title="不用了"))
    statuses = set(Ticket.objects.values_list("status", flat=True))
    assert statuses == set(Status.values), statuses
    return {"resolved": resolved}


def _expected_body(user, response) -> bytes:
    """What the list answered before: TicketSerializer over model instances of the same
    tickets, in the same order, rendered by DRF's JSONRenderer."""
    body = response.json()
    ids = [row["id"] for row in body["results"]]
    tickets = Ticket.objects.select_related(
        "contract", "service_type", "requester", "assignee", "logged_by").in_bulk(ids)
    results = TicketSerializer([tickets[pk] for pk in ids], many=True,
                               context={"request": SimpleNamespace(user=user)}).data
    return JSONRenderer().render({"next": body["next"], "previous": body["previous"],
                                  "results": results})


def _client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "UTC"])
def test_it_answers_what_the_serializer_answered_for_every_role(demo, varied, zone):
    with timezone.override(zone):
        for username in ROLES:
            user = demo[username]
            for url in ["/api/tickets/?page_size=200", "/api/tickets/?open=true",
                        "/api/tickets/?open=false&page_size=3", "/api/tickets/?q=打印机"]:
                response = _client(user).get(url)
                assert response.status_code == 200, (username, url)
                assert response["Content-Type"] == "application/json"
                assert response.content == _expected_body(user, response), (username, url)


def test_it_shows_every_state_and_every_way_of_naming_people(demo, varied):
    rows = _client(demo["desk"]).get("/api/tickets/?page_size=200").json()["results"]
    assert {row["status"] for row in rows} >= {Status.SUBMITTED, Status.ON_SITE, Status.PENDING,
                                                Status.RESOLVED, Status.CLOSED, Status.REOPENED,
                                                Status.CANCELLED}
    names = {row["requester"]["name"] for row in rows} | {
        row["assignee"]["name"] for row in rows if row["assignee"]}
    assert "Lei Li" in names and "engineer2" in names
    assert any(row["assignee"] is None for row in rows)
    assert any(row["site"] is not None for row in rows)
    assert any(row["category"] is not None for row in rows)
    assert any("\u2028" in row["title"] for row in rows)


def test_the_next_page_follows_the_cursor(demo, varied):
    client = _client(demo["desk"])
    first = client.get("/api/tickets/?page_size=4").json()
    second = client.get(first["next"]).json()
    everything = client.get("/api/tickets/?page_size=200").json()["results"]
    assert [t["id"] for t in first["results"] + second["results"]] == \
        [t["id"] for t in everything[:8]]


def test_it_costs_four_queries_however_many_tickets(demo, file_ticket):
    client = _client(demo["desk"])
    file_ticket()
    with CaptureQueriesContext(connection) as few:
        client.get("/api/tickets/?open=true")
    for _ in range(12):
        file_ticket()
    with CaptureQueriesContext(connection) as many:
        response = client.get("/api/tickets/?open=true")
    assert len(response.json()["results"]) >= 12
    # The desk's contracts, the page's ids, their rows with the codes, their people (queries
    # compiled once, tickets/api/ticket_rows.py).
    assert len(few) == len(many) == 4
    assert "= ANY(" in many.captured_queries[-1]["sql"]


def test_a_filed_ticket_is_answered_as_the_serializer_answered(demo, desktop):
    site = desktop.client.sites.first()
    category = Category.objects.filter(service_type__code="network").first()
    cases = [
        ("user", {"title": "键盘失灵 \u2028", "description": "按键无反应"}),
        ("desk", {"title": "断网", "priority": 1, "requester": demo["user2"].pk,
                  "channel": "phone", "site": site.pk, "category": category.pk,
                  "needs_on_site": True, "location": "3F", "contact_phone": "123"}),
    ]
    for username, fields in cases:
        user = demo[username]
        response = _client(user).post("/api/tickets/", {
            "contract": "DEMO-DESKTOP", "service_type": "network", **fields}, format="json")
        assert response.status_code == 201, response.json()
        ticket = Ticket.objects.get(pk=response.json()["id"])
        expected = TicketSerializer(ticket, context={"request": SimpleNamespace(user=user)}).data
        assert response.content == JSONRenderer().render(expected)
        assert response.json()["actions"], username


def test_its_columns_are_the_serializers_fields():
    assert [key for key, _, _ in LAYOUT] == TicketSerializer.Meta.fields
    assert len(COLUMNS) == len(set(COLUMNS))


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "UTC"])
def test_one_ticket_is_answered_as_the_detail_serializer_answered(demo, varied, zone,
                                                                  time_machine):
    """GET /api/tickets/<id>/ (tickets/api/ticket_rows.py ticket_detail_answer): byte for byte
    TicketDetailSerializer's answer, clocks, survey link and visits included, for every role
    and every ticket it sees."""
    from tickets.api.serializers import TicketDetailSerializer
    from tickets.api.viewsets import RETRIEVE_CLOCKS, RETRIEVE_RELATED
    from tickets.selectors import tickets_visible_to

    resolved = varied["resolved"]
    time_machine.move_to(timezone.now(), tick=False)  # the clocks' time left, the same twice
    checked = with_visits = 0
    with timezone.override(zone):
        for username in ROLES:
            user = demo[username]
            client = _client(user)
            for ticket in tickets_visible_to(user).select_related(*RETRIEVE_RELATED) \
                    .prefetch_related(RETRIEVE_CLOCKS.as_prefetch()).order_by("pk"):
                response = client.get(f"/api/tickets/{ticket.pk}/")
                assert response.status_code == 200, (username, ticket.number)
                expected = TicketDetailSerializer(ticket, context={
                    "request": SimpleNamespace(user=user)}).data
                assert response.content == JSONRenderer().render(expected), (
                    username, ticket.number)
                checked += 1
                with_visits += bool(expected["visits"])
    assert checked > 20 and with_visits
    body = _client(demo["user2"]).get(f"/api/tickets/{resolved.pk}/").json()
    assert body["clocks"] and body["status"] == Status.RESOLVED
