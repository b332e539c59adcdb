"""The register's one FilterSet (assets/filters.py), as the list page and the API use it."""

import pytest

from accounts.models import Site
from assets.models import Asset, AssetStatus
from sla.models import Contract

pytestmark = pytest.mark.django_db


def _api_tags(client, query: str) -> list[str]:
    response = client.get(f"/api/assets/?page_size=500&{query}")
    assert response.status_code == 200, response.json()
    return [a["tag"] for a in response.json()["results"]]


def _page_tags(client, query: str) -> list[str]:
    response = client.get(f"/assets/?{query}")
    assert response.status_code == 200
    return [a.tag for a in response.context["page"].object_list]


def test_it_filters_the_page_and_the_api_alike(demo, client):
    client.force_login(demo["desk"])
    for query in ("type=printer", "type=printer&warranty=expiring", "q=激光",
                  "contract=DEMO-DESKTOP&criticality=core", "recurring=on", "status=in_use"):
        assert sorted(_page_tags(client, query)) == sorted(_api_tags(client, query)), query


def test_it_leaves_retired_assets_out_unless_asked_for(demo, client):
    client.force_login(demo["desk"])
    printer = Asset.objects.get(tag="MY-PR-0301")
    Asset.objects.filter(pk=printer.pk).update(status=AssetStatus.RETIRED)
    assert "MY-PR-0301" not in _api_tags(client, "")
    assert "MY-PR-0301" not in _page_tags(client, "")
    assert "MY-PR-0301" in _api_tags(client, "status=retired")
    assert "MY-PR-0301" in _page_tags(client, "status=retired")
    # One asset by id is found whatever the list filters say.
    assert client.get(f"/api/assets/{printer.pk}/").status_code == 200


def test_it_reads_the_api_spellings_of_recurring(demo, client):
    client.force_login(demo["desk"])
    Asset.objects.filter(tag="MY-PR-0301").update(recurring_fault=True)
    assert _api_tags(client, "recurring=true") == ["MY-PR-0301"]
    assert _api_tags(client, "recurring=1") == ["MY-PR-0301"]
    assert len(_api_tags(client, "recurring=0")) > 1


def test_it_answers_400_naming_a_bad_api_value(demo, client):
    client.force_login(demo["desk"])
    for name, value in (("status", "lost"), ("warranty", "forever"), ("site", "abc"),
                        ("type", "toaster")):
        response = client.get(f"/api/assets/?{name}={value}")
        assert response.status_code == 400, name
        assert name in response.json()["errors"], response.json()


def test_it_ignores_a_bad_value_on_the_page(demo, client):
    client.force_login(demo["desk"])
    assert _page_tags(client, "status=lost&site=abc") == _page_tags(client, "")


def test_it_refuses_another_contracts_site_and_contract(demo, client):
    client.force_login(demo["engineer"])  # DEMO-DESKTOP only
    server = Contract.objects.get(code="DEMO-SERVER")
    foreign_site = Site.objects.filter(organisation=server.client).first()
    response = client.get(f"/api/assets/?site={foreign_site.pk}")
    assert response.status_code == 400 and "site" in response.json()["errors"]
    response = client.get("/api/assets/?contract=DEMO-SERVER")
    assert response.status_code == 400 and "contract" in response.json()["errors"]
    page = client.get("/assets/")
    assert foreign_site not in page.context["sites"]
    assert server not in page.context["contracts"]
