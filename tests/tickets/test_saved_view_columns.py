"""Columns of the queue and of saved views (issue 15.2): the chooser, the table in the chosen
order, the defaults, the API field `columns` and its validation."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from core.errors import InvalidInput
from tickets.models import SavedView
from tickets.queue_columns import COLUMN_KEYS, DEFAULT_KEYS, column_choices, columns_for
from tickets.saved_views import saved_view_link
from tickets.services.saved_views import saved_view_create

QUEUE = "/tickets/queue/"
API = "/api/saved-views/"


def _headers(html: str) -> list[str]:
    table = html[html.index('data-testid="ticket-table"'):]
    table = table[:table.index("</thead>")]
    return re.findall(r'data-column="([a-z_]+)"', table)


def test_no_choice_means_the_default_columns_in_their_order():
    assert [c.key for c in columns_for(None)] == list(DEFAULT_KEYS)
    assert [c.key for c in columns_for(["nonsense"])] == list(DEFAULT_KEYS)
    # The number (the ticket's link) comes first when left out; repeats count once.
    assert [c.key for c in columns_for(["status", "title", "status"])] == [
        "number", "status", "title"]
    shown = [(c.key, on) for c, on in column_choices(["site", "number"])]
    assert shown[:2] == [("site", True), ("number", True)]
    assert {key for key, on in shown[2:]} == set(COLUMN_KEYS) - {"site", "number"}
    assert not any(on for _key, on in shown[2:])


def test_the_queue_renders_the_chosen_columns_in_order(demo, client, file_ticket):
    ticket = file_ticket(title="列选择", location="三楼机房")
    client.force_login(demo["desk"])
    default = client.get(QUEUE).content.decode()
    assert _headers(default) == list(DEFAULT_KEYS)
    chosen = client.get(QUEUE, {"view": "open", "columns": ["site", "number", "status",
                                                            "channel", "bogus"]})
    html = chosen.content.decode()
    assert _headers(html) == ["site", "number", "status", "channel"]
    assert ticket.number in html and "三楼机房" in html
    assert "列选择" not in html.split('data-testid="ticket-table"')[1]  # no title column
    # The chooser lists the shown columns ticked and in order, the others after them.
    chooser = html[html.index('data-testid="column-form"'):]
    ticked = re.findall(r'value="([a-z_]+)" id="id_column_[a-z_]+" checked', chooser)
    assert ticked == ["site", "status", "channel"]
    assert '<input type="hidden" name="view" value="open">' in chooser  # filters kept
    # The 30-second refresh keeps the choice.
    partial = client.get(QUEUE, {"view": "open", "columns": ["number", "sla"]},
                         HTTP_HX_REQUEST="true").content.decode()
    assert _headers(partial) == ["number", "sla"]


def test_the_chosen_columns_cost_no_query_more(demo, client, file_ticket,
                                               django_assert_max_num_queries):
    for n in range(3):
        file_ticket(title=f"列 {n}")
    client.force_login(demo["desk"])
    client.get(QUEUE)
    with CaptureQueriesContext(connection) as default:
        client.get(QUEUE)
    with django_assert_max_num_queries(len(default)):
        client.get(QUEUE, {"columns": list(COLUMN_KEYS)})


def test_a_saved_view_keeps_its_columns_and_opens_with_them(demo, client):
    client.force_login(demo["desk"])
    response = client.post("/tickets/queue/views/", {
        "name": "我的列", "query": "view=unassigned&columns=updated&columns=number&page=2"})
    view = SavedView.objects.get(owner=demo["desk"], name="我的列")
    assert view.query == "view=unassigned" and view.columns == ["updated", "number"]
    assert response.url.endswith("?view=unassigned&columns=updated&columns=number")
    html = client.get(QUEUE + "?" + saved_view_link(view)).content.decode()
    assert f'href="?{saved_view_link(view).replace("&", "&amp;")}"' in html
    assert f'nav-link py-1 active" href="?{saved_view_link(view).replace("&", "&amp;")}"' in html
    plain = saved_view_create(actor=demo["desk"], name="默认列", query="view=open")
    assert plain.columns == [] and saved_view_link(plain) == "view=open"


@pytest.mark.parametrize("columns, message", [
    (["number", "colour"], "colour"),
    (["title", "title"], None),
    ("number,title", None),
    ([1, 2], None),
    (list(COLUMN_KEYS) + ["number"], None),
])
def test_bad_columns_are_refused_naming_the_field(demo, columns, message):
    with pytest.raises(InvalidInput) as refused:
        saved_view_create(actor=demo["desk"], name="坏列", query="", columns=columns)
    assert refused.value.field == "columns"
    if message:
        assert message in refused.value.message
    assert not SavedView.objects.filter(name="坏列").exists()


def test_the_api_saves_and_lists_columns_and_refuses_unknown_ones(demo):
    client = APIClient()
    client.force_authenticate(demo["desk"])
    response = client.post(API, {"name": "API 列", "query": "view=open",
                                 "columns": ["sla", "number", "assignee"]}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["columns"] == ["sla", "number", "assignee"]
    listed = {row["name"]: row for row in client.get(API).json()}
    assert listed["API 列"]["columns"] == ["sla", "number", "assignee"]
    default = client.post(API, {"name": "API 默认", "query": ""}, format="json")
    assert default.status_code == 201 and default.json()["columns"] == []
    for bad in (["number", "colour"], ["title", "title"], "title", [None]):
        refused = client.post(API, {"name": "API 坏", "query": "", "columns": bad},
                              format="json")
        assert refused.status_code == 400, (bad, refused.json())
        assert "columns" in refused.json()["errors"]
    assert not SavedView.objects.filter(name="API 坏").exists()
