"""The dashboard's rollup reads compiled once (kpi.prepared.ScopedQuery, issue 19) answer what
the same querysets answer, for every shape of scope: all of a contract's rows, one engineer's,
one service type's, both, several contracts, and scopes that match nothing."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import pytest
from django.db.models import F, Max, Sum

from core.clock import now
from core.periods import month_bounds, today
from kpi import figures
from kpi.figures import Scope
from kpi.models import BacklogSnapshot, DailyRollup
from kpi.models.rollup import MEASURES, MonthlyRollup
from kpi.services.rollup import rebuild_months
from sla.models import Contract
from tickets.models import ServiceType


@pytest.fixture
def rollup(demo):
    """Rollup rows and backlog snapshots over 40 days for two contracts, several engineers
    and service types (and rows without either), written straight to the tables."""
    rng = random.Random(19)
    contracts = list(Contract.objects.order_by("pk")[:2])
    engineers = [demo["engineer"], demo["desk"], None]
    service_types = [*ServiceType.objects.order_by("pk")[:2], None]
    first = today() - timedelta(days=40)
    moment = now()
    rollups, snapshots = [], []
    for offset in range(40):
        day = first + timedelta(days=offset)
        for contract in contracts:
            for engineer in engineers:
                for service_type in service_types:
                    if rng.random() < 0.3:
                        continue
                    dims = {"contract": contract, "day": day, "engineer": engineer,
                            "service_type": service_type, "priority": rng.randint(1, 4)}
                    rollups.append(DailyRollup(
                        **dims, refreshed_at=moment - timedelta(minutes=rng.randint(0, 999)),
                        **{m: rng.randint(0, 9) for m in MEASURES}))
                    snapshots.append(BacklogSnapshot(
                        **dims, open=rng.randint(0, 20), over_1d=rng.randint(0, 9),
                        over_3d=rng.randint(0, 5), over_7d=rng.randint(0, 3),
                        taken_at=moment - timedelta(minutes=rng.randint(0, 999))))
    DailyRollup.objects.bulk_create(rollups)
    BacklogSnapshot.objects.bulk_create(snapshots)
    rebuild_months(first, first + timedelta(days=39), None)  # as refresh() does
    return {"contracts": contracts, "engineers": engineers, "service_types": service_types,
            "first": first}


def _scopes(rollup):
    one, two = (c.pk for c in rollup["contracts"])
    engineer = rollup["engineers"][0].pk
    service_type = rollup["service_types"][0].pk
    return [Scope((one,)), Scope((one, two)), Scope((one,), engineer_ids=(engineer,)),
            Scope((one,), service_type_id=service_type),
            Scope((one, two), engineer_ids=(engineer, rollup["engineers"][1].pk),
                  service_type_id=service_type),
            Scope((one,), engineer_ids=()), Scope((-5,))]


def _whole_months(rollup):
    """The months the fixture's days fall in, first day to last day."""
    last = rollup["first"] + timedelta(days=39)
    return rollup["first"].replace(day=1), month_bounds(last.year, last.month)[1]


def test_period_sums_backlog_and_its_trend_match_their_querysets(rollup):
    start, end = rollup["first"] + timedelta(days=3), rollup["first"] + timedelta(days=33)
    months = _whole_months(rollup)
    for scope in _scopes(rollup):
        for first, last, monthly in ((start, end, False), (start, end, True),
                                     (*months, True), (*months, False)):
            # Whole months by month: read from MonthlyRollup, checked against the daily rows.
            sums = figures.PeriodSums(scope, first, last, monthly=monthly)
            assert sums.totals() == figures.totals(scope, first, last), scope
            assert sums.trend() == figures.trend(scope, first, last, monthly=monthly), scope
            by_engineer = {k: {m: v[m] for m in MEASURES} for k, v in figures.totals_by(
                scope, first, last, "engineer_id").items() if k is not None}
            assert sums.by_engineer() == by_engineer, scope
        for day in (start, end, rollup["first"] - timedelta(days=9)):
            agg = BacklogSnapshot.objects.filter(scope.q(), day=day).aggregate(
                open=Sum("open"), over_1d=Sum("over_1d"), over_3d=Sum("over_3d"),
                over_7d=Sum("over_7d"), taken_at=Max("taken_at"))
            assert figures.backlog(scope, day) == {
                k: (v or 0) if k != "taken_at" else v for k, v in agg.items()}, (scope, day)
        trend = list(BacklogSnapshot.objects.filter(scope.q(), day__gte=start, day__lte=end)
                     .values("day").annotate(open=Sum("open"), over_7d=Sum("over_7d"))
                     .order_by("day"))
        assert figures.backlog_trend(scope, start, end) == trend, scope
        assert (trend != []) == (scope.contract_ids != (-5,) and scope.engineer_ids != ())
        for days in ([start], [start, end, start + timedelta(days=7)], [], [date(1999, 1, 1)]):
            on_days = list(BacklogSnapshot.objects.filter(scope.q(), day__in=days)
                           .values("day").annotate(open=Sum("open"), over_7d=Sum("over_7d"))
                           .order_by("day"))
            assert figures.backlog_on_days(scope, days) == on_days, (scope, days)


