"""The KPI dashboard in a real browser: a manager reads the figures, changes the period and
drills down to the tickets behind a number; the client contact sees only their contract."""

from pathlib import Path

import pytest

from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e

SHOTS = Path("/tmp/shots")


def _data():
    from accounts.models import User
    from tests.kpi.test_dashboard import make_data

    return make_data({u.username: u for u in User.objects.all()})


def _shot(page, name, screenshot):
    screenshot(page, name)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_manager_reads_changes_period_and_drills_down(browser, demo_site, screenshot):
    data = _data()
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        log_in(page, demo_site, "pm")
        page.goto(f"{demo_site}/kpi/?contract=DEMO-DESKTOP&period=month&month=2026-06")
        assert page.locator("[data-testid=kpi-period]").inner_text() == "2026-06"
        assert page.locator("[data-testid=value-opened]").inner_text() == "5"
        assert page.locator("[data-testid=value-response]").inner_text() == "50.0 %"
        assert page.locator("[data-testid=card-response]").get_attribute("data-ok") == "0"
        # Not wait_for_function: it evals a string, which the Content-Security-Policy refuses.
        page.wait_for_load_state("load")
        assert page.locator("#kpi-volume").evaluate("canvas => canvas.width") > 0
        _shot(page, "kpi-dashboard-1280", screenshot)

        # The previous month: only the ticket filed on 31 May.
        page.click("[data-testid=period-previous]")
        page.wait_for_url("**month=2026-05**")
        assert page.locator("[data-testid=value-opened]").inner_text() == "1"
        # The period picker: the second quarter (April–June).
        page.select_option("[data-testid=period-kind]", "quarter")
        page.fill("#k-quarter", "2026-Q2")
        page.click("[data-testid=kpi-show]")
        page.wait_for_url("**quarter=2026-Q2**")
        assert page.locator("[data-testid=kpi-period]").inner_text() == "2026-Q2"
        assert page.locator("[data-testid=value-opened]").inner_text() == "6"

        # A number drills down to the tickets behind it.
        page.click("[data-testid=detail-response-2]")  # breached
        page.wait_for_selector("[data-testid=drill-heading]")
        assert page.locator("[data-testid=drill-total]").inner_text() == "2"
        numbers = page.locator("[data-testid=drill-rows] tbody tr[data-number]")
        assert numbers.count() == 2
        expected = {data["tickets"][1].number, data["tickets"][3].number}
        assert {numbers.nth(i).get_attribute("data-number") for i in range(2)} == expected
        _shot(page, "kpi-drilldown-1280", screenshot)
        page.locator("[data-testid=drill-rows] tbody a").first.click()
        page.wait_for_url("**/tickets/**")

        # The contract's targets: saved, and the change shows in the history.
        page.goto(f"{demo_site}/kpi/targets/DEMO-DESKTOP/")
        page.fill("#id_kpi-fault_resolution_rate", "97")
        page.click("[data-testid=targets-save]")
        page.wait_for_selector("[data-testid=targets-history] tbody tr")
        assert page.input_value("#id_kpi-fault_resolution_rate") in {"97", "97.00"}
        _shot(page, "kpi-targets-1280", screenshot)
    finally:
        context.close()


def test_dashboard_on_a_phone(phone, demo_site, screenshot):
    _data()
    log_in(phone, demo_site, "pm")
    phone.goto(f"{demo_site}/kpi/?contract=DEMO-DESKTOP&period=month&month=2026-06")
    assert phone.locator("[data-testid=value-opened]").inner_text() == "5"
    # Nothing wider than the screen: the cards stack, tables scroll inside their box.
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    _shot(phone, "kpi-dashboard-390", screenshot)


def test_client_contact_sees_only_their_contract(page, demo_site):
    log_in(page, demo_site, "client")
    page.goto(f"{demo_site}/kpi/")
    options = page.locator("[data-testid=contract-picker] option")
    assert [options.nth(i).get_attribute("value") for i in range(options.count())] == [
        "DEMO-DESKTOP"]
    assert "DEMO-SERVER" not in page.content()
    response = page.goto(f"{demo_site}/kpi/?contract=DEMO-SERVER")
    assert response.status == 404
    response = page.goto(f"{demo_site}/kpi/tickets/?contract=DEMO-SERVER&measure=opened")
    assert response.status == 404
