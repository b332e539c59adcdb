"""Vendor repairs in a real browser: the desk sends the printer's device from the ticket page,
the repair shows its due dates, and the printable 设备送修单 opens (and prints to A4)."""

import pytest

from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e


def test_desk_sends_a_device_from_the_ticket_page_and_prints_the_form(page, demo_site,
                                                                     screenshot):
    from tickets.models import Ticket

    number = Ticket.objects.get(title="三楼财务部打印机频繁卡纸").number
    log_in(page, demo_site, "desk")
    page.goto(f"{demo_site}/tickets/{number}/")
    page.click("[data-testid=send-for-repair]")
    page.wait_for_selector("[data-testid=repair-new]")
    page.fill("#id_vendor", "惠普")
    page.select_option("#id_in_warranty", "1")
    page.fill("#id_rma_number", "RMA-2026-0042")
    page.fill("#id_fault", "定影器异响，卡纸。")
    page.check("#id_data_backed_up")
    page.click("[data-testid=repair-new] button[type=submit]")
    page.wait_for_selector("[data-testid=repair-status]")
    assert page.locator("[data-testid=return-due]").inner_text().strip()
    assert page.locator("[data-testid=progress-due]").inner_text().strip()
    screenshot(page, "vendor-repair-detail")

    with page.context.expect_page() as opened:
        page.click("[data-testid=repair-print]")
    form = opened.value
    form.wait_for_load_state()
    text = form.locator("body").inner_text()
    assert "RMA-2026-0042" in text and number in text
    assert form.locator("[data-testid=print-title]").is_visible()
    assert form.pdf(format="A4").startswith(b"%PDF")
    screenshot(form, "vendor-repair-print")

    # Back on the ticket, the repair is listed in its panel.
    page.goto(f"{demo_site}/tickets/{number}/")
    assert "惠普" in page.locator("[data-testid=ticket-repairs]").inner_text()


def test_the_repair_and_part_request_pages_pass_axe(page, demo_site):
    from tests.e2e.test_accessibility import run_axe
    from tickets.models import Ticket

    number = Ticket.objects.get(title="三楼财务部打印机频繁卡纸").number
    log_in(page, demo_site, "desk")
    page.goto(f"{demo_site}/tickets/{number}/part-requests/new/")
    page.select_option("#id_part", label="MEM-8G-DDR4 8 GB DDR4 内存条")
    page.click("[data-testid=part-request-new] button[type=submit]")
    page.wait_for_selector("[data-testid=ticket-repairs]")
    failures = {}
    for path in (f"/tickets/{number}/repairs/new/", f"/tickets/{number}/part-requests/new/",
                 "/repairs/", "/part-requests/"):
        page.goto(f"{demo_site}{path}")
        page.wait_for_load_state("networkidle")
        violations = run_axe(page)
        if violations:
            failures[path] = violations
    assert not failures, failures
