"""Engineer scorecards in the browser (K2): the PM opens the quarter on a phone, rates an
engineer and sees the "not up to standard" flag; the engineer reads their own scorecard."""

import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e
SHOTS = Path("/tmp/shots")


def _quarter_data():
    from accounts.models import User
    from kpi.models import ScorecardScheme
    from kpi.services import rollup
    from sla.models import ClockKind, Contract
    from tests.kpi.test_scorecards import SH, _clock, _complaint, _survey, _ticket

    desktop = Contract.objects.get(code="DEMO-DESKTOP")
    engineer, user = User.objects.get(username="engineer"), User.objects.get(username="user")
    ScorecardScheme.objects.create(contract=desktop, volume_target=20)
    at = datetime(2026, 2, 2, 10, tzinfo=SH)
    tickets = [_ticket(desktop, engineer, user, at + timedelta(days=i), reopened=(i == 0))
               for i in range(10)]
    for i, met in enumerate([True] * 8 + [False] * 2):
        _clock(tickets[i], ClockKind.RESPONSE, met, at + timedelta(days=i))
    for ticket, overall in zip(tickets[:4], [5, 4, 5, 2], strict=True):
        _survey(ticket, engineer, ticket.resolved_at, overall)
    _complaint(desktop, engineer, User.objects.get(username="desk"), at + timedelta(days=20))
    rollup.refresh(date(2026, 1, 1), date(2026, 3, 31))


def _shot(page, screenshot, name):
    path = screenshot(page, name)
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, SHOTS / f"{name}.png")


def test_pm_rates_on_a_phone_and_the_engineer_reads(browser, phone, demo_site, screenshot):
    from kpi.models import Scorecard

    _quarter_data()
    log_in(phone, demo_site, "pm")
    phone.goto(f"{demo_site}/kpi/scorecards/?contract=DEMO-DESKTOP&quarter=2026-Q1")
    row = phone.locator("[data-testid=scorecard-row][data-engineer=engineer]")
    assert "69.50" in row.inner_text()
    _shot(phone, screenshot, "scorecards-list-phone")
    row.locator("a").click()
    phone.wait_for_selector("[data-testid=rating-form]")
    for field in phone.locator("[data-testid=rating-form] input[type=number]").all():
        field.fill("90")
    phone.fill("#id_note_attitude_response", "响应及时")
    phone.click("[data-testid=rating-form] button[type=submit]")
    phone.wait_for_selector("[data-testid=below-standard]")
    assert phone.locator("[data-testid=composite]").inner_text().strip() == "79.75"
    _shot(phone, screenshot, "scorecard-detail-phone")
    card = Scorecard.objects.get(engineer__username="engineer", year=2026, quarter=1)
    assert card.below_standard and card.flag_notified_at is not None
    phone.goto(f"{demo_site}/kpi/scorecards/scheme/DEMO-DESKTOP/")
    _shot(phone, screenshot, "scorecard-scheme-phone")

    # The desktop view in Chinese: the quarter's table with the flagged row in red.
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    desk = context.new_page()
    log_in(desk, demo_site, "pm")
    desk.goto(f"{demo_site}/kpi/scorecards/?contract=DEMO-DESKTOP&quarter=2026-Q1")
    assert desk.locator("[data-testid=scorecard-row][data-below='1']").count() == 1
    _shot(desk, screenshot, "scorecards-list")
    desk.goto(f"{demo_site}/kpi/scorecards/{card.pk}/")
    _shot(desk, screenshot, "scorecard-detail")
    context.close()

    phone.context.clear_cookies()
    log_in(phone, demo_site, "engineer")
    phone.goto(f"{demo_site}/kpi/scorecards/mine/")
    assert phone.locator("[data-testid=scorecard-row][data-below='1']").count() == 1
    _shot(phone, screenshot, "scorecards-mine-phone")
    phone.goto(f"{demo_site}/kpi/scorecards/{card.pk}/")
    assert phone.locator("[data-testid=rating-form]").count() == 0
    assert "响应及时" in phone.content()
