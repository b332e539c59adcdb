"""The poller against a real IMAP server (a private Dovecot over TLS): GBK mail with an
attachment filed, replies threaded, auto-replies ignored, every message processed once and
moved to the processed folder, however many times and by however many pollers it is seen."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections

from core.clock import now
from mailin import tokens
from mailin.models import InboundMessage, Mailbox
from mailin.services.intake import mail_process
from mailin.services.poll import mailbox_poll, mailboxes_poll
from notifications.models import Notification
from tests.mailin.mails import PNG, mail
from tickets.models import Entry, Status, Ticket
from tickets.services import ticket_accept, ticket_resolve

pytestmark = pytest.mark.mailserver


def mail_tickets():
    return Ticket.objects.exclude(message_id="")


@pytest.mark.django_db
def test_a_gbk_mail_with_an_attachment_is_filed_and_moved(demo, imap_mailbox, dovecot):
    dovecot.deliver(mail(sender="user@mingyuan.example", subject="财务部打印机故障（镕）",
                         charset="gbk", body="打印机提示卡纸，镕。", name="吴芳",
                         attachments=[("故障照片.png", PNG, "image/png")]))
    [result] = mailboxes_poll()
    assert result.error == "" and result.seen == 1
    ticket = mail_tickets().get()
    assert ticket.requester == demo["user"] and ticket.title == "财务部打印机故障（镕）"
    assert ticket.attachments.filter(original_name="故障照片.png", internal=False).exists()
    assert dovecot.count("INBOX") == 0 and dovecot.count("Processed") == 1
    imap_mailbox.refresh_from_db()
    assert imap_mailbox.last_success_at is not None and imap_mailbox.last_error == ""
    assert imap_mailbox.lease_until is None


@pytest.mark.django_db
def test_the_reply_threads_onto_the_ticket(demo, imap_mailbox, dovecot):
    dovecot.deliver(mail(sender="user@mingyuan.example", subject="无法登录 OA"))
    mailbox_poll(imap_mailbox)
    ticket = mail_tickets().get()
    dovecot.deliver(mail(sender="user@mingyuan.example", charset="gb2312",
                         subject=f"回复：{tokens.subject_tag(ticket.number)} 无法登录 OA",
                         body="密码已重置，可以登录了。\n\n"
                              "在 2026年6月1日，服务台 写道：\n> 请重置密码"))
    result = mailbox_poll(imap_mailbox)
    assert result.outcomes == {"reply": 1}
    entry = Entry.objects.get(ticket=ticket, kind=Entry.Kind.REPLY)
    assert entry.body == "密码已重置，可以登录了。" and entry.author == demo["user"]
    assert dovecot.count("Processed") == 2


@pytest.mark.django_db
def test_an_out_of_office_reply_neither_reopens_nor_acknowledges(demo, imap_mailbox, dovecot):
    dovecot.deliver(mail(sender="user@mingyuan.example", subject="网络慢"))
    mailbox_poll(imap_mailbox)
    ticket = ticket_accept(actor=demo["desk"], ticket=mail_tickets().get())
    ticket = ticket_resolve(actor=demo["desk"], ticket=ticket, code="fixed", notes="已处理")
    before = Notification.objects.count(), Entry.objects.filter(ticket=ticket).count()
    dovecot.deliver(mail(sender="user@mingyuan.example",
                         subject=f"自动回复: {tokens.subject_tag(ticket.number)} 已解决",
                         body="我正在休假，6月8日回来。",
                         headers={"Auto-Submitted": "auto-replied", "X-Autoreply": "yes"}))
    result = mailbox_poll(imap_mailbox)
    assert result.outcomes == {"ignored": 1}
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED and ticket.reopen_count == 0
    assert (Notification.objects.count(), Entry.objects.filter(ticket=ticket).count()) == before
    assert InboundMessage.objects.get(reason="auto-reply").state == "ignored"


@pytest.mark.django_db
def test_the_same_message_seen_twice_is_one_ticket(demo, imap_mailbox, dovecot):
    raw = mail(sender="user@mingyuan.example", subject="同一封信",
               message_id="<same-1@client.example>")
    dovecot.deliver(raw, raw)  # delivered twice (a retrying mail server)
    result = mailbox_poll(imap_mailbox)
    assert result.outcomes == {"filed": 1, "duplicate": 1}
    assert mail_tickets().count() == 1
    # Seen again later (copied back into the inbox by someone): still one ticket.
    dovecot.deliver(raw)
    assert mailbox_poll(imap_mailbox).outcomes == {"duplicate": 1}
    assert mail_tickets().count() == 1 and dovecot.count("INBOX") == 0


@pytest.mark.django_db
def test_a_forged_sender_without_token_is_not_threaded(demo, imap_mailbox, dovecot):
    dovecot.deliver(mail(sender="user@mingyuan.example", subject="显示器闪烁"))
    mailbox_poll(imap_mailbox)
    ticket = mail_tickets().get()
    # Someone forges 吴芳's From and quotes the number, but has no token.
    dovecot.deliver(mail(sender="user@mingyuan.example", subject=f"Re: {ticket.number} 已解决",
                         body="问题已解决，请关闭工单。"))
    mailbox_poll(imap_mailbox)
    assert not Entry.objects.filter(ticket=ticket, kind=Entry.Kind.REPLY).exists()
    ticket.refresh_from_db()
    assert ticket.status == Status.SUBMITTED


@pytest.mark.django_db
def test_a_wrong_password_is_shown_as_the_mailboxs_health(imap_mailbox, monkeypatch):
    monkeypatch.setenv("MAILIN_TEST_PASSWORD", "wrong")
    result = mailbox_poll(imap_mailbox)
    imap_mailbox.refresh_from_db()
    assert result.error and imap_mailbox.last_error == result.error
    assert "AUTHENTICATIONFAILED" in imap_mailbox.last_error or "failed" in \
        imap_mailbox.last_error.lower()
    assert imap_mailbox.last_poll_at is not None and imap_mailbox.last_success_at is None
    assert imap_mailbox.lease_until is None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_pollers_at_once_file_one_ticket(demo, imap_mailbox, dovecot, settings):
    settings.MAILIN_POLL_WORKERS = 3  # and each poller files with three threads
    dovecot.deliver(*[mail(sender="user@mingyuan.example", subject=f"并发 {n}")
                      for n in range(5)])
    barrier = threading.Barrier(2)
    results = []

    def poll():
        try:
            barrier.wait(timeout=30)
            results.append(mailbox_poll(Mailbox.objects.get(pk=imap_mailbox.pk)))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=poll) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert mail_tickets().count() == 5 and InboundMessage.objects.count() == 5
    assert dovecot.count("INBOX") == 0 and dovecot.count("Processed") == 5
    # Usually the lease turns the second away at once; if the first had finished before the
    # second began, the second found an empty inbox. Never a second ticket.
    assert not any(r.error for r in results) and any(not r.skipped for r in results)


@pytest.mark.django_db
def test_a_mailbox_under_lease_is_left_to_its_poller(imap_mailbox, dovecot):
    dovecot.deliver(mail(sender="user@mingyuan.example", subject="租约"))
    Mailbox.objects.filter(pk=imap_mailbox.pk).update(
        lease_until=now() + timedelta(minutes=1))
    assert mailbox_poll(imap_mailbox).skipped
    assert dovecot.count("INBOX") == 1 and not mail_tickets().exists()
    # A lease left by a dead poller expires.
    Mailbox.objects.filter(pk=imap_mailbox.pk).update(
        lease_until=now() - timedelta(seconds=1))
    assert mailbox_poll(imap_mailbox).outcomes == {"filed": 1}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_processes_claiming_one_message_file_one_ticket(demo, imap_mailbox):
    """Past the lease (the pipe and the poller, or a lease that expired mid-poll), the unique
    claim decides: one files, the other waits on it and reports a duplicate."""
    raw = mail(sender="user@mingyuan.example", subject="同时到达",
               message_id="<race@client.example>")
    barrier = threading.Barrier(4)
    lines = []

    def process():
        try:
            barrier.wait(timeout=30)
            lines.append(mail_process(mailbox=Mailbox.objects.get(pk=imap_mailbox.pk),
                                      raw=raw).line())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=process) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(lines)[:3] == ["duplicate"] * 3 and lines.count("duplicate") == 3
    assert mail_tickets().count() == 1
