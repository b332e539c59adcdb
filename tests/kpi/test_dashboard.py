"""The manager dashboard (K1): figures equal kpi.figures, every number's drill-down lists exactly
the records the rollup counted, the period form, the targets page, scoping and query counts."""

from __future__ import annotations

import re
import secrets
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from kpi import figures
from kpi.forms.dashboard import today
from kpi.selectors.dashboard import scope_for
from kpi.services.rollup import refresh, refresh_backlog
from sla.models import Clock, Contract
from surveys.models import Complaint, TicketSurvey
from tickets.models import Priority, ServiceType, Status, Ticket

SH = ZoneInfo("Asia/Shanghai")
JUNE = "contract=DEMO-DESKTOP&period=month&month=2026-06"
# The story runs April–July 2026: a demo loaded in mid-September has both contracts in force
# then, and its own tickets fall outside the months the tests count.
pytestmark = pytest.mark.demo_at(datetime(2026, 9, 15, 10, tzinfo=SH))


def at(month, day, hour=10, minute=0):
    return datetime(2026, month, day, hour, minute, tzinfo=SH)


def _file(demo, contract, title, moment, *, assignee=None, on_site=False):
    from tickets.services import ticket_create

    with time_machine.travel(moment, tick=False):
        ticket = ticket_create(actor=demo["desk"], requester=demo["user"] if
                               contract.code == "DEMO-DESKTOP" else demo["ht-hanmei"],
                               contract=contract, service_type=ServiceType.objects.get(
                                   code="hardware"), title=title, priority=Priority.P2,
                               channel="phone", needs_on_site=on_site)
    if assignee is not None:
        Ticket.objects.filter(pk=ticket.pk).update(assignee=assignee,
                                                   status=Status.DISPATCHED)
    return Ticket.objects.get(pk=ticket.pk)


def _resolve(ticket, moment, **fields):
    Ticket.objects.filter(pk=ticket.pk).update(status=Status.RESOLVED, resolved_at=moment,
                                               resolution_code="fixed",
                                               **fields)


def _clock(ticket, kind, *, met=None, stopped=None, breached=None):
    clock = Clock.objects.filter(ticket=ticket, kind=kind).first()
    if clock is None:
        template = Clock.objects.filter(ticket=ticket).first()
        clock = Clock.objects.create(ticket=ticket, kind=kind, calendar=template.calendar,
                                     target_seconds=3600, started_at=ticket.created_at)
    Clock.objects.filter(pk=clock.pk).update(met=met, stopped_at=stopped, breached_at=breached,
                                             running_since=None, due_at=None,
                                             next_check_at=None)


def _survey(ticket, engineer, sent, *, answered=None, overall=None):
    return TicketSurvey.objects.create(
        ticket=ticket, contract=ticket.contract, requester=ticket.requester, engineer=engineer,
        token=secrets.token_urlsafe(32), sent_at=sent, expires_at=sent + timedelta(days=7),
        answered_at=answered, overall=overall, fixed=None if answered is None else True)


def _complaint(demo, contract, received, *, ticket=None, engineer=None, major=False):
    return Complaint.objects.create(
        number=f"TS-T-{secrets.token_hex(4)}", contract=contract, channel="phone",
        complainant_name="吴芳", description="测试投诉", received_at=received,
        answer_due=received + timedelta(days=1), resolution_due=received.date(),
        registered_by=demo["desk"], created_at=received, ticket=ticket, engineer=engineer,
        major=major)


