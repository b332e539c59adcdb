"""The queue's column chooser (issue 15.2) in Chromium: move a column with the keyboard-reachable
↑ button, hide one, apply, save the view with its columns; axe finds nothing on the way."""

import re

import pytest

from tests.e2e.conftest import log_in
from tests.e2e.test_accessibility import run_axe

pytestmark = pytest.mark.e2e


def _headers(page) -> list[str]:
    return page.eval_on_selector_all("[data-testid=ticket-table] thead th[data-column]",
                                     "els => els.map(e => e.dataset.column)")


def test_the_desk_chooses_orders_and_saves_columns(page, demo_site, screenshot):
    from tickets.models import SavedView  # noqa: PLC0415 - the live server's database is ready only here

    log_in(page, demo_site, "desk")
    page.goto(f"{demo_site}/tickets/queue/?view=open")
    assert _headers(page)[:3] == ["number", "title", "priority"]
    page.click("[data-testid=column-chooser] summary")
    assert not run_axe(page)
    site = page.locator("[data-column-item]", has=page.locator("#id_column_site"))
    page.check("#id_column_site")
    for _ in range(12):  # up to the top: the ↑ button works from the keyboard
        site.locator("[data-column-move=up]").focus()
        page.keyboard.press("Enter")
    page.uncheck("#id_column_title")
    screenshot(page, "queue-columns")
    page.click("[data-testid=column-apply]")
    page.wait_for_url(re.compile(r"columns=site"))
    headers = _headers(page)
    assert headers[0] == "site" and "title" not in headers and "number" in headers
    assert "view=open" in page.url
    page.click("details:has(#id_saved_view_name) summary")
    page.fill("#id_saved_view_name", "按地点")
    page.click("[data-testid=saved-view-form] button[type=submit]")
    page.wait_for_selector(".alert")
    view = SavedView.objects.get(owner__username="desk", name="按地点")
    assert view.columns[0] == "site" and "title" not in view.columns
    page.goto(f"{demo_site}/tickets/queue/")
    page.click(f"[data-testid=saved-view-{view.pk}]")
    page.wait_for_url(re.compile(r"columns=site"))
    assert _headers(page) == view.columns
