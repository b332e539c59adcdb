"""The ticket page reads its ticket by number alone for the provider's staff and checks the
contract apart (tickets/page.py, issue 19): whoever asks, it must find exactly the tickets
tickets_visible_to gives them."""

import pytest

from accounts.models import User
from sla.models import Contract
from tickets.models import Ticket
from tickets.page import ticket_page_get
from tickets.selectors import sees_tickets_by_contract, tickets_visible_to


def _opens(user, ticket) -> bool:
    try:
        return ticket_page_get(user=user, number=ticket.number).pk == ticket.pk
    except Ticket.DoesNotExist:
        return False


def test_every_person_sees_on_the_page_exactly_the_tickets_visible_to_them(demo, file_ticket):
    file_ticket(), file_ticket(requester="user2", actor="desk")
    tickets = [Ticket.objects.filter(contract=contract).order_by("pk").first()
               for contract in Contract.objects.all()]
    tickets += list(Ticket.objects.filter(requester=demo["user"]).order_by("-pk")[:1])
    assert all(tickets) and len({t.contract_id for t in tickets}) >= 2
    inactive = User.objects.get(username="gaojie")  # the desk's second agent, not a login
    User.objects.filter(pk=inactive.pk).update(is_active=False)
    people = list(User.objects.order_by("pk"))
    allowed = refused = 0
    for person in people:
        visible = set(tickets_visible_to(person).filter(pk__in=[t.pk for t in tickets])
                      .values_list("pk", flat=True))
        for ticket in tickets:
            assert _opens(person, ticket) == (ticket.pk in visible), (person.username,
                                                                        ticket.number)
            allowed += ticket.pk in visible
            refused += ticket.pk not in visible
    assert allowed and refused
    # Both reads are exercised: by contract (staff, client contacts) and through the queryset.
    assert {sees_tickets_by_contract(p) for p in people} == {True, False}


@pytest.mark.parametrize("username", ["helei", "ht-fengjun"])
def test_staff_of_another_contract_do_not_open_the_ticket(demo, file_ticket, username):
    """An engineer and a client contact of the server contract, a desktop ticket: 404."""
    ticket = file_ticket()
    outsider = User.objects.get(username=username)
    assert sees_tickets_by_contract(outsider)
    assert not _opens(outsider, ticket)
    assert _opens(demo["desk"], ticket) and _opens(demo["gm"], ticket)


def test_an_unknown_number_is_not_found(demo):
    with pytest.raises(Ticket.DoesNotExist):
        ticket_page_get(user=demo["gm"], number="2099-999999")


def test_every_person_reads_through_the_api_exactly_the_tickets_visible_to_them(
        demo, file_ticket):
    """GET /api/tickets/<id>/ (tickets.api.viewsets.TicketViewSet.get_object): the staff's
    read by id checks the contract apart too; a filter parameter takes the queryset's way."""
    from rest_framework.test import APIClient

    file_ticket()
    tickets = [Ticket.objects.filter(contract=contract).order_by("pk").first()
               for contract in Contract.objects.all()]
    client = APIClient()
    for person in User.objects.filter(is_active=True).order_by("pk"):
        client.force_authenticate(person)
        visible = set(tickets_visible_to(person).values_list("pk", flat=True))
        for ticket in tickets:
            expected = 200 if ticket.pk in visible else 404
            assert client.get(f"/api/tickets/{ticket.pk}/").status_code == expected, (
                person.username, ticket.number)
    client.force_authenticate(demo["desk"])
    ticket = tickets[0]
    assert client.get(f"/api/tickets/{ticket.pk}/").json()["number"] == ticket.number
    other_status = "closed" if ticket.status != "closed" else "new"
    assert client.get(f"/api/tickets/{ticket.pk}/?status={other_status}").status_code == 404
    for bad in ("abc", "1.5", "-3", "99999999999999999999"):
        assert client.get(f"/api/tickets/{bad}/").status_code == 404, bad


def test_the_bulk_bars_engineers_are_bulk_assignees_for_every_person(demo):
    """bulk_assignee_rows (the queue's bulk bar, a query compiled once per rule) gives the
    people bulk_assignees gives, by name, for every demo person, an inactive one too."""
    from accounts.models import User
    from tickets.selectors import PERSON_NAME_FIELDS, bulk_assignee_rows, bulk_assignees

    User.objects.filter(username="gaojie").update(is_active=False)
    offered = 0
    for person in User.objects.order_by("pk"):
        expected = list(bulk_assignees(user=person).values_list("pk", *PERSON_NAME_FIELDS))
        assert bulk_assignee_rows(user=person) == expected, person.username
        offered += bool(expected)
    assert offered >= 3
