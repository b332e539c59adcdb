"""A received mail becomes a ticket, a reply, a held message or nothing (issue 17.2–17.4),
through the mail_in command, the MTA pipe's interface."""

import io

import pytest
from django.core.management import call_command

from mailin import tokens
from mailin.models import InboundMessage
from notifications.models import Notification
from tests.mailin.mails import PNG, mail
from tickets.models import Attachment, Channel, Entry, Ticket

pytestmark = pytest.mark.django_db


def mail_tickets():
    """Tickets filed from mail (the demo's own tickets have no Message-ID)."""
    return Ticket.objects.exclude(message_id="")


@pytest.fixture
def stdin(monkeypatch):
    def feed(raw: bytes):
        monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(raw)))
    return feed


def run(stdin, raw: bytes, contract: str = "DEMO-DESKTOP") -> str:
    stdin(raw)
    out = io.StringIO()
    call_command("mail_in", contract=contract, stdout=out)
    return out.getvalue().strip()


def test_a_gbk_mail_with_an_attachment_becomes_the_senders_ticket(demo, mailbox, stdin):
    raw = mail(sender="User@MingYuan.example", subject="打印机故障（镕）", charset="gb2312",
               body="三楼打印机卡纸，镕基大厦。", name="吴芳",
               attachments=[("截图.png", PNG, "image/png")])
    line = run(stdin, raw)
    ticket = mail_tickets().get()
    assert line == f"ticket {ticket.number} created"
    assert ticket.requester == demo["user"]
    assert ticket.channel == Channel.EMAIL == "email"
    assert ticket.title == "打印机故障（镕）"
    assert "镕基大厦" in ticket.description
    assert ticket.message_id.endswith("@client.example>")
    files = {a.original_name: a.internal for a in Attachment.objects.filter(ticket=ticket)}
    assert files == {"截图.png": False, f"{ticket.number}.eml": True}
    # The requester hears the number, in a mail a reply to which threads onto the ticket.
    ack = Notification.objects.get(event="ticket.received")
    assert tokens.subject_tag(ticket.number) in ack.subject
    assert ack.thread_id == tokens.thread_id(ticket.number)


def test_the_same_message_twice_is_one_ticket(mailbox, stdin):
    raw = mail(sender="user@mingyuan.example", subject="显示器不亮")
    assert run(stdin, raw).endswith("created")
    assert run(stdin, raw) == "duplicate"
    assert mail_tickets().count() == 1


def test_a_message_without_message_id_is_known_by_its_bytes(mailbox, stdin):
    raw = mail(sender="user@mingyuan.example", subject="键盘失灵", message_id=None)
    assert run(stdin, raw).endswith("created")
    assert run(stdin, raw) == "duplicate"
    assert InboundMessage.objects.get().message_id.startswith("sha256:")


@pytest.mark.parametrize("headers, subject, reason", [
    ({"Auto-Submitted": "auto-replied"}, "Re: 打印机", "auto-reply"),
    ({"X-Autoreply": "yes"}, "Re: 打印机", "auto-reply"),
    ({}, "自动回复：我正在休假", "auto-reply"),
    ({}, "Out of Office: back Monday", "auto-reply"),
    ({}, "Automatic reply: 打印机", "auto-reply"),
    ({"Precedence": "bulk"}, "Newsletter", "bulk"),
    ({"Precedence": "junk"}, "优惠", "bulk"),
])
def test_automatic_mail_is_ignored_without_ticket_or_acknowledgement(mailbox, stdin, headers,
                                                                      subject, reason):
    raw = mail(sender="user@mingyuan.example", subject=subject, headers=headers)
    before = Notification.objects.count()
    assert run(stdin, raw) == f"ignored: {reason}"
    assert not mail_tickets().exists()
    assert Notification.objects.count() == before


def test_auto_submitted_no_is_a_person_writing(mailbox, stdin):
    raw = mail(sender="user@mingyuan.example", subject="网络断了",
               headers={"Auto-Submitted": "no"})
    assert run(stdin, raw).endswith("created")


def test_a_delivery_report_is_ignored(mailbox, stdin):
    raw = (b"From: MAILER-DAEMON@mx.example\r\nTo: desk@huaxin.example\r\n"
           b"Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <dsn1@mx.example>\r\n"
           b"MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status;"
           b" boundary=b1\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\nfailed\r\n"
           b"--b1\r\nContent-Type: message/delivery-status\r\n\r\nStatus: 5.1.1\r\n--b1--\r\n")
    assert run(stdin, raw) == "ignored: bounce"
    assert not mail_tickets().exists()


def test_an_unknown_sender_is_held_for_the_desk(mailbox, stdin):
    raw = mail(sender="stranger@elsewhere.example", subject="帮我看看电脑")
    assert run(stdin, raw) == "held: unverified sender"
    assert not mail_tickets().exists()
    held = InboundMessage.objects.get()
    assert held.state == InboundMessage.State.HELD and held.reason == "unverified"


