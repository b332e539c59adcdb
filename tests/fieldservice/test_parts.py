"""Parts requested to site (备件领用, issue 16.5): the deadline by priority, the store's list,
issue through the store's ledger, delivery, scoping."""

from datetime import timedelta

import pytest
import time_machine

from assets.models import Part, StockLocation, StockMovement
from assets.services.store import balance_at
from core.clock import now
from fieldservice.models import PartRequest, PartRequestStatus, RepairPolicy
from tickets.models import Ticket


@pytest.fixture
def s(demo):
    return {
        "ticket": Ticket.objects.select_related("contract").get(title="三楼财务部打印机频繁卡纸"),
        "mem": Part.objects.get(code="MEM-8G-DDR4"),
        "hq": StockLocation.objects.get(name="总部备件库"),
        "server_disk": Part.objects.get(code="HDD-1.92T-SSD"),
        **demo,
    }


def _ask(api, s, user="engineer", **fields):
    body = {"ticket": s["ticket"].pk, "part": s["mem"].pk, "quantity": 2, **fields}
    return api(s[user]).post("/api/part-requests/", body, format="json")


@pytest.mark.parametrize(("priority", "hours"), [(1, 4), (2, 8), (3, 24), (4, 48)])
def test_the_part_is_needed_by_now_plus_the_contracts_hours(s, api, priority, hours):
    Ticket.objects.filter(pk=s["ticket"].pk).update(priority=priority)
    with time_machine.travel(now(), tick=False):
        response = _ask(api, s)
        assert response.status_code == 201, response.json()
        item = PartRequest.objects.get(pk=response.json()["id"])
        assert item.needed_by == now() + timedelta(hours=hours)


def test_the_store_hears_of_a_request_at_once(s, api):
    from notifications.models import Notification  # local: only this test reads the outbox

    assert _ask(api, s).status_code == 201
    mails = Notification.objects.filter(event="parts.request", recipient=s["desk"],
                                        channel=Notification.Channel.EMAIL)
    assert mails.count() == 1 and "MEM-8G-DDR4" in mails.get().subject
    assert "/part-requests/" in mails.get().body


def test_the_contracts_policy_sets_the_hours(s, api):
    RepairPolicy.objects.create(contract=s["ticket"].contract, part_hours_p1=2)
    Ticket.objects.filter(pk=s["ticket"].pk).update(priority=1)
    with time_machine.travel(now(), tick=False):
        item = PartRequest.objects.get(pk=_ask(api, s).json()["id"])
        assert item.needed_by == now() + timedelta(hours=2)


def test_issue_moves_stock_and_delivery_is_recorded(s, api):
    before = balance_at(s["mem"], s["hq"])
    item_id = _ask(api, s).json()["id"]
    # The engineer may not issue from the store.
    assert api(s["engineer"]).post(f"/api/part-requests/{item_id}/issue/",
                                   {"location": s["hq"].pk}, format="json").status_code == 403
    response = api(s["desk"]).post(f"/api/part-requests/{item_id}/issue/",
                                   {"location": s["hq"].pk}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "issued"
    assert balance_at(s["mem"], s["hq"]) == before - 2
    movement = StockMovement.objects.get(pk=PartRequest.objects.get(pk=item_id).movement_id)
    assert movement.kind == StockMovement.Kind.ISSUE and movement.ticket_id == s["ticket"].pk
    # Issued once only.
    assert api(s["desk"]).post(f"/api/part-requests/{item_id}/issue/",
                               {"location": s["hq"].pk}, format="json").status_code == 409
    delivered = api(s["engineer"]).post(f"/api/part-requests/{item_id}/deliver/")
    assert delivered.status_code == 200
    assert delivered.json()["status"] == "delivered" and delivered.json()["on_time"] is True


def test_more_than_the_store_holds_is_refused_and_nothing_changes(s, api):
    item_id = _ask(api, s, quantity=999).json()["id"]
    before = StockMovement.objects.count()
    response = api(s["desk"]).post(f"/api/part-requests/{item_id}/issue/",
                                   {"location": s["hq"].pk}, format="json")
    assert response.status_code == 400 and "quantity" in response.json()["errors"]
    assert StockMovement.objects.count() == before
    assert PartRequest.objects.get(pk=item_id).status == PartRequestStatus.OPEN


def test_bad_input_is_a_400_with_the_field(s, api):
    response = _ask(api, s, part=s["server_disk"].pk)  # another contract's part
    assert response.status_code == 400 and "part" in response.json()["errors"]
    response = _ask(api, s, quantity=0)
    assert response.status_code == 400 and "quantity" in response.json()["errors"]
    assert _ask(api, s, user="user").status_code == 403
    assert _ask(api, s, user="user2").status_code == 400  # no such ticket for them
    assert not PartRequest.objects.exists()


def test_the_store_page_lists_open_requests_by_deadline(s, api, client,
                                                        django_assert_max_num_queries):
    for priority in (4, 1, 2):
        Ticket.objects.filter(pk=s["ticket"].pk).update(priority=priority)
        _ask(api, s)
    client.force_login(s["desk"])
    with django_assert_max_num_queries(30):
        response = client.get("/part-requests/")
    assert response.status_code == 200
    html = response.content.decode()
    rows = [PartRequest.objects.get(pk=pk) for pk in
            PartRequest.objects.order_by("needed_by").values_list("pk", flat=True)]
    positions = [html.index(f'data-part-request="{row.pk}"') for row in rows]
    assert positions == sorted(positions)
    client.force_login(s["user"])
    assert client.get("/part-requests/").status_code == 403


def test_the_printable_requisition_form(s, api, client):
    item_id = _ask(api, s).json()["id"]
    client.force_login(s["engineer"])
    response = client.get(f"/part-requests/{item_id}/print/")
    assert response.status_code == 200
    assert "MEM-8G-DDR4" in response.content.decode()
    client.force_login(s["user2"])
    assert client.get(f"/part-requests/{item_id}/print/").status_code == 404
