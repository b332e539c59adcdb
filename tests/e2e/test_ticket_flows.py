"""The two flows the desk runs all day, in a real browser."""

import pytest

from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e


def open_action(page, name):
    page.click(f"details[data-action={name}] summary")


def test_portal_fault_to_closed(browser, phone, page, demo_site, screenshot):
    # The end user files on a phone.
    log_in(phone, demo_site, "user")
    phone.click("[data-testid=report-fault]")
    phone.select_option("#id_service_type", "hardware")
    phone.fill("#id_title", "显示器闪烁")
    phone.fill("#id_description", "打开电脑后显示器一直闪")
    phone.fill("#id_location", "302 室 5 号工位")
    screenshot(phone, "flow-portal-form")
    phone.click("[data-testid=submit-ticket]")
    phone.wait_for_selector("[data-testid=ticket-title]")
    number = phone.locator("[data-testid=ticket-title] .text-muted").inner_text()
    assert phone.locator("[data-testid=status]").inner_text() == "已提交"

    # The desk dispatches it to the engineer.
    log_in(page, demo_site, "desk")
    page.goto(f"{demo_site}/tickets/queue/?view=unassigned")
    page.click(f"text={number}")
    open_action(page, "dispatch")
    page.select_option("#id_dispatch_assignee", label="刘强")
    page.click("[data-testid=do-dispatch]")
    assert page.locator("[data-testid=status]").inner_text() == "已派工"

    # The engineer accepts, checks in and resolves.
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    engineer = context.new_page()
    log_in(engineer, demo_site, "engineer")
    engineer.goto(f"{demo_site}/tickets/{number}/")
    engineer.click("[data-testid=do-accept]")
    assert engineer.locator("[data-testid=status]").inner_text() == "已受理"
    engineer.click("[data-testid=do-check_in]")
    assert engineer.locator("[data-testid=status]").inner_text() == "已到场"
    open_action(engineer, "resolve")
    engineer.select_option("#id_resolve_code", "replaced")
    engineer.fill("#id_resolve_notes", "更换了显示器信号线")
    engineer.fill("#id_resolve_time_spent_minutes", "30")
    engineer.click("[data-testid=do-resolve]")
    assert engineer.locator("[data-testid=status]").inner_text() == "已解决"
    screenshot(engineer, "flow-engineer-resolved")
    context.close()

    # The end user confirms: closed.
    phone.reload()
    assert "更换了显示器信号线" in phone.locator("[data-testid=resolution]").inner_text()
    phone.click("[data-testid=do-confirm]")
    assert phone.locator("[data-testid=status]").inner_text() == "已关闭"
    events = phone.locator("[data-testid=event]").all_inner_texts()
    assert events[0] == "提交工单" and events[-1] == "用户确认解决，工单关闭"
    screenshot(phone, "flow-closed")


def test_phone_call_resolved_at_the_desk(page, demo_site, screenshot):
    log_in(page, demo_site, "desk")
    page.goto(f"{demo_site}/tickets/log-call/")
    page.fill("[data-testid=caller-q]", "郑浩")
    page.click("[data-testid=caller-results] >> text=郑浩")
    page.wait_for_selector("[data-testid=chosen-caller]")
    page.select_option("#id_priority", "4")
    page.select_option("#id_service_type", "software")
    page.fill("#id_title", "邮箱密码忘记")
    page.check("#id_outcome_1")  # the "resolved on the phone" outcome
    page.select_option("#id_resolution_code", "advice")
    page.fill("#id_resolution_notes", "电话指导用户通过自助门户重置密码")
    screenshot(page, "flow-log-call")
    page.click("[data-testid=submit-call]")
    page.wait_for_selector("[data-testid=ticket-title]")
    assert page.locator("[data-testid=status]").inner_text() == "已解决"
    assert page.locator("text=服务台一线解决").first.is_visible()
    facts = page.locator("[data-testid=ticket-facts]").inner_text()
    assert "郑浩" in facts and "电话" in facts
    screenshot(page, "flow-first-line")
