"""The visits through the API: check-in with proof (JSON and multipart), check-out, planning,
and `visits` in GET /api/tickets/{id}/."""

from datetime import timedelta

from core.clock import now
from fieldservice.models import Visit, VisitPolicy
from tests.fieldservice.conftest import FAR, NEAR, png_upload
from tickets.models import Attachment, Status, Ticket


def test_check_in_with_a_photo_in_multipart_and_the_visit_in_the_detail(demo, api, dispatched,
                                                                        asset):
    response = api(demo["engineer"]).post(
        f"/api/tickets/{dispatched.pk}/check-in/",
        {"latitude": NEAR[0], "longitude": NEAR[1], "accuracy": 12,
         "scanned_tag": f"https://portal.example.com/a/{asset.tag}", "photo": png_upload(),
         "note": "到场"}, format="multipart")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == Status.ON_SITE
    detail = api(demo["desk"]).get(f"/api/tickets/{dispatched.pk}/").json()
    [visit] = detail["visits"]
    assert visit["engineer"]["username"] == "engineer"
    assert visit["location_check"] == "in_range" and visit["distance_m"] == 111
    assert visit["accuracy_m"] == 12 and visit["location_flagged"] is False
    assert visit["scanned_tag"] == asset.tag and visit["tag_matches"] is True
    assert visit["has_proof"] is True and visit["checked_out_at"] is None
    photo = Attachment.objects.get(ticket=dispatched)
    assert visit["photo_url"].endswith(f"/api/attachments/{photo.pk}/")
    # The client contact and the PM see the proof too, and may open the photo.
    for who in ("client", "pm"):
        body = api(demo[who]).get(f"/api/tickets/{dispatched.pk}/").json()
        assert body["visits"][0]["has_proof"] is True
        assert api(demo[who]).get(f"/api/attachments/{photo.pk}/").status_code == 200


def test_check_in_in_json_keeps_working_without_proof(demo, api, dispatched):
    response = api(demo["engineer"]).post(f"/api/tickets/{dispatched.pk}/check-in/",
                                          {"note": "到了"}, format="json")
    assert response.status_code == 200
    visit = Visit.objects.get(ticket=dispatched)
    assert visit.location_check == "none" and visit.note == "到了"


def test_out_of_range_coordinates_answer_400_and_change_nothing(demo, api, dispatched):
    response = api(demo["engineer"]).post(f"/api/tickets/{dispatched.pk}/check-in/",
                                          {"latitude": 95, "longitude": 121}, format="json")
    assert response.status_code == 400
    assert "latitude" in response.json()["errors"]
    assert Ticket.objects.get(pk=dispatched.pk).status == Status.DISPATCHED
    assert not Visit.objects.filter(ticket=dispatched).exists()


def test_a_far_position_is_accepted_and_flagged(demo, api, dispatched):
    response = api(demo["engineer"]).post(
        f"/api/tickets/{dispatched.pk}/check-in/",
        {"latitude": FAR[0], "longitude": FAR[1], "accuracy": 10}, format="json")
    assert response.status_code == 200
    [visit] = api(demo["engineer"]).get(f"/api/tickets/{dispatched.pk}/").json()["visits"]
    assert visit["location_check"] == "out_of_range" and visit["location_flagged"] is True


def test_another_contracts_label_answers_400_with_the_reason(demo, api, dispatched,
                                                              foreign_asset):
    response = api(demo["engineer"]).post(f"/api/tickets/{dispatched.pk}/check-in/",
                                          {"scanned_tag": foreign_asset.tag}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert "scanned_tag" in body["errors"] and foreign_asset.tag in body["detail"]
    assert "其他合同" in body["detail"]
    assert Ticket.objects.get(pk=dispatched.pk).status == Status.DISPATCHED


def test_a_required_photo_missing_answers_400(demo, api, dispatched, desktop):
    VisitPolicy.objects.create(contract=desktop, requires_photo=True)
    response = api(demo["engineer"]).post(f"/api/tickets/{dispatched.pk}/check-in/", {},
                                          format="json")
    assert response.status_code == 400 and "photo" in response.json()["errors"]


def test_check_out_through_the_api(demo, api, dispatched):
    client = api(demo["engineer"])
    client.post(f"/api/tickets/{dispatched.pk}/check-in/", {}, format="json")
    response = client.post(f"/api/tickets/{dispatched.pk}/check-out/", {"note": "完成"},
                           format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["checked_out_at"] is not None
    assert response.json()["minutes_on_site"] == 0
    again = client.post(f"/api/tickets/{dispatched.pk}/check-out/", {}, format="json")
    assert again.status_code == 409


def test_check_out_of_a_ticket_one_cannot_see_is_404(demo, api, dispatched):
    response = api(demo["user2"]).post(f"/api/tickets/{dispatched.pk}/check-out/", {},
                                       format="json")
    assert response.status_code == 404


def test_planning_a_visit_through_the_api(demo, api, dispatched):
    when = (now() + timedelta(days=1)).replace(microsecond=0)
    response = api(demo["desk"]).post(f"/api/tickets/{dispatched.pk}/visits/",
                                      {"engineer": demo["engineer"].pk,
                                       "planned_at": when.isoformat()}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["checked_in_at"] is None
    refused = api(demo["user"]).post(f"/api/tickets/{dispatched.pk}/visits/",
                                     {"engineer": demo["engineer"].pk,
                                      "planned_at": when.isoformat()}, format="json")
    assert refused.status_code == 403


def test_the_detail_lists_visits_in_a_constant_number_of_queries(demo, api, dispatched,
                                                                 django_assert_max_num_queries):
    client = api(demo["desk"])
    client.get(f"/api/tickets/{dispatched.pk}/")
    for hours in range(5):
        Visit.objects.create(ticket=dispatched, engineer=demo["engineer"],
                             planned_at=now() + timedelta(hours=hours))
    with django_assert_max_num_queries(40) as captured:
        body = client.get(f"/api/tickets/{dispatched.pk}/").json()
    assert len(body["visits"]) == 5
    visit_queries = [q for q in captured.captured_queries if "fieldservice_visit" in q["sql"]]
    assert len(visit_queries) == 1