def make_data(demo) -> dict:
    """Tickets of June 2026 on DEMO-DESKTOP (and one outside either side, one on DEMO-SERVER):
    met and breached clocks (a breach in May stopped in June), a reopen, surveys answered and
    not, complaints in the quarter. Then the rollup of April–July."""
    from assets.models import Asset

    desktop = Contract.objects.get(code="DEMO-DESKTOP")
    server = Contract.objects.get(code="DEMO-SERVER")
    eng, desk = demo["engineer"], demo["desk"]
    t1 = _file(demo, desktop, "一号", at(6, 2), assignee=eng, on_site=True)
    _resolve(t1, at(6, 2, 14))
    _clock(t1, "response", met=True, stopped=at(6, 2, 10, 10))
    _clock(t1, "arrival", met=True, stopped=at(6, 2, 11))
    _clock(t1, "resolution", met=True, stopped=at(6, 2, 14))
    asset = Asset.objects.filter(contract=desktop).first()
    Ticket.objects.filter(pk=t1.pk).update(asset=asset)
    _survey(t1, eng, at(6, 2, 15), answered=at(6, 3), overall=5)

    t2 = _file(demo, desktop, "二号", at(6, 3), assignee=eng)
    _resolve(t2, at(6, 5))
    _clock(t2, "response", met=False, stopped=at(6, 3, 11), breached=at(6, 3, 10, 30))
    _clock(t2, "resolution", met=False, stopped=at(6, 5), breached=at(6, 4))
    _survey(t2, eng, at(6, 5, 12), answered=at(6, 6), overall=2)
    _complaint(demo, desktop, at(6, 6), ticket=t2, engineer=eng, major=True)

    t3 = _file(demo, desktop, "三号", at(6, 10), assignee=desk)
    _resolve(t3, at(6, 12), first_line_resolution=True, reopen_count=1)
    _clock(t3, "response", met=True, stopped=at(6, 10, 10, 5))
    _clock(t3, "resolution", met=True, stopped=at(6, 12))
    _survey(t3, desk, at(6, 12, 12))

    t4 = _file(demo, desktop, "四号", at(6, 20), assignee=eng)  # still open, breached
    _clock(t4, "response", breached=at(6, 20, 10, 30))

    t5 = _file(demo, desktop, "五号", at(5, 31, 23, 30), assignee=eng)  # breached in May
    _resolve(t5, at(6, 1, 0, 30))
    _clock(t5, "resolution", met=False, stopped=at(6, 1, 0, 30), breached=at(5, 31, 23, 50))
    _file(demo, desktop, "六号", at(6, 30, 23, 30), assignee=eng)  # open, less than a day
    _file(demo, desktop, "七号", at(7, 1, 0, 30), assignee=eng)  # July
    _complaint(demo, desktop, at(4, 15))  # same quarter, no ticket
    _file(demo, server, "服务器", at(6, 2), assignee=demo["engineer2"])
    refresh(date(2026, 4, 1), date(2026, 7, 31))
    refresh_backlog(today(), today())  # the beat job's snapshot of now
    return {"desktop": desktop, "server": server, "tickets": [t1, t2, t3, t4, t5]}


@pytest.fixture
def data(demo):
    return make_data(demo)


def _total(client, url) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["total"]


def test_figures_equal_kpi_figures_and_known_answers(demo, data, login):
    client = login(demo["pm"])
    response = client.get(f"/kpi/?{JUNE}")
    assert response.status_code == 200
    summary = figures.summary(scope_for(data["desktop"]), date(2026, 6, 1), date(2026, 6, 30))
    assert response.context["summary"] == summary
    cards = {c["key"]: c for c in response.context["cards"]}
    assert summary["tickets_opened"] == 5 and cards["opened"]["value"] == 5
    assert summary["tickets_resolved"] == 4 and cards["resolved"]["value"] == 4
    assert (summary["response_met"], summary["response_breached"]) == (2, 2)
    assert cards["response"]["value"] == "50.0 %" and cards["response"]["ok"] is False
    assert (summary["resolution_met"], summary["resolution_breached"]) == (2, 1)
    assert summary["arrival_met"] == 1 and cards["arrival"]["ok"] is True
    assert summary["first_line_resolution_rate"] == 0.25 and cards["first_line"]["ok"] is False
    assert summary["reopen_rate"] == 0.25
    assert (summary["surveys_sent"], summary["surveys_answered"]) == (3, 2)
    assert summary["satisfaction_rate"] == 0.5
    assert cards["complaints"]["value"] == 2  # April and June, the quarter
    assert cards["backlog"]["value"] == 2  # at the end of June: 四号 and 六号
    html = response.content.decode()
    assert 'data-testid="value-opened"' in html and "50.0 %" in html
    assert "/kpi/tickets/?" in html


