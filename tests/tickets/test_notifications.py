"""Who hears about a ticket, in their language, and what never leaves in an e-mail."""

import time

import pytest
from django.db import connection

from notifications.models import Notification
from notifications.services import notifications_sweep
from tickets.models import Priority, ServiceType, Ticket
from tickets.services import (
    ticket_accept,
    ticket_comment,
    ticket_create,
    ticket_dispatch,
    ticket_resolve,
)


def sent_to(user, event, ticket=None):
    notes = Notification.objects.filter(recipient=user, event=f"ticket.{event}")
    return notes.filter(subject__contains=ticket.number) if ticket else notes


def test_the_requester_hears_of_acceptance_and_resolution(demo, file_ticket):
    ticket = ticket_accept(actor=demo["desk"], ticket=file_ticket())
    assert sent_to(demo["user"], "accepted", ticket).count() == 1
    ticket = ticket_dispatch(actor=demo["desk"], ticket=ticket, assignee=demo["engineer"])
    assert sent_to(demo["engineer"], "assigned", ticket).count() == 1
    ticket_resolve(actor=demo["engineer"], ticket=ticket, code="fixed", notes="已更换硒鼓")
    note = sent_to(demo["user"], "resolved", ticket).get()
    assert ticket.number in note.subject and "已更换硒鼓" in note.body
    assert "/tickets/" in note.body


def test_messages_are_written_in_the_recipients_language(demo, file_ticket):
    engineer = demo["engineer"]
    engineer.language = "en"
    engineer.save()
    ticket = ticket_dispatch(actor=demo["desk"], ticket=file_ticket(), assignee=engineer)
    assert "is assigned to you" in sent_to(engineer, "assigned", ticket).get().subject
    ticket = ticket_accept(actor=demo["desk"], ticket=file_ticket())
    assert "已受理" in sent_to(demo["user"], "accepted", ticket).get().subject


def test_an_urgent_ticket_tells_the_project_manager_at_once(demo, desktop):
    ticket = ticket_create(actor=demo["desk"], requester=demo["user"], contract=desktop,
                           service_type=ServiceType.objects.get(code="network"),
                           title="全楼断网", priority=Priority.P1, channel="phone")
    note = sent_to(demo["pm"], "urgent", ticket).get()
    assert ticket.number in note.subject


def test_internal_notes_are_never_mailed_to_the_requester(demo, file_ticket, mailoutbox):
    ticket = ticket_dispatch(actor=demo["desk"], ticket=file_ticket(), assignee=demo["engineer"])
    ticket_comment(actor=demo["engineer"], ticket=ticket, body="内部：怀疑用户私装软件",
                   internal=True)
    ticket_comment(actor=demo["engineer"], ticket=ticket, body="请重启电脑后再试")
    notifications_sweep()
    to_user = [m for m in mailoutbox if demo["user"].email in m.to]
    assert any("请重启电脑后再试" in m.body for m in to_user)
    assert not any("怀疑用户私装软件" in m.body for m in mailoutbox)
    assert not Notification.objects.filter(body__contains="怀疑用户私装软件").exists()


def test_a_requester_reply_reaches_the_engineer(demo, file_ticket):
    ticket = ticket_dispatch(actor=demo["desk"], ticket=file_ticket(), assignee=demo["engineer"])
    ticket_comment(actor=demo["user"], ticket=ticket, body="下午三点后我在")
    assert "下午三点后我在" in sent_to(demo["engineer"], "reply", ticket).get().body


@pytest.mark.django_db(transaction=True)
def test_filing_does_not_fail_or_hang_when_the_broker_is_down(demo, desktop, dead_broker):
    started = time.monotonic()
    ticket = ticket_create(actor=demo["user"], contract=desktop,
                           service_type=ServiceType.objects.get(code="hardware"),
                           title="代理宕机时报障")
    ticket_accept(actor=demo["desk"], ticket=ticket)
    elapsed = time.monotonic() - started
    assert elapsed < 8, f"took {elapsed:.1f}s"
    assert Ticket.objects.filter(title="代理宕机时报障").exists()
    assert sent_to(demo["user"], "accepted", ticket).filter(status="pending").exists()


@pytest.mark.django_db(transaction=True)
def test_two_engineers_claiming_at_once_one_wins(demo, desktop):
    """Real concurrency: two threads, two database connections, one ticket."""
    import threading

    from core.errors import ActionRefused
    from tickets.services import ticket_claim

    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (SQLite serialises writers differently)")
    ticket = ticket_create(actor=demo["user"], contract=desktop,
                           service_type=ServiceType.objects.get(code="hardware"), title="抢单")
    barrier = threading.Barrier(2)
    outcomes = {}

    def claim(username):
        from django.db import connections

        try:
            barrier.wait()
            ticket_claim(actor=demo[username], ticket=Ticket.objects.get(pk=ticket.pk))
            outcomes[username] = "won"
        except ActionRefused as exc:
            outcomes[username] = exc.message
        finally:
            connections.close_all()

    threads = [threading.Thread(target=claim, args=(u,)) for u in ("engineer", "engineer2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes.values()).count("won") == 1, outcomes
    loser = next(u for u, o in outcomes.items() if o != "won")
    winner = next(u for u, o in outcomes.items() if o == "won")
    assert demo[winner].display_name in outcomes[loser]
    ticket.refresh_from_db()
    assert ticket.assignee == demo[winner]
    assert ticket.entries.filter(action="claim").count() == 1
