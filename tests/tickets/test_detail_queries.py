"""The ticket page's queries (issue 19): a fixed number whatever the ticket holds, and none
for a panel with nothing to show."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from core.clock import now
from fieldservice.services.visits import visit_plan
from tickets.models import Ticket
from tickets.page import ticket_page_get
from tickets.services import ticket_check_in, ticket_comment, ticket_dispatch

# Session, user, the contracts the desk sees, the ticket with its panel flags, its clocks with
# their calendars, the timeline, the files of its entries, the canned replies, the engineers
# (read once for the dispatch and visit forms), the second line offered by escalation, the
# visits panel and whether the desk has a visit there (the service report button). The panels
# of parts, loans, repairs, part requests, reports, consents and links cost nothing on a
# ticket without them. Inside the test's transaction the ticket query's planner hint
# (core.planner.joins_as_written) is 2 statements more: set, and restored after; in a request
# outside a transaction it is 1 (the transaction it opens ends it).
PLANNER_HINT = 2 if connection.vendor == "postgresql" else 0
DESK_ON_SITE = 12 + PLANNER_HINT
# Session, user, the contracts of the user's client, the ticket, its clocks, the timeline: an
# end user's own new ticket (no files, no survey yet: the ticket query says so).
REQUESTER_SUBMITTED = 6 + PLANNER_HINT


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _png(name: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _page(client, ticket: Ticket) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/tickets/{ticket.number}/")
    assert response.status_code == 200
    return len(queries), response.content.decode()


def _add(demo, ticket: Ticket, n: int) -> None:
    """n more replies with a photo each and n more planned visits."""
    for i in range(n):
        ticket_comment(actor=demo["engineer"], ticket=ticket, body=f"进展 {i}",
                       uploads=[_png(f"现场{i}.png")])
        visit_plan(actor=demo["desk"], ticket=ticket, engineer=demo["engineer"],
                   planned_at=now() + timedelta(days=i + 1))


def test_it_costs_the_desk_the_same_queries_whatever_an_on_site_ticket_holds(
        demo, login, file_ticket):
    ticket = ticket_dispatch(actor=demo["desk"], ticket=file_ticket(),
                             assignee=demo["engineer"])
    ticket = ticket_check_in(actor=demo["engineer"], ticket=ticket)  # writes the first visit
    _add(demo, ticket, 1)
    desk = login(demo["desk"])
    few, _html = _page(desk, ticket)
    _add(demo, ticket, 4)
    many, html = _page(desk, ticket)
    assert html.count('data-kind="reply"') == 5 and html.count("现场") >= 5
    assert few == many <= DESK_ON_SITE


def test_a_ticket_with_nothing_in_its_panels_costs_no_panel_queries(demo, login, file_ticket):
    count, html = _page(login(demo["user"]), file_ticket())
    assert 'data-testid="timeline"' in html
    assert count <= REQUESTER_SUBMITTED


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL planner setting")
def test_the_ticket_is_read_with_the_joins_as_written(demo, file_ticket):
    """tickets.page.ticket_page_get: the hint, the ticket, its clocks, the value restored."""
    ticket = file_ticket()
    statements = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        assert ticket_page_get(user=demo["desk"], number=ticket.number) == ticket
    hint = next(i for i, sql in enumerate(statements)
                if "set_config('join_collapse_limit', '1'" in sql)
    restore = next(i for i, sql in enumerate(statements)
                   if "set_config('join_collapse_limit', %s" in sql)
    inside = statements[hint + 1:restore]
    assert any('FROM "tickets_ticket"' in sql for sql in inside)
    assert any('FROM "sla_clock"' in sql for sql in inside)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL planner setting")
def test_the_api_reads_one_ticket_with_the_joins_as_written(demo, file_ticket):
    """TicketViewSet.get_object: the hint around the read, and 404 as DRF's for an id that is
    malformed, unknown or out of scope."""
    from rest_framework.test import APIClient

    ticket = file_ticket()
    client = APIClient()
    client.force_authenticate(demo["desk"])
    statements = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        assert client.get(f"/api/tickets/{ticket.pk}/").json()["number"] == ticket.number
    hint = next(i for i, sql in enumerate(statements)
                if "set_config('join_collapse_limit', '1'" in sql)
    assert 'FROM "tickets_ticket"' in statements[hint + 1]
    for bad in ("abc", "99999999", "1.5"):
        assert client.get(f"/api/tickets/{bad}/").status_code == 404
    outsider = APIClient()
    outsider.force_authenticate(demo["user2"])
    assert outsider.get(f"/api/tickets/{ticket.pk}/").status_code == 404
    assert client.get(f"/api/tickets/{ticket.pk}/").status_code == 200  # the transaction is fine


def test_the_api_reads_a_tickets_clocks_with_their_calendars(demo, file_ticket):
    """GET /api/tickets/<id>/ shows every clock with its business time left: the calendars
    come joined to the clocks, not one query per clock (three queries before, issue 19)."""
    from rest_framework.test import APIClient

    ticket = file_ticket()  # hardware on the desktop contract: response, arrival, resolution
    assert ticket.clocks.count() == 3
    client = APIClient()
    client.force_authenticate(demo["desk"])
    with CaptureQueriesContext(connection) as queries:
        body = client.get(f"/api/tickets/{ticket.pk}/").json()
    assert [clock["kind"] for clock in body["clocks"]] == list(
        ticket.clocks.order_by("kind").values_list("kind", flat=True))
    assert all(clock["remaining_seconds"] is not None for clock in body["clocks"])
    calendar_reads = [q["sql"] for q in queries.captured_queries
                      if 'FROM "sla_servicecalendar"' in q["sql"]]
    assert calendar_reads == []  # joined in the clocks' query (INNER JOIN)
    assert sum('FROM "sla_clock"' in q["sql"] for q in queries.captured_queries) == 1


def test_the_timeline_and_the_forms_people_are_the_querysets(demo, file_ticket):
    """ticket_timeline and the people the dispatch and escalation forms offer, read through
    prepared queries (issue 19): the same rows as their querysets, in the same order; the
    entries know their ticket and their files without another query."""
    from tickets.forms import DispatchForm, EscalateForm
    from tickets.selectors import assignable_engineers, second_line_engineers, ticket_timeline
    from tickets.services import ticket_comment

    ticket = file_ticket()
    ticket_comment(actor=demo["desk"], ticket=ticket, body="内部：先查线缆", internal=True)
    ticket_comment(actor=demo["engineer"], ticket=ticket, body="已联系用户",
                   uploads=[_png("现场.png")])
    ticket = ticket_page_get(user=demo["desk"], number=ticket.number)
    for who, internal_too in (("desk", True), ("user", False), ("client", False)):
        expected = list(ticket.entries.filter(**({} if internal_too else {"internal": False}))
                        .order_by("created_at", "pk"))
        with CaptureQueriesContext(connection) as queries:
            entries = ticket_timeline(user=demo[who], ticket=ticket)
            seen = [(e.pk, e.author.username if e.author else None, e.ticket is ticket,
                     [a.original_name for a in e.attachments.all()]) for e in entries]
        assert [pk for pk, *_rest in seen] == [e.pk for e in expected], who
        assert all(same for _pk, _author, same, _files in seen)
        assert any(files == ["现场.png"] for *_rest, files in seen)
        assert len(queries) == 2  # the entries with their authors, their files
    offered = [value for value, _label in DispatchForm(ticket=ticket).fields["assignee"].choices
               if value]
    assert [str(v) for v in offered] == [
        str(p.pk) for p in assignable_engineers(contract=ticket.contract)]
    escalation = [value for value, _label in EscalateForm(ticket=ticket).fields["to"].choices
                  if value]
    assert [str(v) for v in escalation] == [
        str(p.pk) for p in second_line_engineers(contract=ticket.contract)] and escalation
