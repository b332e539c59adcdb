"""The desk's decisions on received mail (issue 17.2, 17.3, 17.5) through the pages: confirm
an unverified sender, accept or reject a contribution, split a reply, call it spam; the mail
as received, escaped, with its headers on demand."""

import pytest

from mailin import tokens
from mailin.models import InboundMessage
from mailin.services.intake import mail_process
from tests.mailin.mails import mail
from tickets.models import Channel, Entry, Status, Ticket

pytestmark = pytest.mark.django_db
State = InboundMessage.State


def held(mailbox, **kwargs) -> InboundMessage:
    kwargs.setdefault("sender", "stranger@elsewhere.example")
    kwargs.setdefault("subject", "帮忙看看")
    return mail_process(mailbox=mailbox, raw=mail(**kwargs)).message


def test_the_desk_confirms_an_unverified_sender_for_a_person_of_the_client(
        demo, mailbox, login):
    message = held(mailbox, subject="新同事的电脑")
    client = login(demo["desk"])
    response = client.post(f"/mail/{message.pk}/confirm/", {"requester": demo["user2"].pk})
    message.refresh_from_db()
    assert message.state == State.FILED and message.decided_by == demo["desk"]
    ticket = message.ticket
    assert response.status_code == 302 and response["Location"].endswith(
        f"/tickets/{ticket.number}/")
    assert ticket.requester == demo["user2"] and ticket.logged_by == demo["desk"]
    assert ticket.channel == Channel.EMAIL and ticket.title == "新同事的电脑"


def test_confirming_for_someone_outside_the_client_is_refused(demo, mailbox, login):
    message = held(mailbox)
    client = login(demo["desk"])
    client.post(f"/mail/{message.pk}/confirm/", {"requester": demo["engineer"].pk})
    message.refresh_from_db()
    assert message.state == State.HELD and message.ticket is None


def test_reject_and_spam(demo, mailbox, login):
    first, second = held(mailbox, subject="一"), held(mailbox, subject="二")
    client = login(demo["desk"])
    client.post(f"/mail/{first.pk}/reject/")
    client.post(f"/mail/{second.pk}/spam/")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == (State.REJECTED, State.SPAM)
    # Decided: no second decision.
    client.post(f"/mail/{first.pk}/confirm/", {"requester": demo["user"].pk})
    first.refresh_from_db()
    assert first.state == State.REJECTED


def test_spam_that_opened_a_ticket_cancels_it(demo, mailbox, login):
    message = held(mailbox, sender="user@mingyuan.example", subject="中奖通知")
    assert message.state == State.FILED
    login(demo["desk"]).post(f"/mail/{message.pk}/spam/")
    message.ticket.refresh_from_db()
    assert message.ticket.status == Status.CANCELLED


def test_a_contribution_accepted_joins_the_ticket(demo, mailbox, login):
    ticket = held(mailbox, sender="user@mingyuan.example", subject="打印机").ticket
    contribution = held(mailbox, sender="colleague@elsewhere.example",
                        subject=f"Re: {tokens.subject_tag(ticket.number)}", body="我这台也坏了")
    assert contribution.state == State.CONTRIBUTION
    login(demo["desk"]).post(f"/mail/{contribution.pk}/accept/")
    reply = Entry.objects.get(ticket=ticket, kind=Entry.Kind.REPLY)
    assert reply.author == demo["desk"] and "colleague@elsewhere.example" in reply.body
    assert "我这台也坏了" in reply.body


def test_a_reply_split_into_a_new_ticket(demo, mailbox, login):
    ticket = held(mailbox, sender="user@mingyuan.example", subject="打印机").ticket
    reply = held(mailbox, sender="user@mingyuan.example",
                 subject=f"Re: {tokens.subject_tag(ticket.number)}", body="另外，投影仪也坏了")
    assert reply.state == State.REPLY
    login(demo["desk"]).post(f"/mail/{reply.pk}/split/", {"requester": demo["user"].pk})
    reply.refresh_from_db()
    assert reply.state == State.FILED and reply.ticket != ticket
    assert reply.ticket.requester == demo["user"]
    assert Entry.objects.filter(ticket=ticket, kind=Entry.Kind.NOTE,
                                body__contains=reply.ticket.number).exists()


def test_the_mail_as_received_is_escaped_and_its_headers_shown_on_demand(demo, mailbox, login):
    message = held(mailbox, subject="<script>alert(1)</script>", body="<b>粗体</b>",
                   html='<p onclick="x()">段落<script>alert(2)</script>'
                        '<img src="https://t.example/p.gif"></p>',
                   headers={"X-Mailer": "<i>Foxmail</i>"})
    client = login(demo["desk"])
    page = client.get(f"/mail/{message.pk}/").content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;粗体&lt;/b&gt;" in page
    assert "onclick" not in page and "t.example/p.gif" not in page and "段落" in page
    assert "X-Mailer" not in page
    with_headers = client.get(f"/mail/{message.pk}/?headers=1").content.decode()
    assert "X-Mailer: &lt;i&gt;Foxmail&lt;/i&gt;" in with_headers


def test_people_who_do_not_handle_mail_are_refused(demo, mailbox, login):
    message = held(mailbox)
    # 何磊 works the server contract only.
    assert login(demo["engineer2"]).get(f"/mail/{message.pk}/").status_code == 403
    assert login(demo["user"]).post(f"/mail/{message.pk}/reject/").status_code == 403


def test_the_queue_lists_waiting_mail_in_few_queries(demo, mailbox, login,
                                                     django_assert_max_num_queries):
    for n in range(12):
        held(mailbox, subject=f"第 {n} 封")
    client = login(demo["desk"])
    with django_assert_max_num_queries(12):
        page = client.get("/mail/").content.decode()
    assert page.count("stranger@elsewhere.example") == 12


def test_mailbox_health_on_the_system_page(demo, mailbox, login):
    mailbox.host, mailbox.last_error = "imap.example", "AUTHENTICATIONFAILED"
    mailbox.save()
    page = login(demo["admin"]).get("/system/").content.decode()
    assert "imap.example" in page and "AUTHENTICATIONFAILED" in page


def test_the_api_shows_channel_and_message_id(demo, mailbox, login):
    ticket = held(mailbox, sender="user@mingyuan.example", subject="API",
                  message_id="<api-1@client.example>").ticket
    data = login(demo["user"]).get(f"/api/tickets/{ticket.pk}/").json()
    assert data["channel"] == "email" and data["message_id"] == "<api-1@client.example>"
    assert Ticket.objects.get(pk=ticket.pk).message_id == "<api-1@client.example>"
