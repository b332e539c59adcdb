"""Issue 18 in a real browser (k18chg): two faults on one printer propose a problem; it gets a
root cause and a change; the client contact approves; the maintenance notice 48 h ahead shows
on the portal and goes out by mail; a notice for a window 24 h away is refused."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _log_out(page, base):
    page.context.clear_cookies()
    page.goto(f"{base}/login/")


def test_printer_faults_become_a_problem_fixed_by_an_approved_change(page, demo_site,
                                                                      screenshot):
    from accounts.models import User
    from core.clock import now
    from knowledge.models import Problem
    from notifications.models import Notification
    from tickets.models import Ticket
    from tickets.services import ticket_create

    user = User.objects.get(username="user")
    first = Ticket.objects.get(title="三楼财务部打印机频繁卡纸")
    ticket_create(actor=user, contract=first.contract, service_type=first.service_type,
                  category=first.category, title="财务部打印机又卡纸", requester=user,
                  asset=first.asset)
    problem = Problem.objects.get(proposal_key__startswith=f"asset:{first.asset_id}:")

    # The engineer accepts the proposal and records the root cause and the known error.
    log_in(page, demo_site, "engineer")
    page.goto(f"{demo_site}/problems/")
    page.click(f"tr[data-number='{problem.number}'] a")
    page.click("[data-testid=accept]")
    page.fill("#id_root_cause", "进纸辊老化，再生纸受潮。")
    page.fill("#id_known_error", "财务部打印机卡纸：更换进纸辊，纸张类型设为再生纸。")
    page.click("[data-testid=analysis-form] button[type=submit]")
    page.wait_for_selector("[data-testid=root-cause]:has-text('进纸辊老化')")

    # ... and requests the fixing change, with downtime, four days ahead.
    start = (now() + timedelta(days=4)).replace(hour=20, minute=0, second=0, microsecond=0)
    page.goto(f"{demo_site}/changes/new/")
    page.select_option("#id_contract", "DEMO-DESKTOP")
    page.fill("#id_title", "更换财务部打印机进纸辊")
    page.fill("#id_reason", f"消除问题 {problem.number} 的根本原因")
    page.fill("#id_config_before", "纸张类型：普通纸")
    page.fill("#id_config_after", "纸张类型：再生纸")
    page.fill("#id_window_start", _local(start))
    page.fill("#id_window_end", _local(start + timedelta(hours=1)))
    page.check("#id_downtime")
    page.click("[data-testid=change-form] button[type=submit]")
    page.click("[data-testid=submit]")
    change_number = page.locator("[data-testid=change-number]").inner_text()
    page.goto(f"{demo_site}/problems/{problem.number}/")
    page.select_option("#id_change", change_number)
    page.click("[data-testid=link-change-form] button[type=submit]")
    page.wait_for_selector(f"[data-testid=fix-change]:has-text('{change_number}')")

    # The PM and the client's contact approve.
    for who in ("pm", "client"):
        _log_out(page, demo_site)
        log_in(page, demo_site, who)
        if who == "client":
            page.click(f"[data-testid=awaiting-answer] a:has-text('{change_number}')")
        else:
            page.goto(f"{demo_site}/changes/{change_number}/")
        page.fill("[data-testid=answer-form] textarea", "同意")
        page.click("[data-testid=approve]")
    page.wait_for_selector("[data-testid=status][data-status=approved]")
    screenshot(page, "change-approved")

    # The PM publishes its notice (≥ 48 h ahead): banner on the portal, mail in the outbox.
    _log_out(page, demo_site)
    log_in(page, demo_site, "pm")
    page.goto(f"{demo_site}/changes/{change_number}/")
    page.click("[data-testid=publish-notice]")
    page.click("[data-testid=notice-form] button[type=submit]")
    page.wait_for_selector("[data-testid=notice-title]")
    title = page.locator("[data-testid=notice-title]").inner_text()
    assert Notification.objects.filter(event="notice", recipient=user, channel="email",
                                       subject__contains=title).exists()

    # A notice for a window 24 h away is refused, naming the start.
    soon = now() + timedelta(hours=24)
    page.goto(f"{demo_site}/notices/new/")
    page.select_option("#id_contract", "DEMO-DESKTOP")
    page.fill("#id_title", "临时断网")
    page.fill("#id_body", "交换机重启")
    page.fill("#id_starts_at", _local(soon))
    page.fill("#id_ends_at", _local(soon + timedelta(hours=1)))
    page.click("[data-testid=notice-form] button[type=submit]")
    error = page.locator("#id_starts_at ~ .invalid-feedback").inner_text()
    assert "48" in error

    _log_out(page, demo_site)
    log_in(page, demo_site, "user")
    banner = page.locator("[data-testid=notice-banner]", has_text=title)
    assert banner.count() == 1
    screenshot(page, "notice-banner")
