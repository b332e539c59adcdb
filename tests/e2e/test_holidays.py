"""Entering a holiday year in the browser: one paste, a preview of twelve months, one save."""

import pytest

from tests.e2e.conftest import log_in
from tests.sla.test_holiday_notice import NOTICE_2031

pytestmark = pytest.mark.e2e


def test_an_administrator_enters_a_year_with_one_paste(page, demo_site, screenshot):
    from sla.models import HolidayDay, HolidayYear

    log_in(page, demo_site, "admin")
    page.goto(f"{demo_site}/sla/holidays/enter/?year=2031")
    page.fill("#id_year", "2031")
    page.fill("#id_text", NOTICE_2031)
    page.click("[data-testid=holiday-preview]")
    page.wait_for_selector("[data-testid=holiday-festivals]")
    assert page.locator("td[data-day='2031-01-22']").get_attribute("data-kind") == "closed"
    assert page.locator("td[data-day='2031-01-19']").get_attribute("data-kind") == "makeup"
    assert page.locator("#id_text").input_value().strip() == NOTICE_2031.strip()
    screenshot(page, "holidays-preview")
    page.click("[data-testid=holiday-save]")
    page.wait_for_selector("[data-testid=holiday-stored-status]")
    assert "2031" in page.locator(".alert-success").inner_text()
    screenshot(page, "holidays-saved")
    assert HolidayYear.objects.filter(year=2031).exists()
    assert HolidayDay.objects.get(day="2031-10-01").name == "国庆节、中秋节"
