"""The desk's received-mail pages in Chromium (issue 17.5): axe finds no WCAG 2.1 AA violation
on the queue and on a held mail with its headers shown, no Content-Security-Policy violation is
logged, and confirming the sender files the ticket."""

from __future__ import annotations

import pytest

from mailin.models import Mailbox
from mailin.services.intake import mail_process
from sla.models import Contract
from tests.e2e.conftest import log_in
from tests.e2e.test_accessibility import run_axe
from tests.mailin.mails import mail
from tickets.models import ServiceType, Ticket

pytestmark = pytest.mark.e2e


def test_the_mail_pages_are_accessible_and_confirming_files_a_ticket(page, demo_site):
    mailbox = Mailbox.objects.create(contract=Contract.objects.get(code="DEMO-DESKTOP"),
                                     service_type=ServiceType.objects.filter(active=True).first())
    message = mail_process(mailbox=mailbox, raw=mail(
        sender="newcomer@elsewhere.example", subject="新同事的电脑开不了机",
        html="<p>电脑<b>开不了机</b><script>alert(1)</script></p>")).message
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text)
            if "Content Security Policy" in m.text else None)
    log_in(page, demo_site, "desk")
    failures = {}
    for path in ("/mail/", f"/mail/{message.pk}/?headers=1"):
        page.goto(f"{demo_site}{path}")
        page.wait_for_load_state("networkidle")
        found = run_axe(page)
        if found:
            failures[path] = found
    assert not failures, failures
    page.select_option("#id_requester", label="吴芳 <user@mingyuan.example>")
    page.click("[data-testid=mail-confirm]")
    page.wait_for_selector("[data-testid=home-title], h1")
    ticket = Ticket.objects.get(title="新同事的电脑开不了机")
    assert page.url.endswith(f"/tickets/{ticket.number}/")
    assert not violations, violations