def test_every_drill_down_counts_what_its_card_shows(demo, data, login):
    client = login(demo["pm"])
    cards = client.get(f"/kpi/?{JUNE}").context["cards"]
    checked = 0
    for card in cards:
        if isinstance(card["value"], int):
            assert _total(client, card["url"]) == card["value"], card["key"]
            checked += 1
        for detail in card["detail"]:
            if isinstance(detail["value"], int):
                assert _total(client, detail["url"]) == detail["value"], (card["key"], detail)
                checked += 1
    assert checked >= 20
    summary = figures.summary(scope_for(data["desktop"]), date(2026, 6, 1), date(2026, 6, 30))
    base = f"/kpi/tickets/?{JUNE}&measure="
    for kind in figures.CLOCKS:
        assert _total(client, base + kind) == summary[f"{kind}_met"] + summary[
            f"{kind}_breached"]
    assert _total(client, base + "first_line") == 1
    assert _total(client, base + "reopened") == 1
    assert _total(client, base + "dissatisfied") == 1
    assert _total(client, base + "major_complaints") == 1
    assert _total(client, base + "asset_faults") == 1


def test_drill_down_by_engineer_matches_the_engineer_table(demo, data, login):
    client = login(demo["pm"])
    response = client.get(f"/kpi/?{JUNE}")
    rows = {r["engineer_id"]: r for r in response.context["engineers"]}
    eng = demo["engineer"]
    assert rows[eng.pk]["resolved"] == 3 and rows[demo["desk"].pk]["resolved"] == 1
    url = f"/kpi/tickets/?{JUNE}&engineer={eng.pk}&measure=resolved"
    assert _total(client, url) == 3
    page = client.get(f"/kpi/?{JUNE}&engineer={eng.pk}")
    cards = {c["key"]: c for c in page.context["cards"]}
    assert cards["resolved"]["value"] == 3
    team = client.get(f"/kpi/tickets/?{JUNE}&team=agent&measure=resolved")
    assert team.context["total"] == client.get(
        f"/kpi/?{JUNE}&team=agent").context["summary"]["tickets_resolved"]


def test_drill_down_rows_link_to_tickets_and_say_which_number(demo, data, login):
    client = login(demo["pm"])
    response = client.get(f"/kpi/tickets/?{JUNE}&measure=response_breached")
    html = response.content.decode()
    numbers = set(re.findall(r'data-number="([^"]+)"', html))
    t2, t4 = data["tickets"][1], data["tickets"][3]
    assert numbers == {t2.number, t4.number}
    assert f"/tickets/{t2.number}/" in html
    assert 'data-measure="response_breached"' in html
    assert client.get(f"/kpi/tickets/?{JUNE}&measure=nonsense").status_code == 404
    assert client.get(f"/kpi/tickets/?{JUNE}&measure=asset_faults&asset_type=x"
                      ).status_code == 404


@pytest.mark.parametrize("query, kind, start, end", [
    ("period=month&month=2026-02", "month", date(2026, 2, 1), date(2026, 2, 28)),
    ("period=quarter&quarter=2026-Q3", "quarter", date(2026, 7, 1), date(2026, 9, 30)),
    ("period=year&year=2025", "year", date(2025, 1, 1), date(2025, 12, 31)),
    ("period=custom&from=2026-06-03&to=2026-06-09", "custom", date(2026, 6, 3),
     date(2026, 6, 9)),
])
def test_periods(demo, login, query, kind, start, end):
    response = login(demo["pm"]).get(f"/kpi/?{query}")
    period = response.context["params"].period
    assert (period.kind, period.start, period.end) == (kind, start, end)
    assert not response.context["form"].errors


