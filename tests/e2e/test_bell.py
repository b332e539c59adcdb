"""The bell (issue 15 acceptance): the desk assigns a ticket to the engineer; the engineer's
bell shows it within 30 s without a reload, and its link opens the ticket and marks it read."""

import re

import pytest

from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e


def _count(page) -> int:
    badge = page.locator("[data-testid=bell-count]")
    return int(badge.inner_text().rstrip("+")) if badge.count() else 0


def test_the_engineers_bell_shows_an_assignment(browser, page, demo_site, settings, screenshot):
    settings.LIVE_POLL_SECONDS = 2  # the page polls every 2 s here, 20 s by default
    engineer_context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    engineer = engineer_context.new_page()
    log_in(engineer, demo_site, "engineer")
    engineer.wait_for_timeout(1500)  # the bell's first load
    before = _count(engineer)

    log_in(page, demo_site, "desk")
    page.goto(f"{demo_site}/tickets/queue/?view=unassigned&contract=DEMO-DESKTOP")
    page.locator("[data-testid=ticket-table] tbody a").first.click()
    page.wait_for_selector("[data-testid=ticket-title]")
    number = page.locator("[data-testid=ticket-title] .text-muted").inner_text()
    page.click("details[data-action=dispatch] summary")
    page.select_option("#id_dispatch_assignee", label="刘强")
    page.click("[data-testid=do-dispatch]")
    page.wait_for_selector("[data-testid=status]")

    # No reload: the polled badge goes up within 30 s.
    engineer.wait_for_function(
        "n => { const b = document.querySelector('[data-testid=bell-count]');"
        " return b && parseInt(b.textContent) > n; }", arg=before, timeout=30_000)
    engineer.click("#bell-toggle")
    item = engineer.locator("[data-testid=bell-item]", has_text=number).first
    item.wait_for()
    screenshot(engineer, "bell-assignment")
    item.click()
    engineer.wait_for_url(re.compile(rf"/tickets/{re.escape(number)}/$"))
    engineer.wait_for_function(
        "n => { const b = document.querySelector('[data-testid=bell-count]');"
        " return (b ? parseInt(b.textContent) : 0) === n; }", arg=before, timeout=30_000)
    engineer_context.close()
