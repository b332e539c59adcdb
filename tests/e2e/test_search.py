"""Global search in a real browser (issue 15): the desk finds a ticket by a word that is only
in its description, in Chinese and English, and by part of its number, from the navbar box with
the keyboard; an end user searches their own tickets and never sees another's."""

import pytest

from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e


def _file(requester_name, title, description):
    from accounts.models import User
    from sla.models import Contract
    from tickets.models import ServiceType
    from tickets.services import ticket_create

    requester = User.objects.get(username=requester_name)
    return ticket_create(actor=requester, contract=Contract.objects.get(code="DEMO-DESKTOP"),
                         service_type=ServiceType.objects.get(code="hardware"), title=title,
                         description=description)


def _dropdown_search(page, term):
    page.keyboard.press("Escape")
    page.locator("body").click(position={"x": 5, "y": 300})
    page.keyboard.press("/")  # focuses the navbar box
    assert page.evaluate("document.activeElement.id") == "nav-search-q"
    page.keyboard.type(term)
    page.wait_for_selector("[data-testid=search-dropdown] [data-testid=search-option]")


def test_desk_finds_tickets_from_the_navbar(page, demo_site, screenshot):
    ticket = _file("user", "台式机无法开机",
                   "按下电源键后指示灯不亮，风扇不转。Power button does nothing.")
    log_in(page, demo_site, "desk")

    # Chinese, only in the description: ↓ then Enter opens the ticket.
    _dropdown_search(page, "电源键")
    option = page.locator("[data-testid=search-option]", has_text=ticket.number)
    assert option.count() == 1
    screenshot(page, "search-dropdown")
    page.locator("#nav-search-q").press("ArrowDown")
    assert page.evaluate("document.activeElement.getAttribute('role')") == "option"
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/tickets/{ticket.number}/")

    # English, only in the description: the search page marks the word in the snippet.
    page.goto(f"{demo_site}/search/?q=button")
    group = page.locator("[data-testid=search-group-ticket]")
    assert ticket.number in group.inner_text()
    assert group.locator("mark", has_text="button").count() >= 1
    screenshot(page, "search-page")

    # Part of the number.
    page.goto(f"{demo_site}/tickets/queue/")
    _dropdown_search(page, ticket.number[-6:])
    assert page.locator("[data-testid=search-option]", has_text=ticket.number).count() == 1


def test_end_user_searches_only_their_own_tickets(browser, phone, page, demo_site, screenshot):
    mine = _file("user", "笔记本无法开机", "电源键按了没反应")
    theirs = _file("user2", "笔记本无法开机", "电源键按了没反应")

    log_in(phone, demo_site, "user")
    phone.goto(f"{demo_site}/tickets/mine/")
    phone.fill("[data-testid=mine-q]", "电源键")
    phone.locator("[data-testid=mine-q]").press("Enter")
    phone.wait_for_url("**q=*")
    text = phone.locator("main").inner_text()
    assert mine.number in text and theirs.number not in text
    screenshot(phone, "search-my-tickets-phone")

    log_in(page, demo_site, "user")
    page.goto(f"{demo_site}/search/?q=电源键")
    text = page.locator("main").inner_text()
    assert mine.number in text and theirs.number not in text
