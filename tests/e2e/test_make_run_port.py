"""`PORT=… make run` as a newcomer runs it: a ticket resolved in the browser sends the requester a
survey e-mail (written by the worker into var/mail/) whose link opens on that port.

The port is a free one rather than a fixed 8123, which might be taken; the mechanism is the same:
PORT → SITE_URL of the web server and the worker → links."""

import email
import email.policy
import re
import shutil
import time

import pytest

from tests.e2e.conftest import log_in
from tests.make_run import MakeRun, free_port

pytestmark = [pytest.mark.e2e, pytest.mark.slow,
              pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")]

TITLE = "三楼财务部打印机频繁卡纸"  # the demo's submitted desktop ticket of `user`


def _mails(mail_dir) -> list[tuple[str, str]]:
    """(subject, plain-text body) of every e-mail written so far."""
    mails = []
    for path in sorted(mail_dir.glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        mails.append((message["Subject"], message.get_body(("plain",)).get_content()))
    return mails


def _survey_mail(mail_dir, number: str, timeout=90) -> str:
    """The body of the survey e-mail about ticket `number`, once the worker has written it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for subject, body in _mails(mail_dir):
            if number in subject and re.search(r"/s/[\w-]+", body):
                return body
        time.sleep(0.5)
    raise AssertionError(f"no survey e-mail about {number} in {mail_dir} after {timeout} s")


def test_the_survey_link_in_the_mail_opens_on_the_port_make_run_serves(
        browser, page, tmp_path, screenshot):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with MakeRun(tmp_path, port) as run:
        assert f"ITSM portal: {base}/" in run.output

        # The engineer claims the requester's printer ticket and resolves it.
        log_in(page, base, "engineer")
        page.goto(f"{base}/tickets/queue/?view=unassigned")
        page.locator("tr", has_text=TITLE).locator("a").first.click()
        number = page.locator("[data-testid=ticket-title] .text-muted").inner_text()
        page.click("[data-testid=do-claim]")
        page.click("details[data-action=resolve] summary")
        page.select_option("#id_resolve_code", "replaced")
        page.fill("#id_resolve_notes", "更换了搓纸轮")
        page.click("[data-testid=do-resolve]")
        page.wait_for_selector("[data-testid=resolution]")

        # The worker writes the requester's survey e-mail into var/mail/; its link is on `port`.
        body = _survey_mail(tmp_path / "mail", number)
        link = re.search(r"https?://\S+/s/[\w-]+/?", body).group(0)
        assert link.startswith(f"{base}/s/"), body
        # So do the links of every other mail so far (the demo's, the acceptance notice…).
        links = [link for _subject, text in _mails(tmp_path / "mail")
                 for link in re.findall(r"https?://\S+", text)]
        assert links and all(link.startswith(f"{base}/") for link in links), links

        # Opened from the mail, without logging in, it shows the survey of that ticket.
        context = browser.new_context(locale="zh-CN")
        survey = context.new_page()
        survey.goto(link)
        assert number in survey.locator("[data-testid=survey-ticket]").inner_text()
        screenshot(survey, "make-run-survey-from-mail")
        context.close()

    assert "Stopped." in run.output
