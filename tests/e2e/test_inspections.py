"""An engineer inspects on a phone: a failed item opens a ticket on the asset."""

from pathlib import Path

import pytest

from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e
SHOT = Path("/tmp/shots/inspection_record.png")


def test_a_failed_item_opens_a_ticket_on_the_asset(phone, demo_site):
    log_in(phone, demo_site, "engineer")
    phone.goto(f"{demo_site}/inspections/")
    phone.click("[data-testid=round]:has-text('打印机月度巡检')")
    phone.click("[data-testid=record]:has-text('MY-PR-0301')")
    phone.wait_for_selector("[data-testid=record-form]")

    items = phone.locator("[data-testid=item]")
    assert items.count() == 3
    for index in range(items.count()):
        item = items.nth(index)
        item_id = item.get_attribute("data-item")
        outcome = "fail" if index == 1 else "pass"
        item.locator(f"[data-testid=result-{item_id}-{outcome}]").click()
    items.nth(1).locator("input[name^=note_]").fill("耗材不足，硒鼓需更换")
    phone.fill("#id_notes", "其余正常")
    SHOT.parent.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(SHOT), full_page=True)
    phone.click("[data-testid=submit-record]")

    phone.wait_for_selector("[data-testid=finding-ticket]")
    outcome = phone.locator("[data-testid=record-outcome]")
    assert outcome.get_attribute("data-outcome") == "failed"
    number = phone.locator("[data-testid=finding-ticket]").inner_text().strip()
    assert number
    phone.click("[data-testid=finding-ticket]")
    phone.wait_for_selector("[data-testid=ticket-title]")
    assert number in phone.locator("[data-testid=ticket-title]").inner_text()
    assert "MY-PR-0301" in phone.locator("[data-testid=ticket-asset]").inner_text()
