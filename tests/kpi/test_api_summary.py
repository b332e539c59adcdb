"""GET /api/kpi/summary/: the figures of one contract and period, scoped like the dashboards."""

from datetime import date, timedelta

import pytest
import time_machine
from rest_framework.test import APIClient

from kpi.services.rollup import refresh
from sla.models import ClockKind, Contract
from tests.kpi.data import at, generate, make_clock, make_ticket, raw_figures

URL = "/api/kpi/summary/"
FIELDS = ["tickets_opened", "tickets_resolved", "response_attainment", "arrival_attainment",
          "resolution_attainment", "first_line_resolution_rate", "reopen_rate", "mttr_minutes",
          "satisfaction_rate", "survey_response_rate", "complaints", "major_complaints"]


@pytest.fixture
def api(demo):
    def as_user(username):
        client = APIClient()
        client.force_authenticate(demo[username])
        return client
    return as_user


@pytest.fixture
def june(demo):
    desktop = Contract.objects.get(code="DEMO-DESKTOP")
    people = {"engineers": [demo["engineer"]], "requesters": [demo["user"]],
              "desk": demo["desk"]}
    with time_machine.travel(at(date(2026, 7, 2), 9), tick=False):
        generate(desktop, people=people, start=date(2026, 6, 1), days=30, seed=11)
        refresh(date(2026, 5, 31), date(2026, 7, 2))
    return desktop


def test_summary_has_every_field_and_equals_the_raw_figures(api, june):
    response = api("pm").get(URL, {"contract": "DEMO-DESKTOP", "from": "2026-06-01",
                                   "to": "2026-06-30"})
    assert response.status_code == 200, response.content
    body = response.json()
    expected = raw_figures(june, date(2026, 6, 1), date(2026, 6, 30))
    assert {f: body[f] for f in FIELDS} == pytest.approx({f: expected[f] for f in FIELDS})
    assert body["contract"] == "DEMO-DESKTOP" and body["from"] == "2026-06-01"
    for rate in ("response_attainment", "resolution_attainment", "satisfaction_rate"):
        assert 0 <= body[rate] <= 1
    assert body["counts"]["response_met"] + body["counts"]["response_breached"] > 0
    assert body["refreshed_at"]


def test_one_engineer(api, june, demo):
    engineer = demo["engineer"]
    body = api("gm").get(URL, {"contract": "DEMO-DESKTOP", "from": "2026-06-01",
                               "to": "2026-06-30", "engineer": engineer.pk}).json()
    expected = raw_figures(june, date(2026, 6, 1), date(2026, 6, 30), engineer=engineer)
    assert body["tickets_resolved"] == expected["tickets_resolved"]
    assert body["engineer"] == engineer.pk


def test_no_data_gives_zero_counts_and_null_rates(api):
    body = api("pm").get(URL, {"contract": "DEMO-DESKTOP", "from": "2020-01-01",
                               "to": "2020-01-31"}).json()
    assert body["tickets_opened"] == 0 and body["response_attainment"] is None
    assert body["mttr_minutes"] is None and body["satisfaction_rate"] is None


@pytest.mark.parametrize("params, field", [
    ({"from": "2026-06-01", "to": "2026-06-30"}, "contract"),
    ({"contract": "DEMO-DESKTOP", "to": "2026-06-30"}, "from"),
    ({"contract": "DEMO-DESKTOP", "from": "2026-06-31", "to": "2026-07-01"}, "from"),
    ({"contract": "DEMO-DESKTOP", "from": "2026-06-10", "to": "2026-06-01"}, "to"),
    ({"contract": "DEMO-DESKTOP", "from": "2020-01-01", "to": "2026-06-01"}, "to"),
    ({"contract": "DEMO-DESKTOP", "from": "2026-06-01", "to": "2026-06-30",
      "engineer": "abc"}, "engineer"),
])
def test_bad_parameters_are_400_with_the_field(api, params, field):
    response = api("pm").get(URL, params)
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_engineer_outside_the_team_is_400(api, demo):
    response = api("pm").get(URL, {"contract": "DEMO-DESKTOP", "from": "2026-06-01",
                                   "to": "2026-06-30", "engineer": demo["user"].pk})
    assert response.status_code == 400


def test_scoping(api, demo):
    params = {"from": "2026-06-01", "to": "2026-06-30"}
    assert api("client").get(URL, {"contract": "DEMO-DESKTOP", **params}).status_code == 200
    assert api("client").get(URL, {"contract": "DEMO-SERVER", **params}).status_code == 404
    assert api("client").get(URL, {"contract": "NOPE", **params}).status_code == 404
    for username in ("engineer", "desk", "user"):
        assert api(username).get(URL, {"contract": "DEMO-DESKTOP", **params}).status_code == 403
    assert APIClient().get(URL, {"contract": "DEMO-DESKTOP", **params}).status_code == 401


def test_query_count_is_constant(api, demo, django_assert_max_num_queries):
    desktop = Contract.objects.get(code="DEMO-DESKTOP")
    client = api("pm")
    for n in (1, 40):
        day = date(2026, 6, 1) + timedelta(days=n)
        for _ in range(n):
            ticket = make_ticket(desktop, created_at=at(day, 10), requester=demo["user"])
            make_clock(ticket, ClockKind.RESPONSE, met=True, stopped_at=at(day, 11))
        with time_machine.travel(at(date(2026, 7, 2), 9), tick=False):
            refresh(date(2026, 6, 1), date(2026, 6, 30))
        with django_assert_max_num_queries(3):
            response = client.get(URL, {"contract": "DEMO-DESKTOP", "from": "2026-06-01",
                                        "to": "2026-06-30"})
        assert response.status_code == 200
