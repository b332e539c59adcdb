"""Satisfaction analysis (V3): figures against hand-computed values, seed 000 thresholds, scope,
constant queries, the Excel export and the API."""

import io
import itertools
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from sla.models import Contract
from surveys.analysis import satisfaction_analysis
from surveys.models import TicketSurvey
from tickets.models import ResolutionCode, ServiceType, Status, Ticket

SH = ZoneInfo("Asia/Shanghai")
URL = "/surveys/analysis/?contract=DEMO-DESKTOP&from=2026-03-01&to=2026-03-31"
_numbers = itertools.count(1)


def _survey(contract, requester, sent_at, scores=None, fixed=True):
    at = sent_at
    ticket = Ticket.objects.create(
        number=f"T-AN-{next(_numbers):06d}", contract=contract,
        service_type=ServiceType.objects.order_by("pk").first(), title="t",
        requester=requester, logged_by=requester, status=Status.CLOSED,
        resolution_code=ResolutionCode.FIXED, created_at=at, updated_at=at, resolved_at=at)
    fields = {}
    if scores:
        names = ("response_speed", "attitude", "ability", "overall")
        fields = dict(zip(names, scores, strict=True))
        fields.update(answered_at=at + timedelta(hours=1), fixed=fixed)
    return TicketSurvey.objects.create(ticket=ticket, contract=contract, requester=requester,
                                       token=f"tok{ticket.number}", sent_at=at,
                                       expires_at=at + timedelta(days=7), **fields)


@pytest.fixture
def data(demo):
    """March 2026 on DEMO-DESKTOP: 10 sent, 6 answered (scores below), plus rows that must not
    count (another contract, 1 April in Shanghai) and two February answers for the trend."""
    desktop = Contract.objects.get(code="DEMO-DESKTOP")
    server = Contract.objects.get(code="DEMO-SERVER")
    user = demo["user"]
    answers = [  # speed, attitude, ability, overall, fixed
        (5, 5, 4, 5, True), (5, 5, 4, 5, True), (4, 5, 4, 5, True),
        (3, 5, 4, 5, True), (5, 5, 3, 5, True), (5, 5, 2, 4, False)]
    # 1 March 00:30 in Shanghai is still 28 February in UTC: must count as March.
    first = datetime(2026, 3, 1, 0, 30, tzinfo=SH)
    for n, (*scores, fixed) in enumerate(answers):
        _survey(desktop, user, first + timedelta(days=n * 3), scores, fixed)
    for n in range(3):
        _survey(desktop, user, datetime(2026, 3, 20 + n, 9, tzinfo=SH))
    _survey(desktop, user, datetime(2026, 3, 31, 23, 30, tzinfo=SH))  # unanswered, in March
    _survey(desktop, user, datetime(2026, 4, 1, 0, 30, tzinfo=SH), (1, 1, 1, 1))  # April
    _survey(server, user, datetime(2026, 3, 10, tzinfo=SH), (1, 1, 1, 1))  # other contract
    _survey(desktop, user, datetime(2026, 2, 28, 23, 59, tzinfo=SH), (5, 5, 5, 5))
    _survey(desktop, user, datetime(2026, 2, 2, tzinfo=SH), (5, 4, 4, 4))
    return desktop


def test_figures_by_hand(data):
    result = satisfaction_analysis(contract=data, start=datetime(2026, 3, 1).date(),
                                   end=datetime(2026, 3, 31).date())
    f = result["figures"]
    assert (result["sent"], result["answered"]) == (10, 6)
    assert f["response_rate"].rate == 60.0 and f["response_rate"].flagged
    assert f["response_speed"].rate == 83.3 and f["response_speed"].average == 4.5
    assert f["response_speed"].flagged
    assert f["attitude"].rate == 100.0 and not f["attitude"].flagged
    assert f["ability"].rate == 66.7 and f["ability"].average == 3.5 and f["ability"].flagged
    assert f["overall"].rate == 100.0 and f["overall"].average == 4.83
    assert f["overall"].threshold == 96.0 and not f["overall"].flagged
    assert result["fixed_rate"] == 83.3
    # The seed's diagnostic questions come with a flagged figure only.
    assert f["ability"].questions and not f["attitude"].questions
    trend = {m["month"]: m for m in result["trend"]}
    assert len(result["trend"]) == 12 and result["trend"][-1]["month"] == "2026-03"
    assert result["trend"][0]["month"] == "2025-04"
    assert trend["2026-03"]["sent"] == 10 and trend["2026-03"]["response_rate"] == 60.0
    assert trend["2026-02"] == {"month": "2026-02", "sent": 2, "answered": 2,
                                "response_rate": 100.0, "response_speed": 100.0,
                                "attitude": 100.0, "ability": 100.0, "overall": 100.0}
    assert trend["2026-01"]["sent"] == 0 and trend["2026-01"]["overall"] is None


