"""Acceptance (issue 18): an end user starts typing 打印机卡纸 on the portal form, sees the
article, clicks "this solved it": no ticket is filed, and the KPI deflection count of their
contract goes up by one."""

import pytest

from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e


def test_an_end_user_is_deflected_by_an_article(demo_site, browser, page, screenshot):
    from knowledge.models import Deflection
    from tickets.models import Ticket

    tickets = Ticket.objects.count()
    deflected = Deflection.objects.filter(contract__code="DEMO-DESKTOP").count()

    log_in(page, demo_site, "user")
    page.goto(f"{demo_site}/tickets/new/")
    page.locator("#id_title").press_sequentially("打印机卡纸", delay=60)
    suggestion = page.locator("[data-testid=kb-suggestion]").first
    suggestion.wait_for()
    assert "打印机卡纸的处理方法" in suggestion.inner_text()
    suggestion.locator("[data-testid=kb-solved]").click()
    page.wait_for_selector("[data-testid=kb-solved-done]")
    screenshot(page, "knowledge-deflected")

    assert Ticket.objects.count() == tickets
    assert Deflection.objects.filter(contract__code="DEMO-DESKTOP").count() == deflected + 1

    # The KPI: the project manager reads one more deflection for the contract.
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 800})
    manager = context.new_page()
    log_in(manager, demo_site, "pm")
    manager.goto(f"{demo_site}/kb/deflection/")
    assert manager.inner_text("[data-testid=kb-deflected-DEMO-DESKTOP]").strip() == \
        str(deflected + 1)
    context.close()
