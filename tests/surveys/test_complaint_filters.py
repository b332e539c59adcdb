"""The complaint register's one FilterSet (surveys/filters.py), as its page and the API use it."""

import pytest

from core.clock import now
from surveys.quarters import quarter_of

pytestmark = pytest.mark.django_db


def _page(client, query: str) -> list[str]:
    response = client.get(f"/complaints/?{query}")
    assert response.status_code == 200
    return sorted(c.number for c in response.context["page"].object_list)


def _api(client, query: str) -> list[str]:
    response = client.get(f"/api/complaints/?page_size=200&{query}")
    assert response.status_code == 200, response.json()
    return sorted(c["number"] for c in response.json()["results"])


def test_it_filters_the_page_and_the_api_alike(demo, client):
    client.force_login(demo["pm"])
    year, quarter = quarter_of(now())
    for query in ("", "status=received", "contract=DEMO-SERVER", "overdue=1",
                  f"quarter={year}Q{quarter}", f"quarter={year}q{quarter}"):
        assert _page(client, query) == _api(client, query), query


def test_it_answers_400_naming_a_bad_api_value(demo, client):
    client.force_login(demo["pm"])
    for name, value in (("status", "lost"), ("quarter", "2026Q5")):
        response = client.get(f"/api/complaints/?{name}={value}")
        assert response.status_code == 400, name
        assert name in response.json()["errors"], response.json()


def test_it_ignores_a_bad_value_on_the_page(demo, client):
    client.force_login(demo["pm"])
    assert _page(client, "status=lost&quarter=2026Q5") == _page(client, "")