def test_server_target_flags_overall(demo):
    server = Contract.objects.get(code="DEMO-SERVER")
    for n, overall in enumerate([5] * 8 + [3, 2]):
        _survey(server, demo["user"], datetime(2026, 3, 2 + n, tzinfo=SH), (5, 5, 5, overall))
    result = satisfaction_analysis(contract=Contract.objects.get(code="DEMO-SERVER"),
                                   start=datetime(2026, 3, 1).date(),
                                   end=datetime(2026, 3, 31).date())
    assert result["figures"]["overall"].threshold == 90.0
    assert result["figures"]["overall"].rate == 80.0 and result["figures"]["overall"].flagged


def test_page_flags_and_scope(demo, data):
    client = Client()
    client.force_login(demo["client"])
    page = client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="figure-response_rate" data-flagged="1"' in html
    assert 'data-testid="figure-attitude" data-flagged="0"' in html
    assert 'data-testid="figure-ability" data-flagged="1"' in html
    assert 'id="analysis-trend-data"' in html and "chart.umd.min.js" in html
    assert 'data-testid="analysis-trend-table"' in html
    # The client contact sees only their contract.
    assert client.get("/surveys/analysis/?contract=DEMO-SERVER").status_code == 404
    client.force_login(demo["engineer"])
    assert client.get(URL).status_code == 403
    client.force_login(demo["pm"])
    assert client.get("/surveys/analysis/?contract=DEMO-SERVER").status_code == 200


def test_page_english_shows_diagnostic_questions(demo, data):
    client = Client()
    client.cookies["itsm_language"] = "en"
    client.force_login(demo["pm"])
    html = client.get(URL).content.decode()
    assert "Is there a problem with the engineers&#x27; technical ability?" in html


def test_default_period_is_current_month_first_contract(demo, data):
    client = Client()
    client.force_login(demo["pm"])
    with time_machine.travel(datetime(2026, 3, 15, 10, tzinfo=SH), tick=False):
        page = client.get(reverse("surveys:analysis"))
    assert page.context["result"]["contract"].code == "DEMO-DESKTOP"
    assert page.context["result"]["start"].isoformat() == "2026-03-01"
    assert page.context["result"]["sent"] == 5  # 1, 4, 7, 10, 13 March
    bad = client.get("/surveys/analysis/?contract=DEMO-DESKTOP&from=2026-03-31&to=2026-03-01")
    assert bad.status_code == 200 and bad.context["form"].errors


def test_queries_constant(demo, data, django_assert_num_queries):
    client = Client()
    client.force_login(demo["pm"])
    client.get(URL)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for n in range(30):
        _survey(data, demo["user"], datetime(2026, 3, 3, n % 24, tzinfo=SH), (4, 4, 4, 4))
    with django_assert_num_queries(len(few)):
        client.get(URL)


def test_xlsx_holds_the_figures(demo, data):
    client = Client()
    client.force_login(demo["gm"])
    response = client.get(URL + "&format=xlsx")
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    figures, trend = wb.worksheets
    values = [list(r) for r in figures.iter_rows(values_only=True)]
    assert values[2][1] == 10 and values[3][1] == 6
    rates = {row[0]: row[1] for row in values[7:]}
    assert 60.0 in rates.values() and 66.7 in rates.values()
    months = [r for r in trend.iter_rows(values_only=True)][1:]
    assert len(months) == 12 and months[-1][0] == "2026-03" and months[-1][1] == 10


def test_api(demo, data):
    api = APIClient()
    api.force_authenticate(demo["client"])
    body = api.get("/api/surveys/analysis/?contract=DEMO-DESKTOP&from=2026-03-01"
                   "&to=2026-03-31").json()
    assert body["sent"] == 10 and body["figures"]["ability"]["rate"] == 66.7
    assert body["figures"]["ability"]["flagged"] is True
    assert api.get("/api/surveys/analysis/?contract=DEMO-SERVER").status_code == 404
    assert api.get("/api/surveys/analysis/?from=bad").status_code == 400
    api.force_authenticate(demo["desk"])
    assert api.get("/api/surveys/analysis/").status_code == 403
    assert APIClient().get("/api/surveys/analysis/").status_code == 401
