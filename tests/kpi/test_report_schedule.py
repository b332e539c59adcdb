"""The report schedule (kpi/services/schedule.py): the periodic reports of the period before are
made on the 1st, or on the next daily run when the 1st was missed — once, never again while the
archived report exists — and only for contracts in force in that period. Dates are taken from
the clock the test runs at (the demo contracts started seven months before it)."""

from datetime import date, timedelta

import pytest

from core.clock import now
from core.periods import month_start
from core.periods import today as local_today
from kpi.models.reports import ReportKind, ServiceReport
from kpi.services import reports, schedule
from sla.models import Contract

MONTHLY = {ReportKind.MONTHLY_SUMMARY, ReportKind.MONTHLY_REPAIR}


@pytest.fixture
def calls(demo, monkeypatch):
    """generate_report replaced by one that only archives an empty row (no PDF)."""
    made = []

    def fake(contract, kind, start, **kwargs):
        made.append((contract.code, kind, start))
        end = schedule.period_of(kind, start)[1]
        return ServiceReport.objects.create(contract=contract, kind=kind, period_start=start,
                                            period_end=end, generated_at=now())

    monkeypatch.setattr(reports, "generate_report", fake)
    monkeypatch.setattr(reports, "missing_major_incidents", lambda since: [])
    return made


def _this_month(day: int) -> date:
    return local_today().replace(day=day)


def _expected_kinds(today: date) -> set:
    kinds = set(MONTHLY)
    if today.month in (1, 4, 7, 10):
        kinds.add(ReportKind.QUARTERLY)
    if today.month == 1:
        kinds.add(ReportKind.ANNUAL)
    return kinds


def test_it_makes_the_month_befores_reports_on_the_first(calls):
    first = _this_month(1)
    made = schedule.run_schedule(first)["generated"]
    kinds = _expected_kinds(first)
    assert len(made) == len(kinds) * Contract.objects.count()
    assert {(code, kind) for code, kind, _s in calls} == {
        (code, kind) for code in ("DEMO-DESKTOP", "DEMO-SERVER") for kind in kinds}
    assert {s for _c, k, s in calls if k in MONTHLY} == {month_start(first, back=1)}
    assert schedule.run_schedule(first)["generated"] == []


@pytest.mark.parametrize("day", [2, 5, 12, 27])
def test_it_catches_up_once_when_the_first_was_missed_never_twice(calls, day):
    """Down on the 1st (and maybe for days): the next run makes what is due, late; the runs
    after it make nothing."""
    today = _this_month(day)
    made = schedule.run_schedule(today)["generated"]
    assert len(made) == len(_expected_kinds(today)) * Contract.objects.count()
    assert schedule.run_schedule(today)["generated"] == []
    assert schedule.run_schedule(today + timedelta(days=1))["generated"] == []
    assert len(calls) == len(set(calls)) == len(made)


def test_it_leaves_an_archived_report_alone_and_makes_only_what_is_missing(calls, demo):
    last_month = month_start(local_today(), back=1)
    desktop = Contract.objects.get(code="DEMO-DESKTOP")
    ServiceReport.objects.create(contract=desktop, kind=ReportKind.MONTHLY_SUMMARY,
                                 period_start=last_month,
                                 period_end=schedule.period_of(ReportKind.MONTHLY_SUMMARY,
                                                               last_month)[1],
                                 generated_at=now())
    today = _this_month(7)
    schedule.run_schedule(today)
    assert ("DEMO-DESKTOP", ReportKind.MONTHLY_SUMMARY, last_month) not in calls
    assert ("DEMO-DESKTOP", ReportKind.MONTHLY_REPAIR, last_month) in calls
    assert ServiceReport.objects.filter(contract=desktop, kind=ReportKind.MONTHLY_SUMMARY,
                                        period_start=last_month).count() == 1


def test_a_contract_that_started_this_month_gets_nothing_for_the_month_before(calls):
    today = _this_month(15)
    Contract.objects.filter(code="DEMO-SERVER").update(starts_on=_this_month(1))
    schedule.run_schedule(today)
    assert calls and not [c for c in calls if c[0] == "DEMO-SERVER"]


def test_a_contract_that_started_in_the_middle_of_last_month_gets_that_month(calls):
    today = _this_month(3)
    Contract.objects.filter(code="DEMO-SERVER").update(
        starts_on=month_start(today, back=1) + timedelta(days=14))
    schedule.run_schedule(today)
    assert {k for c, k, _s in calls if c == "DEMO-SERVER"} >= MONTHLY


def test_a_contract_that_ended_before_last_month_gets_no_monthly_report(calls):
    """(Its quarterly and annual reviews still come, in January, April, July and October, for
    the quarter it was in force in.)"""
    today = _this_month(3)
    Contract.objects.filter(code="DEMO-SERVER").update(
        ends_on=month_start(today, back=1) - timedelta(days=1))
    schedule.run_schedule(today)
    assert not [c for c in calls if c[0] == "DEMO-SERVER" and c[1] in MONTHLY]


@pytest.mark.parametrize(("today", "kinds"), [
    (date(2031, 1, 1), MONTHLY | {ReportKind.QUARTERLY, ReportKind.ANNUAL}),
    (date(2031, 1, 20), MONTHLY | {ReportKind.QUARTERLY, ReportKind.ANNUAL}),
    (date(2031, 2, 1), MONTHLY),
    (date(2031, 4, 9), MONTHLY | {ReportKind.QUARTERLY}),
    (date(2031, 12, 31), MONTHLY),
])
def test_the_reports_due_in_a_month(today, kinds):
    due = schedule.due_reports(today)
    assert {k for k, _s, _e in due} == kinds
    periods = {k: (s, e) for k, s, e in due}
    last_month = month_start(today, back=1)
    assert periods[ReportKind.MONTHLY_SUMMARY][0] == last_month
    if ReportKind.QUARTERLY in periods:
        start, end = periods[ReportKind.QUARTERLY]
        assert start == month_start(today, back=3) and end == today.replace(day=1) - timedelta(1)
    if ReportKind.ANNUAL in periods:
        assert periods[ReportKind.ANNUAL] == (date(today.year - 1, 1, 1),
                                              date(today.year - 1, 12, 31))
