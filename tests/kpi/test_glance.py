"""The home pages' "this month so far" card: figures from the rollup, scoped like everything."""

from datetime import date

import pytest
import time_machine

from kpi.services.rollup import refresh
from sla.models import ClockKind, Contract
from tests.kpi.data import at, make_clock, make_ticket

# June 2026 on both contracts: a demo loaded in mid-September has them in force then.
IN_JUNE = pytest.mark.demo_at(at(date(2026, 9, 15), 10))


def _month_with_one_breach(demo):
    desktop = Contract.objects.get(code="DEMO-DESKTOP")
    day = date(2026, 6, 10)
    for met in (True, True, False):
        ticket = make_ticket(desktop, created_at=at(day, 10), requester=demo["user"])
        make_clock(ticket, ClockKind.RESPONSE, met=met, stopped_at=at(day, 11),
                   breached_at=None if met else at(day, 10, 30))
    refresh(date(2026, 6, 1), day)


@IN_JUNE
def test_manager_home_shows_this_months_figures(demo, client):
    with time_machine.travel(at(date(2026, 6, 12), 9), tick=False):
        _month_with_one_breach(demo)
        client.force_login(demo["gm"])
        response = client.get("/manage/")
    body = response.content.decode()
    assert 'data-testid="kpi-glance"' in body
    assert "66.7 %" in body  # two of three responses in time
    assert "/kpi/?contract=DEMO-SERVER" in body


@IN_JUNE
def test_client_home_shows_only_their_contract(demo, client):
    with time_machine.travel(at(date(2026, 6, 12), 9), tick=False):
        _month_with_one_breach(demo)
        client.force_login(demo["client"])
        body = client.get("/client/").content.decode()
    assert "/kpi/?contract=DEMO-DESKTOP" in body
    assert "DEMO-SERVER" not in body


def test_the_card_costs_three_queries(demo, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(demo["gm"])
    with CaptureQueriesContext(connection) as queries:
        client.get("/manage/")
    kpi_queries = [q["sql"] for q in queries.captured_queries
                   if "kpi_" in q["sql"] or "surveys_surveypolicy" in q["sql"]]
    assert len(kpi_queries) == 3