@pytest.mark.parametrize("query", [
    "period=month&month=2026-13", "period=quarter&quarter=2026-Q5", "period=year&year=abc",
    "period=custom&from=2026-06-09&to=2026-06-01", "period=custom&from=2026-06-09",
    "period=custom&from=2020-01-01&to=2026-01-01", "period=week", "period=custom&from=junk&to=x",
    "period=year&year=9999", "period=month&month=9999-12", "period=quarter&quarter=0001-Q1",
    "period=custom&from=9999-12-01&to=9999-12-31",
])
def test_invalid_period_shows_an_error_and_the_current_month(demo, login, query):
    with time_machine.travel(at(6, 15), tick=False):
        response = login(demo["pm"]).get(f"/kpi/?{query}")
    assert response.status_code == 200
    assert response.context["form"].errors
    period = response.context["params"].period
    assert (period.kind, period.start) == ("month", date(2026, 6, 1))
    assert 'data-testid="kpi-form-errors"' in response.content.decode()


def test_invalid_filters_are_ignored_with_an_error(demo, login):
    response = login(demo["pm"]).get(
        "/kpi/?contract=DEMO-DESKTOP&engineer=abc&team=boss&service_type=99999")
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"engineer", "team", "service_type"} <= set(errors)
    params = response.context["params"]
    assert params.engineer is None and params.team is None and params.service_type_id is None
    # Someone outside the contract's team is not a choice either.
    other = login(demo["pm"]).get(f"/kpi/?contract=DEMO-DESKTOP&engineer={demo['user'].pk}")
    assert other.context["params"].engineer is None


def test_period_navigation_links(demo, login):
    response = login(demo["pm"]).get("/kpi/?contract=DEMO-DESKTOP&period=quarter&quarter=2026-Q1")
    nav = response.context["nav"]
    assert "quarter=2025-Q4" in nav["previous"] and "quarter=2026-Q2" in nav["next"]
    response = login(demo["pm"]).get("/kpi/?contract=DEMO-DESKTOP&month=2026-01")
    assert "month=2025-12" in response.context["nav"]["previous"]


def test_scoping(demo, login):
    client = login(demo["client"])
    assert client.get("/kpi/?contract=DEMO-SERVER").status_code == 404
    assert client.get("/kpi/tickets/?contract=DEMO-SERVER&measure=opened").status_code == 404
    response = client.get("/kpi/")
    assert response.status_code == 200
    assert [code for code, _name in response.context["contracts"]] == ["DEMO-DESKTOP"]
    assert "DEMO-SERVER" not in response.content.decode()
    for role in ("engineer", "desk", "user"):
        other = login(demo[role])
        assert other.get("/kpi/").status_code == 403
        assert other.get("/kpi/tickets/?measure=opened").status_code == 403
    assert login(demo["pm"]).get("/kpi/?contract=NOPE").status_code == 404


