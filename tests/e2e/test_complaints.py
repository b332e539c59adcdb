"""The complaints register in a real browser: a phone complaint written down later, its
deadlines across National Day, the answer, the handling opinion and the printable form."""

import pytest

from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e


def test_desk_registers_answers_resolves_and_prints(page, demo_site, screenshot):
    # Browser tests run on a flushed database: enter 2025's official holidays again, as an
    # installation has them from its migrations.
    from sla.holidays import calendar_days_clear, load_china_holidays

    load_china_holidays(years=[2025])
    calendar_days_clear()
    log_in(page, demo_site, "desk")
    page.goto(f"{demo_site}/complaints/new/")
    page.select_option("#id_contract", "DEMO-DESKTOP")
    page.select_option("#id_channel", "phone")
    page.fill("#id_received_at", "2025-09-30T10:00")
    page.fill("#id_complainant_name", "吴芳")
    page.fill("#id_complainant_phone", "13900000002")
    page.fill("#id_description", "打印机报修三次仍未修好。")
    page.click("[data-testid=submit-complaint]")
    page.wait_for_selector("[data-testid=complaint-number]")
    # Answer within 24 h of receipt; the solution by the 7th working day after National Day.
    assert page.locator("[data-testid=answer-due]").inner_text().startswith("2025-10-01 10:00")
    assert page.locator("[data-testid=resolution-due]").inner_text().startswith("2025-10-16")
    number = page.locator("[data-testid=complaint-number]").inner_text()

    page.fill("[data-testid=answer-form] textarea", "已致电致歉，安排今日上门。")
    page.click("[data-testid=answer-form] button[type=submit]")
    page.wait_for_selector("[data-testid=answer]")
    page.fill("[data-testid=resolve-form] textarea", "更换搓纸轮后恢复正常，回访用户满意。")
    page.click("[data-testid=resolve-form] button[type=submit]")
    page.wait_for_selector("[data-testid=handling-opinion]")
    screenshot(page, "complaint-detail")

    page.click("[data-testid=print-link]")
    page.wait_for_load_state()
    text = page.locator("body").inner_text()
    assert number in text and "更换搓纸轮后恢复正常" in text and "吴芳" in text
    assert page.pdf(format="A4").startswith(b"%PDF")
    screenshot(page, "complaint-print")