def _related_state(contract):
    """What the dashboard reads from a contract's relations without a query."""
    from django.core.exceptions import ObjectDoesNotExist

    state = [contract.pk, contract.code, contract.client.pk, contract.project_manager_id]
    for name in ("kpi_targets", "survey_policy", "repair_policy"):
        try:
            state.append(getattr(contract, name).pk)
        except ObjectDoesNotExist:
            state.append(None)
    return state


def test_the_dashboards_contract_and_engineers_as_their_querysets(demo, scope_edge_people):
    """kpi.selectors.dashboard.board_contract (compiled once per visibility rule) finds what
    dashboard_contracts() finds, for every person and code, its relations read along (none
    missing: no query when they are read), and CONTRACT_ENGINEERS lists contract_engineers."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from fieldservice.models import RepairPolicy
    from kpi.models import KpiTargets
    from kpi.selectors import dashboard as selectors

    contracts = list(Contract.objects.order_by("pk"))
    KpiTargets.objects.get_or_create(contract=contracts[0])
    RepairPolicy.objects.filter(contract=contracts[-1]).delete()
    codes = [c.code for c in contracts] + ["NO-SUCH", "demo-desktop", ""]
    for person in User.objects.order_by("pk"):
        for code in codes:
            expected = (selectors.dashboard_contracts(person)
                        .select_related(*selectors.BOARD_RELATIONS).filter(code=code).first())
            with CaptureQueriesContext(connection) as queries:
                got = selectors.board_contract(person, code)
                state = None if got is None else _related_state(got)
            assert state == (None if expected is None else _related_state(expected)), (
                person.username, code)
            assert len(queries) <= 1
    for contract in contracts:
        assert ([u.pk for u in selectors.CONTRACT_ENGINEERS.models(contract=contract.pk)]
                == [u.pk for u in selectors.contract_engineers(contract)])


def _monthly_as_daily_sums(contract_ids=None):
    """MonthlyRollup's rows, and the daily rows summed per month the same way, keyed alike."""
    from django.db.models.functions import TruncMonth

    dims = ("contract_id", "service_type_id", "engineer_id")
    daily, monthly = DailyRollup.objects.all(), MonthlyRollup.objects.all()
    if contract_ids is not None:
        daily = daily.filter(contract_id__in=contract_ids)
        monthly = monthly.filter(contract_id__in=contract_ids)
    summed = (daily.annotate(month=TruncMonth("day")).values("month", *dims)
              .annotate(last=Max("refreshed_at"), **{m: Sum(m) for m in MEASURES}).order_by())
    stored = monthly.values("month", *dims, *MEASURES, last=F("refreshed_at"))

    def keyed(rows):
        return {(row["contract_id"], row["month"], row["service_type_id"], row["engineer_id"]):
                {m: row[m] for m in (*MEASURES, "last")} for row in rows}

    return keyed(stored), keyed(summed)


def test_the_months_are_rebuilt_from_the_daily_rows_of_whole_months(rollup):
    """rebuild_months (refresh() calls it with the days it replaced): one day refreshed
    sums its whole month again; another contract's months stay as they were."""
    stored, expected = _monthly_as_daily_sums()
    assert stored == expected and len(stored) > 10
    one, two = (c.pk for c in rollup["contracts"])
    day = rollup["first"] + timedelta(days=5)
    DailyRollup.objects.filter(contract_id=one, day=day).update(opened=F("opened") + 100)
    DailyRollup.objects.filter(contract_id=two, day=day).update(opened=F("opened") + 100)
    rebuild_months(day, day, [one])
    stored, expected = _monthly_as_daily_sums([one])
    assert stored == expected
    stored_two, expected_two = _monthly_as_daily_sums([two])
    assert stored_two != expected_two  # not rebuilt: still the old sums


def test_a_list_of_days_takes_dates_only():
    from core.lookups import date_list_param

    with pytest.raises(TypeError):
        figures.backlog_on_days(Scope((1,)), [datetime(2026, 1, 1)])  # noqa: DTZ001
    with pytest.raises(TypeError):
        figures.backlog_on_days(Scope((1,)), ["2026-01-01"])
    assert date_list_param([date(2026, 1, 31)], type("C", (), {"vendor": "sqlite"})()) == (
        '["2026-01-31"]')
