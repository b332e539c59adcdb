"""The pages of visits: the check-in form with its proof, the visits panel, planning, checking
out, and the engineer's day on the phone."""

from datetime import timedelta

from django.utils import timezone

from assets.models import Part, StockLocation, StockMovement
from core.clock import now
from fieldservice.models import Visit
from tests.fieldservice.conftest import NEAR, png_upload
from tickets.models import ServiceType, Status, Ticket
from tickets.services import ticket_check_in, ticket_create


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_the_ticket_page_offers_the_check_in_with_proof(demo, login, dispatched):
    page = login(demo["engineer"]).get(f"/tickets/{dispatched.number}/")
    html = page.content.decode()
    assert 'enctype="multipart/form-data" data-check-in' in html
    for name in ("latitude", "longitude", "accuracy", "scanned_tag", "photo"):
        assert f'name="{name}"' in html
    assert 'capture="environment"' in html and 'accept="image/*"' in html
    assert "vendor/jsqr/jsQR.js" in html and "js/check_in.js" in html
    assert 'data-testid="visits"' in html  # the engineer may plan their own visit


def test_checking_in_on_the_page_with_a_photo_and_position(demo, login, dispatched, asset):
    client = login(demo["engineer"])
    response = client.post(f"/tickets/{dispatched.number}/check-in/", {
        "latitude": NEAR[0], "longitude": NEAR[1], "accuracy": "8", "scanned_tag": asset.tag,
        "photo": png_upload(), "note": ""}, follow=True)
    assert response.status_code == 200
    visit = Visit.objects.get(ticket=dispatched)
    assert visit.location_check == "in_range" and visit.tag_matches and visit.photo_id
    html = response.content.decode()
    assert 'data-testid="visit-proof"' in html and 'data-testid="visit-photo"' in html
    assert 'data-testid="do-check-out"' in html


def test_a_refused_check_in_on_the_page_says_why(demo, login, dispatched, foreign_asset):
    response = login(demo["engineer"]).post(
        f"/tickets/{dispatched.number}/check-in/", {"scanned_tag": foreign_asset.tag},
        follow=True)
    assert any(foreign_asset.tag in m for m in _messages(response))
    assert Ticket.objects.get(pk=dispatched.pk).status == Status.DISPATCHED


def test_the_page_refuses_impossible_coordinates(demo, login, dispatched):
    response = login(demo["engineer"]).post(
        f"/tickets/{dispatched.number}/check-in/", {"latitude": "123", "longitude": "121"},
        follow=True)
    assert _messages(response)
    assert Ticket.objects.get(pk=dispatched.pk).status == Status.DISPATCHED


def test_check_out_on_the_page(demo, login, dispatched):
    ticket_check_in(actor=demo["engineer"], ticket=dispatched)
    response = login(demo["engineer"]).post(f"/tickets/{dispatched.number}/check-out/",
                                            {"note": "完成"}, follow=True)
    assert Visit.objects.get(ticket=dispatched).checked_out_at is not None
    assert any("min" in m or "分钟" in m for m in _messages(response))


def test_the_desk_plans_a_visit_on_the_page(demo, login, dispatched):
    when = timezone.localtime(now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = login(demo["desk"]).post(f"/tickets/{dispatched.number}/visits/plan/",
                                        {"engineer": demo["engineer"].pk, "planned_at": when},
                                        follow=True)
    assert response.status_code == 200
    visit = Visit.objects.get(ticket=dispatched)
    assert timezone.localtime(visit.planned_at).strftime("%Y-%m-%dT%H:%M") == when


def test_an_end_user_may_not_plan_visits(demo, login, dispatched):
    response = login(demo["user"]).post(f"/tickets/{dispatched.number}/visits/plan/",
                                        {"engineer": demo["engineer"].pk,
                                         "planned_at": "2030-01-01T10:00"})
    assert response.status_code == 403
    assert not Visit.objects.filter(ticket=dispatched).exists()


def test_the_client_contact_sees_the_proof_on_the_ticket_page(demo, login, dispatched):
    ticket_check_in(actor=demo["engineer"], ticket=dispatched, latitude=NEAR[0],
                    longitude=NEAR[1], accuracy=5)
    html = login(demo["client"]).get(f"/tickets/{dispatched.number}/").content.decode()
    assert 'data-testid="visit-location"' in html and "visit-plan-form" not in html


def _plan_day(demo, desktop, asset, count):
    """`count` tickets on the device, each with a visit planned for later today."""
    start = now()
    tickets = []
    for i in range(count):
        ticket = ticket_create(actor=demo["user"], contract=desktop, title=f"故障 {i}",
                               service_type=ServiceType.objects.get(code="hardware"),
                               site=asset.site, asset=asset, contact_phone=f"1390000000{i}")
        Visit.objects.create(ticket=ticket, engineer=demo["engineer"],
                             planned_at=start + timedelta(minutes=count - i))
        tickets.append(ticket)
    part = Part.objects.filter(contract=desktop).order_by("pk").first()
    location = StockLocation.objects.filter(contract=desktop).order_by("pk").first()
    StockMovement.objects.create(part=part, location=location, kind="issue", quantity=-2,
                                 ticket=tickets[0], actor=demo["engineer"], created_at=start)
    return tickets


def test_the_engineers_day_in_order_with_site_phone_device_and_parts(
        demo, login, desktop, asset, time_machine):
    time_machine.move_to(timezone.localtime(now()).replace(hour=8, minute=0), tick=False)
    tickets = _plan_day(demo, desktop, asset, 3)
    response = login(demo["engineer"]).get("/field/today/")
    assert response.status_code == 200
    # The demo's engineer is still on site elsewhere; those visits are shown too.
    visits = [v for v in response.context["visits"] if v.ticket in tickets]
    assert [v.ticket for v in visits] == list(reversed(tickets))  # planned earliest first
    html = response.content.decode()
    assert 'href="tel:13900000000"' in html and asset.site.name in html
    assert str(asset.tag) in html
    assert 'data-testid="today-parts"' in html and str(visits[-1].parts[0].part) in html
    # Each ticket's device history shows the other tickets on the same device, not itself.
    assert all(v.ticket not in v.asset_history for v in visits)


def test_the_engineers_day_takes_a_constant_number_of_queries(
        demo, login, desktop, asset, django_assert_max_num_queries, time_machine):
    time_machine.move_to(timezone.localtime(now()).replace(hour=8, minute=0), tick=False)
    client = login(demo["engineer"])
    already = len(client.get("/field/today/").context["visits"])  # the demo's on-site ones
    _plan_day(demo, desktop, asset, 2)
    with django_assert_max_num_queries(30) as few:
        client.get("/field/today/")
    _plan_day(demo, desktop, asset, 8)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/field/today/")
    assert len(response.context["visits"]) == already + 10


def test_only_engineers_have_a_day_of_visits(demo, login):
    assert login(demo["user"]).get("/field/today/").status_code == 403
    assert login(demo["engineer"]).get("/field/today/").status_code == 200
    assert login(demo["admin"]).get("/field/today/").status_code == 200


def test_the_engineers_home_links_to_the_day(demo, login):
    html = login(demo["engineer"]).get("/engineer/").content.decode()
    assert 'href="/field/today/"' in html