def test_targets_form_saves_both_models_with_history(demo, login):
    from kpi.models import KpiTargets
    from surveys.models import SurveyPolicy

    client = login(demo["pm"])
    response = client.get("/kpi/targets/DEMO-DESKTOP/")
    assert response.status_code == 200
    form = response.context["kpi_form"]
    data = {f"kpi-{name}": (value if value is not None else "")
            for name, value in form.initial.items() if name in form.fields}
    data.update({"kpi-fault_resolution_rate": "97", "survey-satisfaction_target": "92",
                 "survey-complaint_limit": "4", "survey-major_complaint_limit": "1"})
    response = client.post("/kpi/targets/DEMO-DESKTOP/", data)
    assert response.status_code == 302
    targets = KpiTargets.objects.get(contract__code="DEMO-DESKTOP")
    assert float(targets.fault_resolution_rate) == 97
    policy = SurveyPolicy.objects.get(contract__code="DEMO-DESKTOP")
    assert (float(policy.satisfaction_target), policy.complaint_limit,
            policy.major_complaint_limit) == (92, 4, 1)
    data["kpi-fault_resolution_rate"] = "95"
    client.post("/kpi/targets/DEMO-DESKTOP/", data)
    page = client.get("/kpi/targets/DEMO-DESKTOP/")
    history = page.context["history"]
    # Both records' saves, newest first: the KPI targets (created, then 97 → 95) and the survey
    # policy (made by the demo; satisfaction 96 → 92 and the limits, then saved unchanged).
    assert len(history) == 5
    assert all(h["record"].history_user == demo["pm"] for h in history[:4])
    changed = [(str(c["old"]), str(c["new"])) for h in history for c in h["changes"]]
    assert ("97.00", "95.00") in changed
    assert ("96.00", "92.00") in changed and ("5", "4") in changed
    assert demo["pm"].display_name in page.content.decode()


def test_targets_invalid_input_saves_nothing(demo, login):
    from kpi.models import KpiTargets
    from surveys.models import SurveyPolicy

    client = login(demo["pm"])
    before = SurveyPolicy.objects.filter(contract__code="DEMO-DESKTOP").values_list(
        "satisfaction_target", flat=True).first()
    form = client.get("/kpi/targets/DEMO-DESKTOP/").context["kpi_form"]
    data = {f"kpi-{name}": value for name, value in form.initial.items() if name in form.fields}
    data.update({"kpi-first_line_min": "60", "kpi-first_line_max": "40",
                 "survey-satisfaction_target": "50", "survey-complaint_limit": "4",
                 "survey-major_complaint_limit": "1"})
    response = client.post("/kpi/targets/DEMO-DESKTOP/", data)
    assert response.status_code == 200
    assert "first_line_max" in response.context["kpi_form"].errors
    assert not KpiTargets.objects.filter(contract__code="DEMO-DESKTOP").exists()
    assert SurveyPolicy.objects.filter(contract__code="DEMO-DESKTOP").values_list(
        "satisfaction_target", flat=True).first() == before
    data.update({"kpi-first_line_max": "50", "survey-complaint_limit": "-1"})
    response = client.post("/kpi/targets/DEMO-DESKTOP/", data)
    assert response.status_code == 200 and "complaint_limit" in response.context[
        "policy_form"].errors
    assert not KpiTargets.objects.filter(contract__code="DEMO-DESKTOP").exists()


def test_targets_permission(demo, login):
    assert login(demo["gm"]).get("/kpi/targets/DEMO-DESKTOP/").status_code == 403
    assert login(demo["client"]).get("/kpi/targets/DEMO-DESKTOP/").status_code == 403
    assert login(demo["client"]).post("/kpi/targets/DEMO-DESKTOP/", {}).status_code == 403
    assert login(demo["client"]).get("/kpi/targets/DEMO-SERVER/").status_code == 404
    assert login(demo["engineer"]).get("/kpi/targets/DEMO-DESKTOP/").status_code == 403
    assert login(demo["delivery"]).get("/kpi/targets/DEMO-SERVER/").status_code == 200
    assert login(demo["admin"]).get("/kpi/targets/DEMO-SERVER/").status_code == 200


def test_refresh_now(demo, data, login):
    from kpi.models import DailyRollup

    DailyRollup.objects.all().delete()
    client = login(demo["pm"])
    assert client.get("/kpi/refresh/").status_code == 405
    response = client.post("/kpi/refresh/", {"contract": "DEMO-DESKTOP", "period": "month",
                                             "month": "2026-06"})
    assert response.status_code == 302
    assert response["Location"].startswith("/kpi/?") and "month=2026-06" in response["Location"]
    assert set(DailyRollup.objects.values_list("contract__code", flat=True)) == {"DEMO-DESKTOP"}
    page = client.get(response["Location"])
    assert page.context["summary"]["tickets_opened"] == 5
    assert login(demo["client"]).post("/kpi/refresh/", {"contract": "DEMO-DESKTOP"}
                                      ).status_code == 403
    assert login(demo["engineer"]).post("/kpi/refresh/", {}).status_code == 403
    assert login(demo["gm"]).post("/kpi/refresh/", {"contract": "DEMO-SERVER"}).status_code == 302


