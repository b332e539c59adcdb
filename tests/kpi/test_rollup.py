"""The daily rollup: every figure read from it equals the figure computed from the raw rows
(issue 7, Build 1), on generated data and on small cases with answers worked out by hand."""

from datetime import date, timedelta

import pytest
import time_machine

from kpi import figures
from kpi.models import BacklogSnapshot, DailyRollup
from kpi.selectors.dashboard import scope_for
from kpi.services.rollup import day_start, refresh, refresh_recent
from sla.models import ClockKind, Contract
from tests.kpi.data import (
    at,
    generate,
    make_clock,
    make_complaint,
    make_survey,
    make_ticket,
    raw_backlog,
    raw_figures,
)
from tickets.models import ServiceType

START = date(2026, 3, 1)
DAYS = 40
FIELDS = ["tickets_opened", "tickets_resolved", "response_attainment", "arrival_attainment",
          "resolution_attainment", "fault_resolution_rate", "first_line_resolution_rate",
          "reopen_rate", "mttr_minutes", "satisfaction_rate", "survey_response_rate",
          "complaints", "major_complaints"]


@pytest.fixture
def desktop(demo):
    return Contract.objects.get(code="DEMO-DESKTOP")


@pytest.fixture
def people(demo):
    return {"engineers": [demo["engineer"], demo["engineer2"]],
            "requesters": [demo["user"], demo["client"]], "desk": demo["desk"]}


def _close(a, b):
    if a is None or b is None:
        return a is b
    return abs(a - b) < 1e-9


@pytest.fixture
def generated(desktop, people):
    with time_machine.travel(at(date(2026, 5, 20), 12), tick=False):
        generate(desktop, people=people, start=START, days=DAYS)
        refresh(START - timedelta(days=1), date(2026, 5, 20))
    return desktop


@pytest.mark.parametrize("period", [
    (START, START + timedelta(days=DAYS + 30)),       # everything
    (date(2026, 3, 1), date(2026, 3, 31)),            # a month
    (date(2026, 3, 10), date(2026, 3, 10)),           # one day
    (date(2026, 3, 28), date(2026, 4, 3)),            # across the month end
    (date(2026, 4, 10), date(2026, 4, 20)),           # after the last ticket: resolutions only
])
def test_summary_equals_raw_figures(generated, period):
    start, end = period
    expected = raw_figures(generated, start, end)
    got = figures.summary(scope_for(generated), start, end)
    assert expected["tickets_opened"] > 0 or start >= START + timedelta(days=DAYS)
    assert expected["tickets_resolved"] > 0
    mismatches = {f: (got[f], expected[f]) for f in FIELDS if not _close(got[f], expected[f])}
    assert not mismatches


def test_per_engineer_and_service_type_equal_raw_figures(generated, demo):
    start, end = START, START + timedelta(days=DAYS + 30)
    engineer = demo["engineer"]
    got = figures.summary(scope_for(generated, engineer=engineer), start, end)
    expected = raw_figures(generated, start, end, engineer=engineer)
    assert {f: got[f] for f in FIELDS} == pytest.approx({f: expected[f] for f in FIELDS})
    service_type = ServiceType.objects.order_by("pk")[1]
    scope = figures.Scope(contract_ids=(generated.pk,), service_type_id=service_type.pk)
    got = figures.summary(scope, start, end)
    expected = raw_figures(generated, start, end, service_type=service_type)
    assert {f: got[f] for f in FIELDS} == pytest.approx({f: expected[f] for f in FIELDS})


def test_backlog_snapshots_equal_the_tickets_open_at_each_day_end(generated):
    for day in (date(2026, 3, 5), date(2026, 3, 31), date(2026, 4, 9)):
        got = figures.backlog(scope_for(generated), day)
        expected = raw_backlog(generated, day_start(day + timedelta(days=1)))
        assert {k: got[k] for k in expected} == expected
    assert expected["open"] > 0


