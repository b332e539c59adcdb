import pytest

from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e

HOMES = {
    "admin": ("/system/", "系统管理"), "desk": ("/desk/", "服务台"),
    "engineer": ("/engineer/", "我的工作"), "engineer2": ("/engineer/", "我的工作"),
    "pm": ("/manage/", "管理概览"), "delivery": ("/manage/", "管理概览"),
    "gm": ("/manage/", "管理概览"), "client": ("/client/", "甲方概览"),
    "user": ("/portal/", "我的服务"), "user2": ("/portal/", "我的服务"),
}


def test_every_demo_login_lands_on_its_own_home(page, demo_site, screenshot):
    page.goto(f"{demo_site}/login/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator("[data-testid=demo-logins]").is_visible()
    screenshot(page, "login")
    for username, (path, title) in HOMES.items():
        log_in(page, demo_site, username)
        assert page.url == f"{demo_site}{path}", username
        assert page.locator("[data-testid=home-title]").inner_text() == title
        screenshot(page, f"home-{username}")
        page.click("text=退出")
        page.wait_for_url(f"{demo_site}/login/")


def test_a_wrong_password_shows_an_error_and_stays_on_the_login(page, demo_site):
    page.goto(f"{demo_site}/login/")
    page.fill("#id_username", "desk")
    page.fill("#id_password", "wrong")
    page.click("[data-testid=login-submit]")
    assert page.locator("[data-testid=login-error]").is_visible()
    assert page.url.startswith(f"{demo_site}/login/")


def test_the_language_switch_turns_the_portal_english_and_back(page, demo_site, screenshot):
    log_in(page, demo_site, "pm")
    page.click("button[value=en]")
    page.wait_for_selector("html[lang=en]")
    assert page.locator("[data-testid=home-title]").inner_text() == "Management overview"
    screenshot(page, "home-pm-en")
    page.click("a[href='/contracts/']")
    assert page.locator("h1").inner_text() == "Service contracts"
    page.click("button[value=zh-hans]")
    page.wait_for_selector("html[lang=zh-hans]")
    assert page.locator("h1").inner_text() == "服务合同"


def test_the_desk_finds_a_caller_as_it_types(page, demo_site):
    log_in(page, demo_site, "desk")
    page.fill("[data-testid=caller-search]", "郑")
    page.wait_for_selector("#caller-results >> text=郑浩")
    assert "13900000003" in page.locator("#caller-results").inner_text()


def test_it_works_on_a_phone_screen(phone, demo_site, screenshot):
    log_in(phone, demo_site, "engineer")
    toggler = phone.locator(".navbar-toggler")
    assert toggler.is_visible()
    assert not phone.locator("a.nav-link[href='/contracts/']").is_visible()
    toggler.click()
    phone.locator("a.nav-link[href='/contracts/']").wait_for(state="visible")
    screenshot(phone, "phone-engineer-menu")
    phone.click("a.nav-link[href='/contracts/']")
    phone.wait_for_url(f"{demo_site}/contracts/")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page is {width}px wide on a 390px screen"
    screenshot(phone, "phone-contracts")
