"""Saved views of the queue (issue 15.2): save, list own and shared, scoping, refusals,
rename/delete rights, count badges and the queue page's query count."""

import pytest
from django.db import connection
from django.http import QueryDict
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from core.errors import InvalidInput, PermissionRefused
from sla.models import Contract, ContractMember
from sla.selectors import contracts_visible_to
from tickets.filters import TicketFilterSet
from tickets.models import SavedView
from tickets.selectors import ticket_list
from tickets.selectors_saved_views import saved_view_counts, saved_views_visible_to
from tickets.services.saved_views import (
    saved_view_create,
    saved_view_delete,
    saved_view_query,
    saved_view_rename,
)

QUEUE = "/tickets/queue/"
API = "/api/saved-views/"


@pytest.fixture
def api():
    def _as(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return _as


@pytest.fixture
def server(demo):
    return Contract.objects.get(code="DEMO-SERVER")


@pytest.fixture
def outsider(demo, desktop):
    """A provider engineer taken off the desktop contract's team: it is another's contract."""
    user = demo["engineer2"]
    ContractMember.objects.filter(user=user, contract=desktop).delete()
    assert not contracts_visible_to(user).filter(pk=desktop.pk).exists()
    return user


def test_saving_keeps_the_filters_and_sort_and_drops_the_page(demo):
    view = saved_view_create(actor=demo["desk"], name="P1 未派",
                             query="?view=unassigned&priority=1&sort=sla_due_at&page=3")
    assert view.query == "view=unassigned&priority=1&sort=sla_due_at"
    assert view.owner == demo["desk"] and not view.shared and view.created_at


@pytest.mark.parametrize("query, code", [
    ("colour=red", "unknown_filter"), ("sort=banana", "invalid_filter"),
    ("view=nowhere", "invalid_filter"), ("site=abc", "invalid_filter")])
def test_an_unknown_or_invalid_parameter_is_refused_naming_it(query, code):
    with pytest.raises(InvalidInput) as exc:
        saved_view_query(query)
    assert exc.value.code == code and exc.value.field == "query"
    assert query.split("=")[0] in exc.value.message


@pytest.mark.parametrize("name", ["", "   ", "x" * 61])
def test_the_name_is_required_and_at_most_60_characters(demo, name):
    with pytest.raises(InvalidInput) as exc:
        saved_view_create(actor=demo["desk"], name=name, query="view=open")
    assert exc.value.field == "name"


def test_names_are_unique_per_owner(demo):
    saved_view_create(actor=demo["desk"], name="我的", query="view=mine")
    with pytest.raises(InvalidInput) as exc:
        saved_view_create(actor=demo["desk"], name="我的", query="view=open")
    assert exc.value.code == "duplicate"
    saved_view_create(actor=demo["engineer"], name="我的", query="view=mine")  # another owner


def test_a_shared_view_needs_a_contract_the_owner_sees(demo, desktop, outsider):
    with pytest.raises(InvalidInput):
        saved_view_create(actor=demo["desk"], name="共享", query="", shared=True)
    with pytest.raises(InvalidInput):
        saved_view_create(actor=outsider, name="共享", query="", contract=desktop, shared=True)


def test_client_side_people_have_no_saved_views(demo):
    with pytest.raises(PermissionRefused):
        saved_view_create(actor=demo["user"], name="x", query="")


def test_own_and_shared_views_are_listed_another_contracts_shared_view_is_not(
        demo, desktop, outsider):
    mine = saved_view_create(actor=demo["engineer"], name="自己的", query="view=mine")
    shared = saved_view_create(actor=demo["desk"], name="桌面共享", query="view=open",
                               contract=desktop, shared=True)
    private = saved_view_create(actor=demo["desk"], name="桌面私有", query="view=open",
                                contract=desktop)
    assert set(saved_views_visible_to(demo["engineer"])) >= {mine, shared}
    assert private not in saved_views_visible_to(demo["engineer"])
    assert shared not in saved_views_visible_to(outsider)
    # The API lists the same, and never another contract's shared view.
    ids = {row["id"] for row in APIClient_json(outsider, API)}
    assert shared.pk not in ids and private.pk not in ids


def APIClient_json(user, url):  # noqa: N802 - a small helper of this file
    client = APIClient()
    client.force_authenticate(user)
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response.json()


def test_only_the_owner_or_the_contracts_pm_may_rename_or_delete(demo, desktop):
    shared = saved_view_create(actor=demo["desk"], name="共享", query="", contract=desktop,
                               shared=True)
    other = next(u for n, u in demo.items() if n in ("engineer", "engineer2")
                 and u.pk != desktop.project_manager_id)
    with pytest.raises(PermissionRefused):
        saved_view_rename(actor=other, view=shared, name="改名")
    with pytest.raises(PermissionRefused):
        saved_view_delete(actor=other, view=shared)
    pm = desktop.project_manager
    assert pm is not None and pm != demo["desk"]
    saved_view_rename(actor=pm, view=shared, name="改名")
    assert SavedView.objects.get(pk=shared.pk).name == "改名"
    saved_view_delete(actor=pm, view=shared)
    assert not SavedView.objects.filter(pk=shared.pk).exists()
    personal = saved_view_create(actor=demo["desk"], name="私有", query="")
    with pytest.raises(PermissionRefused):  # a personal view: only its owner
        saved_view_delete(actor=pm, view=personal)
    saved_view_delete(actor=demo["desk"], view=personal)


def test_the_api_saves_lists_and_deletes(demo, api, desktop):
    client = api(demo["desk"])
    response = client.post(API, {"name": "API 视图", "query": "view=unassigned&sort=priority",
                                 "contract": desktop.code, "shared": True}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["query"] == "view=unassigned&sort=priority" and body["contract"] == desktop.code
    assert body["id"] in {row["id"] for row in client.get(API).json()}
    bad = client.post(API, {"name": "坏", "query": "colour=red"}, format="json")
    assert bad.status_code == 400 and "query" in bad.json()["errors"]
    assert client.post(API, {"name": "", "query": ""}, format="json").status_code == 400
    other = api(demo["engineer"]).delete(f"{API}{body['id']}/")
    assert other.status_code == 403
    assert client.delete(f"{API}{body['id']}/").status_code == 204
    assert client.delete(f"{API}{body['id']}/").status_code == 404
    assert client.delete(f"{API}99999999999999999999/").status_code == 404
    assert api(demo["user"]).get(API).status_code == 403


def test_the_page_saves_with_csrf_renames_and_deletes(demo, client):
    client.force_login(demo["desk"])
    response = client.post("/tickets/queue/views/", {"name": "未派", "query": "view=unassigned"})
    assert response.status_code == 302 and response.url.endswith("?view=unassigned")
    view = SavedView.objects.get(owner=demo["desk"], name="未派")
    client.post(f"/tickets/queue/views/{view.pk}/rename/", {"name": "待派"})
    assert SavedView.objects.get(pk=view.pk).name == "待派"
    refused = client.post("/tickets/queue/views/", {"name": "坏", "query": "colour=red"},
                          follow=True)
    assert "colour" in refused.content.decode()
    assert not SavedView.objects.filter(name="坏").exists()
    client.post(f"/tickets/queue/views/{view.pk}/delete/")
    assert not SavedView.objects.filter(pk=view.pk).exists()
    assert client.get("/tickets/queue/views/").status_code == 405


def test_the_page_posts_need_the_csrf_token(demo):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(demo["desk"])
    response = csrf_client.post("/tickets/queue/views/", {"name": "x", "query": ""})
    assert response.status_code == 403
    assert not SavedView.objects.filter(name="x").exists()


def test_the_count_badge_counts_the_views_tickets(demo, client, file_ticket):
    for n in range(3):
        file_ticket(title=f"计数 {n}")
    p1 = saved_view_create(actor=demo["desk"], name="桌面", query="contract=DEMO-DESKTOP&view=open")
    none = saved_view_create(actor=demo["desk"], name="无", query="q=没有这样的工单zzz")
    counts = saved_view_counts(demo["desk"], [p1, none])
    assert counts[none.pk] == 0
    listed = TicketFilterSet(QueryDict(p1.query), queryset=ticket_list(user=demo["desk"])).qs
    assert counts[p1.pk] == listed.count()
    client.force_login(demo["desk"])
    html = client.get("/tickets/queue/").content.decode()
    assert f'data-testid="saved-view-{p1.pk}"' in html
    assert f'href="?{p1.query.replace("&", "&amp;")}"' in html  # opening it: its query
    assert f'data-testid="saved-view-count">{counts[p1.pk]}<' in html


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(QUEUE).status_code == 200
    return len(queries.captured_queries)


def test_the_queue_page_counts_all_views_in_one_query(demo, client, desktop, file_ticket):
    file_ticket()
    client.force_login(demo["desk"])
    _queries(client)  # caches warmed
    none = _queries(client)
    queries = ["view=open", "priority=1", "view=unassigned&sort=priority",
               "contract=DEMO-DESKTOP&status=submitted", "view=closed", "sort=-updated_at"]
    for n, query in enumerate(queries[:2]):
        saved_view_create(actor=demo["desk"], name=f"视图 {n}", query=query)
    two = _queries(client)
    for n, query in enumerate(queries[2:], start=2):
        saved_view_create(actor=demo["desk"], name=f"视图 {n}", query=query,
                          contract=desktop, shared=n % 2 == 0)
    six = _queries(client)
    # The views listed, the person's contracts for the scope, one COUNT for them all.
    assert two <= none + 3
    assert six == two  # more views: not one query more
    # A view with a search costs its search's own lookups (people, devices, the planner's
    # estimate of the scope, the index union).
    saved_view_create(actor=demo["desk"], name="搜索", query="q=显示器")
    assert _queries(client) <= six + 4


def test_a_views_name_is_rendered_escaped(demo, client):
    saved_view_create(actor=demo["desk"], name="<script>x</script>", query="view=mine")
    client.force_login(demo["desk"])
    html = client.get(QUEUE).content.decode()
    assert "<script>x</script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html


def test_the_queue_pages_list_is_saved_views_visible_to_for_every_person(demo):
    """saved_views_list (a query compiled once, the contracts as one parameter) lists what
    saved_views_visible_to does, in its order: own views, views shared on a contract the
    person sees, not those of other contracts or others' private ones."""
    from django.utils import timezone

    from accounts.models import User
    from sla.models import Contract
    from tickets.models import SavedView
    from tickets.selectors_saved_views import saved_views_list, saved_views_visible_to

    desktop, server = (Contract.objects.get(code=c) for c in ("DEMO-DESKTOP", "DEMO-SERVER"))
    moment = timezone.now()
    for owner in ("desk", "engineer", "pm", "gm"):
        SavedView.objects.create(owner=demo[owner], name=f"{owner} 私有", query="view=open",
                                 created_at=moment)
        for contract in (desktop, server):
            SavedView.objects.create(owner=demo[owner], name=f"{owner} {contract.code}",
                                     query="view=open", shared=True, contract=contract,
                                     created_at=moment)
    listed = set()
    for person in User.objects.order_by("pk"):
        expected = list(saved_views_visible_to(person))
        assert saved_views_list(person) == expected, person.username
        listed.add(len(expected))
    assert len(listed) >= 3