def test_trend_points_add_up_to_the_period(generated):
    start, end = date(2026, 3, 1), date(2026, 3, 31)
    points = figures.trend(scope_for(generated), start, end)
    assert len(points) == 31 and points[0]["period"] == start
    assert sum(p["tickets_opened"] for p in points) == raw_figures(
        generated, start, end)["tickets_opened"]
    monthly = figures.trend(scope_for(generated), date(2026, 1, 1), date(2026, 6, 30),
                            monthly=True)
    assert [p["period"].month for p in monthly] == [1, 2, 3, 4, 5, 6]
    assert monthly[2]["tickets_opened"] == raw_figures(generated, start, end)["tickets_opened"]


def test_refreshing_again_changes_nothing_and_a_subrange_leaves_the_rest(generated):
    before = sorted(DailyRollup.objects.values_list("day", "opened", "resolved"))
    with time_machine.travel(at(date(2026, 5, 20), 12), tick=False):
        refresh(date(2026, 3, 10), date(2026, 3, 12))
        refresh(START, date(2026, 5, 20))
    assert sorted(DailyRollup.objects.values_list("day", "opened", "resolved")) == before


def test_known_answers_by_hand(desktop, demo):
    """Four tickets on 2026-06-01 (Shanghai), worked out by hand."""
    day = date(2026, 6, 1)
    engineer, user = demo["engineer"], demo["user"]
    # Created 23:30 Shanghai = 15:30 UTC: counts on June 1st, not the UTC date.
    late = make_ticket(desktop, created_at=at(day, 23, 30), requester=user, assignee=engineer,
                       resolved_at=at(day, 23, 50), first_line=True)
    make_clock(late, ClockKind.RESPONSE, met=True, stopped_at=at(day, 23, 35))
    make_clock(late, ClockKind.RESOLUTION, met=True, stopped_at=at(day, 23, 50))
    make_survey(late, sent_at=at(day, 23, 50), overall=5)
    slow = make_ticket(desktop, created_at=at(day, 9), requester=user, assignee=engineer,
                       resolved_at=at(day, 17), reopen_count=1)
    make_clock(slow, ClockKind.RESPONSE, met=False, breached_at=at(day, 10),
               stopped_at=at(day, 11))
    make_clock(slow, ClockKind.ARRIVAL, met=None, stopped_at=at(day, 12))  # not needed
    make_clock(slow, ClockKind.RESOLUTION, met=False, breached_at=at(day, 13),
               stopped_at=at(day, 17))
    make_survey(slow, sent_at=at(day, 17), overall=2)
    # Breached on June 1st, stopped (late) on June 2nd: the breach counts on June 1st only.
    carried = make_ticket(desktop, created_at=at(day, 8), requester=user)
    make_clock(carried, ClockKind.RESPONSE, met=False, breached_at=at(day, 16),
               stopped_at=at(day + timedelta(days=1), 9))
    open_ = make_ticket(desktop, created_at=at(day, 11), requester=user)
    make_clock(open_, ClockKind.RESPONSE)  # running: no verdict
    make_survey(open_, sent_at=at(day, 12))  # sent, not answered
    make_complaint(desktop, received_at=at(day, 15), registered_by=demo["desk"], ticket=slow,
                   engineer=engineer, major=True)
    with time_machine.travel(at(day + timedelta(days=2), 12), tick=False):
        refresh(day - timedelta(days=1), day + timedelta(days=1))
    got = figures.summary(scope_for(desktop), day, day)
    assert got["tickets_opened"] == 4
    assert got["tickets_resolved"] == 2
    assert got["response_attainment"] == pytest.approx(1 / 3)  # met, breached, breached
    assert got["arrival_attainment"] is None                   # the only one was not needed
    assert got["resolution_attainment"] == pytest.approx(1 / 2)
    assert got["first_line_resolution_rate"] == pytest.approx(1 / 2)
    assert got["reopen_rate"] == pytest.approx(1 / 2)
    assert got["mttr_minutes"] == pytest.approx((20 + 8 * 60) / 2)
    assert got["survey_response_rate"] == pytest.approx(2 / 3)
    assert got["satisfaction_rate"] == pytest.approx(1 / 2)
    assert (got["complaints"], got["major_complaints"]) == (1, 1)
    next_day = figures.summary(scope_for(desktop), day + timedelta(days=1),
                               day + timedelta(days=1))
    assert next_day["response_attainment"] is None  # the late stop adds no second verdict
    mine = figures.summary(scope_for(desktop, engineer=engineer), day, day)
    assert (mine["tickets_resolved"], mine["complaints"]) == (2, 1)


