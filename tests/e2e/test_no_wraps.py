"""Measured in the browser: no ticket number, complaint number, date or one-word heading is
broken over two lines (2026-/002090, 优先/级) on a phone or a desktop, in Chinese or English, and
the English menu of every role is one row at 1280 px. The template-level twin is
tests/test_rendered_words.py."""

import pytest

from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e

# Every text match of a ticket number, complaint number, date or short date-time that the
# browser lays out on more than one line (a Range over it has one rect per line).
BROKEN_TOKENS = r"""() => {
  const token = /(?:[A-Z]{2}-)?\d{4}-\d{6}|\d{4}-\d{2}-\d{2}|\d{2}-\d{2} \d{2}:\d{2}/g;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const broken = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest("script, style, option") || !parent.offsetParent) continue;
    for (const m of node.textContent.matchAll(token)) {
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const rows = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
      if (rows.size > 1) broken.push(m[0] + " in <" + parent.tagName.toLowerCase() + ">");
    }
  }
  // A short heading of one word (优先级, Complainant) is not broken either.
  for (const head of document.querySelectorAll("th, dt")) {
    const text = head.textContent.trim();
    if (!text || /\s/.test(text) || text.length > 12 || !head.offsetParent) continue;
    const range = document.createRange();
    range.selectNodeContents(head);
    const rows = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
    if (rows.size > 1) broken.push(text + " in <" + head.tagName.toLowerCase() + ">");
  }
  return broken;
}"""
# The top of every menu entry, the brand and the user's buttons: one row means one value.
MENU_ROWS = r"""() => {
  const items = document.querySelectorAll(".navbar-brand, .navbar-nav > .nav-item, "
    + "[data-testid=language-switch], [data-testid=current-user]");
  const bar = document.querySelector("nav.navbar .container-fluid");
  return {rows: new Set([...items].map(e => Math.round(e.getBoundingClientRect().top / 8))).size,
          overflow: bar.scrollWidth - bar.clientWidth};
}"""


def _complaint():
    from accounts.models import User
    from sla.models import Contract
    from surveys.services.complaints import complaint_register

    return complaint_register(actor=User.objects.get(username="desk"),
                              contract=Contract.objects.get(code="DEMO-DESKTOP"),
                              channel="phone", complainant_name="吴芳",
                              description="维修人员迟到。")


def _pages(demo_site):
    from tickets.models import Ticket

    ticket = Ticket.objects.filter(contract__code="DEMO-DESKTOP").order_by("pk").first()
    complaint = _complaint()
    return ["/tickets/queue/", f"/tickets/{ticket.number}/", "/complaints/",
            f"/complaints/{complaint.number}/", "/contracts/", "/contracts/DEMO-DESKTOP/",
            "/sla/board/", "/manage/"]


@pytest.mark.parametrize(("width", "language"), [(390, "zh-hans"), (390, "en"),
                                                 (1280, "zh-hans"), (1280, "en")])
def test_numbers_and_dates_are_never_broken_over_two_lines(browser, demo_site, width, language,
                                                          screenshot):
    context = browser.new_context(viewport={"width": width, "height": 900},
                                  is_mobile=width < 600, has_touch=width < 600)
    context.add_cookies([{"name": "itsm_language", "value": language, "url": demo_site}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        log_in(page, demo_site, "pm")
        broken = {}
        for path in _pages(demo_site):
            page.goto(demo_site + path)
            found = page.evaluate(BROKEN_TOKENS)
            if found:
                broken[path] = found
                screenshot(page, f"wrapped-{width}-{language}-{path.strip('/').replace('/', '-')}")
        assert not broken, broken
    finally:
        context.close()


def test_the_english_menu_of_every_role_is_one_row_at_1280px(browser, demo_site):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.add_cookies([{"name": "itsm_language", "value": "en", "url": demo_site}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        for username in ("admin", "pm", "desk", "client", "engineer2", "user"):
            log_in(page, demo_site, username)
            assert page.locator("html").get_attribute("lang") == "en"
            menu = page.evaluate(MENU_ROWS)
            assert menu == {"rows": 1, "overflow": 0}, (username, menu)
            page.click("text=Log out")
            page.wait_for_url(f"{demo_site}/login/")
    finally:
        context.close()
