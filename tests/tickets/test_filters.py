"""The ticket list's one FilterSet (tickets/filters.py), as the queue page and the API use it."""

import re

import pytest

pytestmark = pytest.mark.django_db


def _page_numbers(client, query: str) -> list[str]:
    response = client.get(f"/tickets/queue/?{query}")
    assert response.status_code == 200
    return sorted(row["number"] for row in response.context["page"].object_list)


def _api_numbers(client, query: str) -> list[str]:
    response = client.get(f"/api/tickets/?page_size=200&{query}")
    assert response.status_code == 200, response.json()
    return sorted(t["number"] for t in response.json()["results"])


def test_it_filters_the_page_and_the_api_alike(demo, client):
    client.force_login(demo["desk"])
    for query in ("view=open", "view=unassigned", "view=closed", "view=open&priority=1",
                  "view=open&contract=DEMO-SERVER", "view=open&q=打印机",
                  "view=open&status=submitted", "view=open&service_type=hardware"):
        assert _page_numbers(client, query) == _api_numbers(client, query), query


def test_it_opens_the_page_on_open_tickets_but_the_api_on_all(demo, client):
    client.force_login(demo["desk"])
    assert _page_numbers(client, "") == _api_numbers(client, "view=open")
    assert set(_api_numbers(client, "view=closed")) <= set(_api_numbers(client, ""))


def test_it_answers_400_naming_a_bad_api_value(demo, client):
    client.force_login(demo["desk"])
    for name, value in (("view", "everything"), ("sort", "title"), ("priority", "9"),
                        ("site", "abc"), ("assignee", "me")):
        response = client.get(f"/api/tickets/?{name}={value}")
        assert response.status_code == 400, name
        assert name in response.json()["errors"], response.json()


def test_it_ignores_a_bad_value_on_the_page(demo, client):
    client.force_login(demo["desk"])
    assert _page_numbers(client, "priority=9&site=abc&sort=title") == _page_numbers(client, "")


def test_its_form_is_built_once_yet_follows_each_request():
    """The form class is cached (tickets/filters.py); labels and data still belong to each."""
    from django.utils import translation

    from tickets.filters import TicketFilterSet
    from tickets.models import Ticket

    def form(data, language):
        with translation.override(language):
            bound = TicketFilterSet(data, queryset=Ticket.objects.none()).form
            bound.is_valid()
            return str(bound["contract"].label), bound.cleaned_data

    label, data = form({"priority": "1", "contract": "DEMO-SERVER"}, "zh-hans")
    assert label == "合同" and data["priority"] == "1" and data["contract"] == "DEMO-SERVER"
    label, data = form({}, "en")
    assert label == "Contract" and data["priority"] == "" and data["contract"] == ""
    assert TicketFilterSet({}).get_form_class() is TicketFilterSet({}).get_form_class()


def test_the_filter_bar_shows_the_filters_it_took(demo, client):
    """The bar's priority and sort selects are written by the template (issue 19): the
    values the filters took are selected, a value they refused is not (the queue is then
    sorted newest first, and says so)."""
    def selects(query: str) -> tuple[str, str]:
        body = client.get(f"/tickets/queue/?{query}").content.decode()
        return (re.search(r'<select name="priority".*?</select>', body, re.S).group(0),
                re.search(r'<select name="sort".*?</select>', body, re.S).group(0))

    client.force_login(demo["desk"])
    priority, sort = selects("priority=2&sort=priority")
    assert priority.count(" selected") == 1 and '<option value="2" selected>' in priority
    assert sort.count(" selected") == 1 and '<option value="priority" selected>' in sort
    priority, sort = selects("priority=9&sort=colour")
    assert " selected" not in priority and 'value="9"' not in priority
    assert sort.count(" selected") == 1 and '<option value="-created_at" selected>' in sort
    assert priority.startswith('<select name="priority" class="form-select" id="id_priority">')
