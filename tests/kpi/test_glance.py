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


@IN_JUNE
def test_todays_breach_shows_at_once_without_a_rollup_refresh(demo, client):
    """Issue 15: the home said 100 % response on time while the board showed a breach (the
    rollup is up to 10 minutes old). Today's figures are read live."""
    with time_machine.travel(at(date(2026, 6, 12), 9), tick=False):
        _month_with_one_breach(demo)  # the rollup up to 10 June: 2 of 3 in time
    with time_machine.travel(at(date(2026, 6, 12), 15), tick=False):
        desktop = Contract.objects.get(code="DEMO-DESKTOP")
        ticket = make_ticket(desktop, created_at=at(date(2026, 6, 12), 10),
                             requester=demo["user"])
        make_clock(ticket, ClockKind.RESPONSE, met=False, stopped_at=at(date(2026, 6, 12), 11),
                   breached_at=at(date(2026, 6, 12), 10, 30))
        client.force_login(demo["gm"])
        body = client.get("/manage/figures/").content.decode()
    assert "50.0 %" in body  # two of four, the fourth breached today, no refresh run
    assert 'data-testid="glance-as-of"' in body


def test_the_home_polls_its_figures_card(demo, client, settings):
    settings.LIVE_POLL_SECONDS = 9
    client.force_login(demo["gm"])
    body = client.get("/manage/").content.decode()
    assert 'hx-get="/manage/figures/"' in body and 'hx-trigger="every 9s"' in body


def test_the_card_costs_eight_queries(demo, client, django_assert_num_queries):
    client.force_login(demo["gm"])
    client.get("/manage/figures/")  # session reads, warmed
    # session, user, contracts; the rollup of the month's past days, today's five live
    # measures (opened, resolved, clocks, surveys, complaints), targets, survey policies.
    with django_assert_num_queries(3 + 8):
        client.get("/manage/figures/")
