"""Our own mail through a real SMTP server (an aiosmtpd sink): ticket mails carry the reply
token, the thread headers, Reply-To and Auto-Submitted; a line break in a subject injects no
header; internal notes never leave by mail, whatever event sends mail (issue 17.3, 17.6)."""

import pytest

from mailin import tokens
from mailin.services.intake import mail_process
from notifications.models import InAppNotification, Notification
from notifications.services import notifications_sweep
from tests.mailin.mails import mail
from tickets.models import Ticket
from tickets.services import (
    ticket_accept,
    ticket_comment,
    ticket_dispatch,
    ticket_escalate,
    ticket_merge,
    ticket_reopen,
    ticket_resolve,
)

pytestmark = [pytest.mark.mailserver, pytest.mark.django_db]
MARKER = "INTERNAL-7f3a9-机密"


def _texts(message) -> str:
    """Everything a reader could see: every header and every decoded part."""
    parts = [f"{key}: {value}" for key, value in message.items()]
    for part in message.walk():
        if not part.is_multipart():
            parts.append(part.get_content() if part.get_content_maintype() == "text"
                         else repr(part.get_payload(decode=True)))
    return "\n".join(parts)


def test_a_line_break_in_a_subject_injects_no_header(demo, mailbox, smtp_sink, settings):
    settings.MAILIN_REPLY_TO = "desk@huaxin.example"
    raw = mail(sender="user@mingyuan.example",
               subject="=?utf-8?B?5omT5Y2w5py6DQpCY2M6IGV2aWxAYXR0YWNrZXIuZXhhbXBsZQ==?=")
    outcome = mail_process(mailbox=mailbox, raw=raw)  # subject: "打印机\r\nBcc: evil@…"
    ticket = outcome.ticket
    ticket.title = "打印机\r\nBcc: evil@attacker.example\r\nX-Injected: yes"
    ticket.save(update_fields=["title"])
    ticket_accept(actor=demo["desk"], ticket=ticket)
    assert notifications_sweep() >= 2
    assert smtp_sink.messages
    for message in smtp_sink.messages:
        assert message["Bcc"] is None and message["X-Injected"] is None
        assert "\n" not in str(message["Subject"])
    for raw_message in smtp_sink.raw:
        # The header block as it went over the wire: no header line of the attacker's.
        head = raw_message.split(b"\r\n\r\n", 1)[0]
        names = [line.split(b":", 1)[0].lower() for line in head.split(b"\r\n")
                 if line and not line[:1].isspace()]
        assert b"bcc" not in names and b"x-injected" not in names


def test_ticket_mails_carry_the_token_and_the_thread_headers(demo, mailbox, smtp_sink,
                                                              settings):
    settings.MAILIN_REPLY_TO = "desk@huaxin.example"
    ticket = mail_process(mailbox=mailbox, raw=mail(sender="user@mingyuan.example",
                                                    subject="耳机没声音")).ticket
    ticket_accept(actor=demo["desk"], ticket=ticket)
    notifications_sweep()
    to_requester = [m for m in smtp_sink.messages if m["To"] == "user@mingyuan.example"
                    and ticket.number in m["Subject"]]
    assert len(to_requester) == 2  # "now ticket N", then "accepted"
    for message in to_requester:
        assert tokens.subject_tag(ticket.number) in message["Subject"]
        assert message["Auto-Submitted"] == "auto-generated"
        assert message["References"] == message["In-Reply-To"] == tokens.thread_id(
            ticket.number)
        assert message["Reply-To"] == tokens.reply_address(ticket.number)
        assert tokens.found_token(message["Subject"], message["Reply-To"]) == ticket.number
    # The bell shows the plain subject, without the token.
    bell = InAppNotification.objects.get(event="ticket.accepted", recipient=demo["user"],
                                         title__contains=ticket.number)
    assert tokens.subject_tag(ticket.number) not in bell.title


def test_internal_notes_never_leave_by_mail(demo, mailbox, smtp_sink):
    """Every event that mails someone, with an internal note on the ticket the whole time:
    no outgoing message contains the note's marker, in any header or part."""
    desk, user = demo["desk"], demo["user"]
    ticket = mail_process(mailbox=mailbox, raw=mail(sender="user@mingyuan.example",
                                                    subject="服务器宕机")).ticket  # received
    ticket_comment(actor=desk, ticket=ticket, body=f"客户欠费，先别处理 {MARKER}",
                   internal=True)
    ticket.priority = 2
    ticket.save(update_fields=["priority"])
    ticket_accept(actor=desk, ticket=ticket, note=f"受理 {MARKER}"[:0])      # accepted
    ticket_dispatch(actor=desk, ticket=ticket, assignee=demo["engineer"])    # assigned
    ticket_comment(actor=desk, ticket=ticket, body="请提供截图")               # reply → user
    ticket_comment(actor=user, ticket=ticket, body="截图已发")                 # reply → engineer
    ticket_escalate(actor=desk, ticket=ticket, target="project_manager",
                    note="客户要求升级")                                         # escalated
    ticket = Ticket.objects.get(pk=ticket.pk)
    ticket_resolve(actor=demo["engineer"], ticket=ticket, code="fixed", notes="已重启")
    ticket_reopen(actor=user, ticket=Ticket.objects.get(pk=ticket.pk), reason="又宕机了")
    duplicate = mail_process(mailbox=mailbox, raw=mail(sender="user@mingyuan.example",
                                                       subject="服务器又宕机")).ticket
    ticket_comment(actor=desk, ticket=duplicate, body=f"重复 {MARKER}", internal=True)
    ticket_merge(actor=desk, ticket=duplicate, into=Ticket.objects.get(pk=ticket.pk))
    notifications_sweep()
    events = set(Notification.objects.filter(status="sent").values_list("event", flat=True))
    assert {"ticket.received", "ticket.accepted", "ticket.assigned", "ticket.reply",
            "ticket.escalated", "ticket.resolved", "ticket.reopened", "ticket.merged"} <= events
    assert len(smtp_sink.raw) == Notification.objects.filter(status="sent").count() >= 8
    for raw, message in zip(smtp_sink.raw, smtp_sink.messages, strict=True):
        assert MARKER.encode() not in raw
        assert MARKER not in _texts(message)
