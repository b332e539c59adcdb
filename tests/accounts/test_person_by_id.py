"""accounts.selectors.person_visible_to (filing for a caller names the requester by id): the
person people_visible_to holds, by a query compiled once for the management roles and the
provider's staff; the API answers an unseen person as an unknown one."""

from rest_framework.test import APIClient

from accounts.models import User
from accounts.selectors import people_visible_to, person_visible_to
from tests.prepared_runs import prepared_runs


def test_it_finds_exactly_whom_people_visible_to_holds(demo, scope_edge_people):
    people = list(User.objects.order_by("pk"))
    ids = [p.pk for p in people] + [999_999_999]
    with prepared_runs() as runs:
        for person in people:
            seen = set(people_visible_to(person).values_list("pk", flat=True))
            for pk in ids:
                found = person_visible_to(person, pk)
                assert (found.pk if found else None) == (pk if pk in seen else None), (
                    person.username, pk)
    assert runs  # the desk, engineers and managers took the compiled queries


def test_the_api_answers_an_unseen_requester_as_an_unknown_one(demo):
    desk = APIClient()
    desk.force_authenticate(demo["desk"])
    body = {"contract": "DEMO-DESKTOP", "service_type": "hardware", "title": "代报"}
    outsider = User.objects.create(username="elsewhere", role="end_user")  # no organisation
    assert outsider not in people_visible_to(demo["desk"])
    unseen = desk.post("/api/tickets/", {**body, "requester": outsider.pk}, format="json")
    unknown = desk.post("/api/tickets/", {**body, "requester": 999_999_999}, format="json")
    assert unseen.status_code == unknown.status_code == 400
    said = unknown.json()["errors"]["requester"][0]
    assert "999999999" in said
    assert unseen.json()["errors"]["requester"] == [said.replace("999999999", str(outsider.pk))]
    for odd in (True, "12abc", -1, 0, 2**63, [1], ""):
        answer = desk.post("/api/tickets/", {**body, "requester": odd}, format="json")
        assert answer.status_code == 400, odd
    filed = desk.post("/api/tickets/", {**body, "requester": str(demo["user"].pk)},
                      format="json")
    assert filed.status_code == 201 and filed.json()["requester"]["id"] == demo["user"].pk
