"""Issue 15.9: the call form guides — the caller decides the contract and sites, a P1–P4 guide
sits beside the priority, and resolving now and dispatching are two outcomes, one chosen."""

import uuid

from accounts.models import Site
from tickets.models import Status, Ticket


def call(demo, **overrides):
    data = {"submission_key": str(uuid.uuid4()), "requester": demo["user"].pk,
            "contract": "DEMO-DESKTOP", "kind": "fault", "channel": "phone", "priority": 3,
            "service_type": "hardware", "title": "显示器闪烁"}
    data.update(overrides)
    return data


def test_picking_a_caller_offers_only_their_contracts_and_sites(demo, login):
    caller = demo["user"]
    body = login(demo["desk"]).get(
        f"/tickets/log-call/callers/{caller.pk}/").content.decode()
    assert 'id="call-contract" hx-swap-oob="true"' in body
    assert 'value="DEMO-DESKTOP" selected' in body and "DEMO-SERVER" not in body
    foreign = Site.objects.exclude(organisation_id=caller.organisation_id).first()
    assert foreign is None or f'value="{foreign.pk}"' not in body.split('id="call-site"')[1]
    if caller.site_id:
        assert f'value="{caller.site_id}" selected' in body


def test_the_form_shows_a_priority_guide_and_two_outcomes(demo, login):
    page = login(demo["desk"]).get("/tickets/log-call/").content.decode()
    assert 'data-testid="priority-guide"' in page and "P1" in page
    assert 'type="radio" name="outcome" value="dispatch"' in page
    assert 'type="radio" name="outcome" value="resolve"' in page
    assert "代报修人" in page or "代来电人" in page


def test_dispatch_ignores_the_resolution_fields(demo, login):
    response = login(demo["desk"]).post("/tickets/log-call/", call(
        demo, outcome="dispatch", dispatch_to=demo["engineer"].pk,
        resolution_code="advice", resolution_notes="不该被读到"))
    assert response.status_code == 302
    ticket = Ticket.objects.get(title="显示器闪烁")
    assert ticket.status == Status.DISPATCHED and ticket.resolution_notes == ""


def test_resolving_ignores_the_engineer(demo, login):
    response = login(demo["desk"]).post("/tickets/log-call/", call(
        demo, outcome="resolve", dispatch_to=demo["engineer"].pk,
        resolution_code="advice", resolution_notes="重新插拔了视频线"))
    assert response.status_code == 302
    ticket = Ticket.objects.get(title="显示器闪烁")
    assert ticket.status == Status.RESOLVED and ticket.assignee is None
    assert ticket.first_line_resolution


def test_resolving_without_notes_says_so(demo, login):
    response = login(demo["desk"]).post("/tickets/log-call/", call(demo, outcome="resolve"))
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"resolution_code", "resolution_notes"}


def test_the_success_message_says_on_behalf_of_whom(demo, login):
    response = login(demo["desk"]).post("/tickets/log-call/", call(demo), follow=True)
    message = str(next(iter(response.context["messages"])))
    assert f"代 {demo['user'].display_name}" in message