def test_the_recent_job_rebuilds_recent_days_and_todays_backlog(desktop, demo):
    today = date(2026, 7, 15)
    with time_machine.travel(at(today, 10), tick=False):
        make_ticket(desktop, created_at=at(today, 9), requester=demo["user"])
        make_ticket(desktop, created_at=at(today - timedelta(days=5), 9), requester=demo["user"],
                    resolved_at=at(today, 8))
        written = refresh_recent()
    assert written["rollup_rows"] >= 2
    row = figures.summary(scope_for(desktop), today, today)
    assert (row["tickets_opened"], row["tickets_resolved"]) == (1, 1)
    snapshot = figures.backlog(scope_for(desktop), today)
    assert snapshot["open"] == raw_backlog(desktop, at(today, 10))["open"]
    assert BacklogSnapshot.objects.filter(day=today - timedelta(days=1)).exists()


def test_server_failure_rate_counts_devices_and_mtbf_counts_faults(demo):
    """Three servers, two of them with faults (three faults) in 30 days: failure rate 2/3,
    MTBF = 3 devices × 720 h ÷ 3 faults, availability = 1 − fault hours ÷ device-hours."""
    from assets.models import Asset, AssetStatus

    server = Contract.objects.get(code="DEMO-SERVER")
    servers = list(Asset.objects.filter(contract=server, asset_type__code="server")
                   .exclude(status=AssetStatus.RETIRED).order_by("pk"))
    assert len(servers) == 3
    day = date(2026, 4, 1)
    for asset, offset, hours in ((servers[0], 2, 6), (servers[0], 9, 12), (servers[1], 20, None)):
        created = at(day + timedelta(days=offset), 10)
        make_ticket(server, created_at=created, requester=demo["desk"], asset=asset,
                    resolved_at=created + timedelta(hours=hours) if hours else None)
    with time_machine.travel(at(date(2026, 5, 2), 9), tick=False):
        refresh(day, date(2026, 4, 30))
    rows = {r["asset_type"].code: r for r in figures.asset_figures((server.pk,), day,
                                                                    date(2026, 4, 30))}
    assert (rows["server"]["devices"], rows["server"]["faults"],
            rows["server"]["failed_devices"]) == (3, 3, 2)
    assert rows["server"]["failure_rate"] == pytest.approx(2 / 3)
    assert rows["server"]["mtbf_hours"] == 3 * 30 * 24 // 3
    assert rows["server"]["is_server"]
    # 18 hours down (the open fault counts once resolved) over 3 devices × 720 hours.
    assert rows["server"]["downtime_hours"] == pytest.approx(18)
    assert rows["server"]["availability"] == pytest.approx(1 - 18 / (3 * 720))


def test_the_postgresql_backlog_sweep_equals_one_query_per_day(generated):
    """The one-pass sweep of past days gives exactly the rows of the per-day query."""
    from django.db import connection

    from kpi.services.rollup import _backlog, _backlog_sweep

    if connection.vendor != "postgresql":
        pytest.skip("the sweep is PostgreSQL SQL")
    first, last = date(2026, 3, 1), date(2026, 4, 15)
    moment = at(date(2026, 5, 20), 12)

    def rows(snapshots):
        return sorted((s.day, s.contract_id, s.service_type_id or 0, s.priority,
                       s.engineer_id or 0, s.open, s.over_1d, s.over_3d, s.over_7d)
                      for s in snapshots)

    per_day = []
    for i in range((last - first).days + 1):
        per_day.extend(_backlog(first + timedelta(days=i), None, moment))
    assert rows(_backlog_sweep(first, last, None, moment)) == rows(per_day)
    assert per_day
