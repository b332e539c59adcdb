"""Links, parent and children, merge (issue 15.6)."""

import pytest
from rest_framework.test import APIClient

from notifications.models import Notification
from tickets.models import Attachment, Entry, Status, Ticket, TicketLink
from tickets.services import ticket_cancel, ticket_dispatch, ticket_link, ticket_resolve


@pytest.fixture
def api():
    def _as(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return _as


@pytest.fixture
def pair(file_ticket):
    return file_ticket(title="打印机卡纸 A"), file_ticket(requester="user2", actor="desk",
                                                          title="打印机卡纸 B")


# --- links -----------------------------------------------------------------------------------
def test_it_links_and_lists_both_ways(demo, api, pair):
    a, b = pair
    response = api(demo["desk"]).post(f"/api/tickets/{a.pk}/links/",
                                      {"kind": "caused_by", "ticket": b.pk}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["kind"] == "caused_by"
    assert response.json()["ticket"]["number"] == b.number
    from_b = api(demo["desk"]).get(f"/api/tickets/{b.pk}/links/").json()
    assert [(row["kind"], row["ticket"]["id"]) for row in from_b] == [("causes", a.pk)]


def test_a_reversed_kind_is_stored_the_other_way(demo, api, pair):
    a, b = pair
    api(demo["desk"]).post(f"/api/tickets/{a.pk}/links/", {"kind": "parent_of", "ticket": b.pk},
                           format="json")
    assert TicketLink.objects.get().source == b  # b is the child of a


def test_it_deletes_a_link(demo, api, pair):
    a, b = pair
    link = ticket_link(actor=demo["desk"], ticket=a, target=b, kind="related")
    response = api(demo["desk"]).delete(f"/api/tickets/{b.pk}/links/{link.pk}/")
    assert response.status_code == 204
    assert not TicketLink.objects.exists()


def test_a_link_of_another_ticket_is_a_404(demo, api, pair, file_ticket):
    a, b = pair
    c = file_ticket(title="别的")
    link = ticket_link(actor=demo["desk"], ticket=a, target=b, kind="related")
    assert api(demo["desk"]).delete(f"/api/tickets/{c.pk}/links/{link.pk}/").status_code == 404


@pytest.mark.parametrize("body, field", [
    ({"kind": "friend_of", "ticket": 1}, "kind"),
    ({"kind": "related"}, "ticket"),
    ({"kind": "related", "ticket": "x"}, "ticket"),
])
def test_bad_link_input_is_a_400(demo, api, pair, body, field):
    response = api(demo["desk"]).post(f"/api/tickets/{pair[0].pk}/links/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_a_link_to_itself_or_an_unseen_ticket_is_a_400(demo, api, pair):
    a, _b = pair
    server = Ticket.objects.filter(contract__code="DEMO-SERVER").first()
    client = api(demo["engineer"])  # desktop only
    assert client.post(f"/api/tickets/{a.pk}/links/", {"kind": "related", "ticket": a.pk},
                       format="json").status_code == 400
    response = client.post(f"/api/tickets/{a.pk}/links/",
                           {"kind": "related", "ticket": server.pk}, format="json")
    assert response.status_code == 400 and "ticket" in response.json()["errors"]


def test_the_same_link_twice_and_two_parents_are_refused(demo, api, pair, file_ticket):
    a, b = pair
    c = file_ticket(title="C")
    client = api(demo["desk"])
    assert client.post(f"/api/tickets/{a.pk}/links/", {"kind": "child_of", "ticket": b.pk},
                       format="json").status_code == 201
    assert client.post(f"/api/tickets/{a.pk}/links/", {"kind": "child_of", "ticket": b.pk},
                       format="json").status_code == 409
    assert client.post(f"/api/tickets/{a.pk}/links/", {"kind": "child_of", "ticket": c.pk},
                       format="json").status_code == 409
    # and no loop: b cannot become a's child
    assert client.post(f"/api/tickets/{b.pk}/links/", {"kind": "child_of", "ticket": a.pk},
                       format="json").status_code == 409


def test_end_users_read_links_but_cannot_add(demo, api, pair, file_ticket):
    a, _b = pair
    own = file_ticket(title="我的另一张")
    assert api(demo["user"]).get(f"/api/tickets/{a.pk}/links/").status_code == 200
    assert api(demo["user"]).post(f"/api/tickets/{a.pk}/links/",
                                  {"kind": "related", "ticket": own.pk},
                                  format="json").status_code == 403


def test_the_ticket_page_shows_links_and_adds_one(demo, client, pair):
    a, b = pair
    client.force_login(demo["desk"])
    response = client.post(f"/tickets/{a.number}/link/", {"kind": "related", "other": b.number},
                           follow=True)
    assert response.status_code == 200
    assert 'data-testid="links"' in response.content.decode()
    assert b.number in response.content.decode()
    assert TicketLink.objects.filter(source=a, target=b, kind="related").exists()


# --- parent and children ---------------------------------------------------------------------
def test_resolving_the_parent_resolves_the_open_children_when_asked(demo, api, file_ticket):
    parent = file_ticket(title="机房断电")
    children = [file_ticket(title=f"受影响 {n}") for n in range(3)]
    for t in [parent, *children]:
        ticket_dispatch(actor=demo["desk"], ticket=t, assignee=demo["engineer"])
    for child in children:
        ticket_link(actor=demo["desk"], ticket=child, target=parent, kind="child_of")
    response = api(demo["desk"]).post(f"/api/tickets/{parent.pk}/resolve/", {
        "code": "fixed", "notes": "恢复供电", "resolve_children": True}, format="json")
    assert response.status_code == 200, response.json()
    assert Ticket.objects.filter(pk__in=[c.pk for c in children],
                                 status=Status.RESOLVED).count() == 3


def test_without_the_box_the_children_stay_open(demo, file_ticket):
    parent, child = file_ticket(title="父"), file_ticket(title="子")
    for t in [parent, child]:
        ticket_dispatch(actor=demo["desk"], ticket=t, assignee=demo["engineer"])
    ticket_link(actor=demo["desk"], ticket=child, target=parent, kind="child_of")
    ticket_resolve(actor=demo["desk"], ticket=parent, code="fixed", notes="好了")
    child.refresh_from_db()
    assert child.status == Status.DISPATCHED


def test_a_child_that_cannot_be_resolved_stays_open_and_the_rest_go(demo, file_ticket):
    parent, ready, fresh = (file_ticket(title=title) for title in ["父", "子1", "子2"])
    for t in [parent, ready]:
        ticket_dispatch(actor=demo["desk"], ticket=t, assignee=demo["engineer"])
    for child in [ready, fresh]:
        ticket_link(actor=demo["desk"], ticket=child, target=parent, kind="child_of")
    done = ticket_resolve(actor=demo["desk"], ticket=parent, code="fixed", notes="好了",
                          resolve_children=True)
    assert done.children_resolved == [ready.number]
    assert [number for number, _reason in done.children_refused] == [fresh.number]
    fresh.refresh_from_db()
    assert fresh.status == Status.SUBMITTED


# --- merge -----------------------------------------------------------------------------------
def test_merge_moves_timeline_and_files_and_closes_the_duplicate(demo, api, pair):
    a, b = pair
    Attachment.objects.create(ticket=a, uploaded_by=demo["user"], original_name="a.png",
                              storage_name="merge-test-a.png", content_type="image/png",
                              size=1, created_at=a.created_at)
    entries_of_a = set(Entry.objects.filter(ticket=a).values_list("pk", flat=True))
    response = api(demo["desk"]).post(f"/api/tickets/{a.pk}/merge/", {"into": b.pk},
                                      format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["merged_into"]["number"] == b.number
    a.refresh_from_db()
    assert a.status == Status.CLOSED and a.merged_into == b and a.resolution_code == "duplicate"
    assert entries_of_a <= set(Entry.objects.filter(ticket=b).values_list("pk", flat=True))
    assert Attachment.objects.get(original_name="a.png").ticket == b
    assert a.entries.filter(action="merged_into").exists()
    assert b.entries.filter(action="merged_from", detail=a.number).exists()
    assert TicketLink.objects.filter(source=a, target=b, kind="duplicate_of").exists()
    assert Notification.objects.filter(recipient=demo["user"], event="ticket.merged").exists()


def test_the_merged_number_redirects_to_the_survivor(demo, api, client, pair):
    a, b = pair
    api(demo["desk"]).post(f"/api/tickets/{a.pk}/merge/", {"into": b.pk}, format="json")
    client.force_login(demo["desk"])
    response = client.get(f"/tickets/{a.number}/")
    assert response.status_code == 302 and response.url.endswith(f"/tickets/{b.number}/")
    response = api(demo["desk"]).get(f"/api/tickets/{a.pk}/")
    assert response.status_code == 302 and response.url.endswith(f"/api/tickets/{b.pk}/")


def test_a_requester_who_cannot_see_the_survivor_stays_on_the_merged_page(demo, api, client,
                                                                         pair):
    a, b = pair  # a is user's, b is user2's
    api(demo["desk"]).post(f"/api/tickets/{a.pk}/merge/", {"into": b.pk}, format="json")
    client.force_login(demo["user"])
    response = client.get(f"/tickets/{a.number}/")
    assert response.status_code == 200
    assert 'data-testid="merged-into"' in response.content.decode()


def test_merge_into_itself_is_a_400(demo, api, pair):
    a, _b = pair
    response = api(demo["desk"]).post(f"/api/tickets/{a.pk}/merge/", {"into": a.pk},
                                      format="json")
    assert response.status_code == 400 and "into" in response.json()["errors"]


def test_merge_across_contracts_is_a_409_with_the_reason(demo, api, pair):
    a, _b = pair
    server = Ticket.objects.filter(contract__code="DEMO-SERVER", status__in=[
        "submitted", "accepted", "dispatched"]).first()
    response = api(demo["desk"]).post(f"/api/tickets/{a.pk}/merge/", {"into": server.pk},
                                      format="json")
    assert response.status_code == 409
    assert "DEMO-SERVER" in response.json()["detail"]


def test_merge_into_a_closed_ticket_is_a_409(demo, api, pair):
    a, b = pair
    ticket_cancel(actor=demo["desk"], ticket=b, reason="")
    response = api(demo["desk"]).post(f"/api/tickets/{a.pk}/merge/", {"into": b.pk},
                                      format="json")
    assert response.status_code == 409
    assert b.number in response.json()["detail"]


@pytest.mark.parametrize("body", [{}, {"into": "x"}, {"into": 0}, {"into": 10**9},
                                  {"into": 2**70}])
def test_bad_merge_input_is_a_400(demo, api, pair, body):
    response = api(demo["desk"]).post(f"/api/tickets/{pair[0].pk}/merge/", body, format="json")
    assert response.status_code == 400 and "into" in response.json()["errors"]


def test_engineers_may_not_merge(demo, api, pair):
    a, b = pair
    assert api(demo["engineer"]).post(f"/api/tickets/{a.pk}/merge/", {"into": b.pk},
                                      format="json").status_code == 403


def test_the_page_merges_and_goes_to_the_survivor(demo, client, pair):
    a, b = pair
    client.force_login(demo["desk"])
    response = client.post(f"/tickets/{a.number}/merge/", {"into": b.number})
    assert response.status_code == 302 and response.url.endswith(f"/tickets/{b.number}/")
    a.refresh_from_db()
    assert a.merged_into == b


def test_the_resolve_form_offers_the_children_only_to_a_parent(demo, client, file_ticket):
    parent, child = file_ticket(title="父"), file_ticket(title="子")
    ticket_dispatch(actor=demo["desk"], ticket=parent, assignee=demo["engineer"])
    client.force_login(demo["desk"])
    assert "resolve_children" not in client.get(f"/tickets/{parent.number}/").content.decode()
    ticket_link(actor=demo["desk"], ticket=child, target=parent, kind="child_of")
    assert "resolve_children" in client.get(f"/tickets/{parent.number}/").content.decode()


def test_an_id_past_the_largest_is_no_link_not_a_500(demo, api, pair):
    response = api(demo["desk"]).delete(f"/api/tickets/{pair[0].pk}/links/{2**70}/")
    assert response.status_code == 404