def test_refresh_needs_csrf(demo):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(demo["pm"])
    assert client.post("/kpi/refresh/", {"contract": "DEMO-DESKTOP"}).status_code == 403


@pytest.mark.parametrize("query", [JUNE, "contract=DEMO-DESKTOP&period=quarter&quarter=2026-Q2",
                                   "contract=DEMO-DESKTOP&period=year&year=2026"])
def test_dashboard_query_count_is_constant(demo, data, login, django_assert_max_num_queries,
                                           query):
    client = login(demo["pm"])
    with django_assert_max_num_queries(22):
        assert client.get(f"/kpi/?{query}").status_code == 200
    with django_assert_max_num_queries(22):
        assert client.get(f"/kpi/?{query}&engineer={demo['engineer'].pk}").status_code == 200


def test_query_count_does_not_grow_with_data(demo, login, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(demo["pm"])
    url = "/kpi/?contract=DEMO-DESKTOP&period=quarter&quarter=2026-Q2"
    with CaptureQueriesContext(connection) as empty:
        client.get(url)
    make_data(demo)
    with django_assert_num_queries(len(empty.captured_queries)):
        client.get(url)


def test_dashboard_reads_no_raw_tickets(demo, data, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(demo["pm"])
    with CaptureQueriesContext(connection) as queries:
        client.get("/kpi/?contract=DEMO-DESKTOP&period=quarter&quarter=2026-Q2")
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    for table in ('"tickets_ticket"', '"sla_clock"', '"surveys_ticketsurvey"',
                  '"surveys_complaint"'):
        assert table not in sql


@pytest.mark.parametrize("start,end", [(date(2026, 4, 1), date(2026, 6, 30)),
                                       (date(2026, 1, 1), date(2026, 12, 31)),
                                       (date(2026, 4, 1), date(2026, 9, 30))])
def test_complaints_per_quarter_from_the_monthly_trend_equal_the_grouped_query(demo, data, start,
                                                                                 end):
    """A quarter-aligned period's monthly trend already holds its quarters' complaints: the
    dashboard sums them instead of scanning the rollup once more, with the same answer."""
    from kpi.dashboard import complaints_by_quarter

    scope = scope_for(Contract.objects.get(code="DEMO-DESKTOP"))
    months = figures.trend(scope, start, end, monthly=True)
    queried = complaints_by_quarter(scope, start, end)
    assert complaints_by_quarter(scope, start, end, months=months) == queried
    assert sum(q["complaints"] for q in queried) > 0  # the data has complaints to count


def test_a_month_still_counts_its_whole_quarter(demo, data):
    """June's dashboard judges the quarter April–June: months of June alone cannot say."""
    from kpi.dashboard import complaints_by_quarter

    scope = scope_for(Contract.objects.get(code="DEMO-DESKTOP"))
    june = figures.trend(scope, date(2026, 6, 1), date(2026, 6, 30), monthly=True)
    whole = complaints_by_quarter(scope, date(2026, 6, 1), date(2026, 6, 30))
    assert complaints_by_quarter(scope, date(2026, 6, 1), date(2026, 6, 30),
                                 months=june) == whole


def test_a_quarters_dashboard_reads_the_rollup_for_complaints_no_second_time(demo, data, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(demo["pm"])
    with CaptureQueriesContext(connection) as month:
        client.get(f"/kpi/?{JUNE}")
    with CaptureQueriesContext(connection) as quarter:
        client.get("/kpi/?contract=DEMO-DESKTOP&period=quarter&quarter=2026-Q2")
    def by_quarter(queries):  # PostgreSQL's DATE_TRUNC('quarter', …), SQLite's django_date_trunc
        return [q for q in queries.captured_queries if "trunc('quarter'" in q["sql"].lower()]

    assert by_quarter(month)
    assert not by_quarter(quarter)
    assert len(quarter.captured_queries) == len(month.captured_queries) - 1


@pytest.mark.parametrize("start,end,monthly", [(date(2026, 6, 1), date(2026, 6, 30), False),
                                               (date(2026, 4, 1), date(2026, 6, 30), True),
                                               (date(2026, 1, 1), date(2026, 12, 31), True)])
@pytest.mark.parametrize("by_engineer", [False, True])
def test_one_pass_over_the_rollup_adds_up_to_each_figures_own_query(demo, data, start, end,
                                                                     monthly, by_engineer):
    """The dashboard reads the rollup once (figures.PeriodSums) and adds up totals, trend and
    per-engineer sums in Python: each equals what its own grouped query answers."""
    from django.db.models import Max, Sum

    from kpi.models import DailyRollup
    from kpi.models.rollup import MEASURES

    contract = Contract.objects.get(code="DEMO-DESKTOP")
    scope = (scope_for(contract, engineer=demo["engineer"]) if by_engineer
             else scope_for(contract))
    sums = figures.PeriodSums(scope, start, end, monthly=monthly)
    assert sums.totals() == figures.totals(scope, start, end)
    assert sums.trend() == figures.trend(scope, start, end, monthly=monthly)
    grouped = (DailyRollup.objects.filter(scope.q(), day__gte=start, day__lte=end,
                                          engineer__isnull=False)
               .values("engineer_id").annotate(**{m: Sum(m) for m in MEASURES},
                                               refreshed_at=Max("refreshed_at")))
    expected = {row["engineer_id"]: {m: row[m] or 0 for m in MEASURES} for row in grouped}
    assert sums.by_engineer() == expected
    assert sums.totals()["opened"] > 0 or start.month != 6  # June has the fixture's tickets


def test_the_engineer_table_is_in_name_order_with_its_figures(demo, data, login):
    client = login(demo["pm"])
    response = client.get("/kpi/?contract=DEMO-DESKTOP&period=quarter&quarter=2026-Q2")
    engineers = response.context["engineers"]
    assert engineers, "the fixture's engineer did work in the quarter"
    names = [row["name"] for row in engineers]
    assert names == sorted(names) or len(names) == 1
    mine = next(row for row in engineers if row["engineer_id"] == demo["engineer"].pk)
    assert mine["resolved"] >= 1 and mine["clocks"] >= 1


@pytest.mark.parametrize("query", [JUNE, f"{JUNE}&team=engineer", f"{JUNE}&service_type=1",
                                   "contract=DEMO-DESKTOP&period=custom&from=2026-05-03"
                                   "&to=2026-06-09", "contract=DEMO-DESKTOP&period=year&year=2026"])
def test_every_drill_down_link_is_the_dashboards_query_with_its_measure(demo, data, login, query):
    """kpi.dashboard.DrillLinks builds the links' shared part once: each link is exactly
    the dashboard's own query with the measure (and asset type) added."""
    from urllib.parse import parse_qs, urlsplit

    from django.urls import reverse

    response = login(demo["pm"]).get(f"/kpi/?{query}")
    params = response.context["params"]
    urls = [url for card in response.context["cards"]
            for url in [card["url"], *(d["url"] for d in card["detail"])]]
    urls += [a["url"] for a in response.context["assets"]]
    drill = [url for url in urls if url.startswith(reverse("kpi:drilldown"))]
    assert len(drill) >= 30
    for url in drill:
        given = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        extra = {"asset_type": given["asset_type"]} if "asset_type" in given else {}
        assert url == (f"{reverse('kpi:drilldown')}?"
                       f"{params.query(measure=given['measure'], **extra)}")