def test_a_reply_with_the_token_threads_and_its_quote_is_trimmed(demo, mailbox, stdin):
    run(stdin, mail(sender="user@mingyuan.example", subject="VPN 连不上"))
    ticket = mail_tickets().get()
    reply = mail(sender="user@mingyuan.example",
                 subject=f"回复：Your mail is now ticket {tokens.subject_tag(ticket.number)}",
                 body="重启后还是不行。\n\n------------------ 原始邮件 ------------------\n"
                      "发件人: 服务台\n旧的内容")
    assert run(stdin, reply) == f"reply added to {ticket.number}"
    entry = Entry.objects.filter(ticket=ticket, kind=Entry.Kind.REPLY).get()
    assert entry.author == demo["user"]
    assert entry.body == "重启后还是不行。"


def test_a_reply_by_the_plus_address_threads(demo, mailbox, stdin, settings):
    settings.MAILIN_REPLY_TO = "desk@huaxin.example"
    run(stdin, mail(sender="user@mingyuan.example", subject="邮箱满了"))
    ticket = mail_tickets().get()
    reply = mail(sender="user@mingyuan.example", subject="Re: 邮箱满了",
                 to=tokens.reply_address(ticket.number), body="已清理，谢谢")
    assert run(stdin, reply) == f"reply added to {ticket.number}"


def test_a_forged_sender_without_token_is_not_threaded_onto_their_ticket(demo, mailbox, stdin):
    run(stdin, mail(sender="user@mingyuan.example", subject="电脑蓝屏"))
    ticket = mail_tickets().get()
    forged = mail(sender="user@mingyuan.example", subject=f"Re: [#{ticket.number}] 电脑蓝屏",
                  body="请把工单关掉")
    # The bare number (no secret) is no token: the mail is new mail, never a reply.
    assert run(stdin, forged).endswith("created")
    assert not Entry.objects.filter(ticket=ticket, kind=Entry.Kind.REPLY).exists()
    wrong = mail(sender="user@mingyuan.example",
                 subject=f"Re: [#{ticket.number}-aaaaaaaa] 电脑蓝屏")
    assert run(stdin, wrong).endswith("created")
    assert not Entry.objects.filter(ticket=ticket, kind=Entry.Kind.REPLY).exists()


def test_a_reply_from_a_non_participant_waits_as_a_contribution(demo, mailbox, stdin):
    run(stdin, mail(sender="user@mingyuan.example", subject="投影仪"))
    ticket = mail_tickets().get()
    other = mail(sender="someone@elsewhere.example",
                 subject=f"Re: {tokens.subject_tag(ticket.number)}", body="我也遇到了")
    assert run(stdin, other) == f"held: pending contribution to {ticket.number}"
    assert not Entry.objects.filter(ticket=ticket, kind=Entry.Kind.REPLY).exists()
    assert InboundMessage.objects.get(state="contribution").ticket == ticket


def test_a_refused_attachment_is_noted_and_the_ticket_still_filed(mailbox, stdin):
    raw = mail(sender="user@mingyuan.example", subject="附件",
               attachments=[("invoice.pdf", b"MZ\x90\x00" + b"\x00" * 64, "application/pdf")])
    assert run(stdin, raw).endswith("created")
    ticket = mail_tickets().get()
    assert not ticket.attachments.filter(internal=False).exists()
    note = Entry.objects.get(ticket=ticket, kind=Entry.Kind.NOTE)
    assert "invoice.pdf" in note.body and note.internal


def test_html_mail_is_sanitised_to_text(mailbox, stdin):
    raw = mail(sender="user@mingyuan.example", subject="HTML", body="",
               html='<p style="color:red">第一行<script>alert(1)</script></p>'
                    '<img src="https://tracker.example/x.gif"><div>第二行</div>')
    run(stdin, raw)
    ticket = mail_tickets().get()
    assert "第一行" in ticket.description and "第二行" in ticket.description
    assert "alert" not in ticket.description and "<" not in ticket.description


def test_oversized_mail_is_refused_with_a_notice(demo, mailbox, stdin, settings):
    settings.MAILIN_MAX_BYTES = 2000
    raw = mail(sender="user@mingyuan.example", subject="大附件",
               attachments=[("big.png", PNG + b"\x00" * 5000, "image/png")])
    assert run(stdin, raw) == "refused: too-large"
    assert not mail_tickets().exists()
    notice = Notification.objects.get(event="mailin.too_large")
    assert notice.recipient == demo["user"]
    assert len(InboundMessage.objects.get().raw) < 2000


def test_a_sender_over_the_hourly_limit_is_ignored(mailbox, stdin, settings):
    settings.MAILIN_RATE_LIMIT_PER_HOUR = 2
    lines = [run(stdin, mail(sender="user@mingyuan.example", subject=f"第{n}封"))
             for n in range(3)]
    assert lines[2] == "ignored: rate-limit"
    assert mail_tickets().count() == 2


def test_a_contract_without_mailbox_is_an_error(demo, stdin):
    stdin(mail(sender="user@mingyuan.example", subject="x"))
    with pytest.raises(Exception, match="no active mailbox"):
        call_command("mail_in", contract="DEMO-DESKTOP", stdout=io.StringIO())
