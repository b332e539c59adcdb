"""Report periods are picked, not typed; the scorecard pages say when scores appear (issue 15,
point 13). Dates come from the clock, so the tests hold on any day."""

from __future__ import annotations

from datetime import timedelta

from core.clock import now
from core.periods import Quarter


def test_it_offers_last_month_selected_in_the_period_picker(demo, login):
    page = login(demo["pm"]).get("/kpi/reports/").content.decode()
    last_month = now().date().replace(day=1) - timedelta(days=1)
    assert 'data-testid="period-picker"' in page
    assert f'<option value="{last_month:%Y-%m}" selected>' in page
    current = Quarter.current()
    assert f'value="{current.year}Q{current.quarter}"' in page
    assert 'name="period" id="g-period" required placeholder' not in page


def test_a_picked_quarter_generates_the_quarterly_review(demo, login):
    current = Quarter.current()
    response = login(demo["pm"]).post("/kpi/reports/generate/", {
        "contract": "DEMO-DESKTOP", "kind": "quarterly",
        "period": f"{current.year}Q{current.quarter}"})
    assert response.status_code == 302
    assert "kind=quarterly" in response["Location"]


def test_the_scorecard_page_says_when_scores_appear(demo, login):
    page = login(demo["pm"]).get("/kpi/scorecards/?contract=DEMO-DESKTOP").content.decode()
    assert 'data-testid="scores-when"' in page
    assert Quarter.current().next().start.isoformat() in page
