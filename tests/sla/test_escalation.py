"""The minute job: each rung of the ladder fires once per clock (S5)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.models import InAppNotification, Notification
from sla.escalation import escalations_run
from sla.models import Clock, Contract, Escalation
from tickets.models import Priority, ServiceType
from tickets.services import ticket_accept, ticket_create, ticket_dispatch

SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 23, 10, 0, tzinfo=SH)


def file_p2(demo, **fields):
    with time_machine.travel(T0, tick=False):
        return ticket_create(actor=demo["desk"], requester=demo["ht-hanmei"],
                             contract=Contract.objects.get(code="DEMO-SERVER"),
                             service_type=ServiceType.objects.get(code="hardware"),
                             title="交换机宕机", priority=Priority.P2, channel="phone", **fields)


def file_p1s(demo, count: int, title: str) -> list:
    """`count` P1 server tickets filed at T0 (response, arrival and resolution clocks)."""
    with time_machine.travel(T0, tick=False):
        return [ticket_create(actor=demo["desk"], requester=demo["ht-hanmei"],
                              contract=Contract.objects.get(code="DEMO-SERVER"),
                              service_type=ServiceType.objects.get(code="hardware"),
                              title=f"{title} {i}", priority=Priority.P1, channel="phone")
                for i in range(count)]


@pytest.fixture
def p2_server_ticket(demo):
    """Remote work: a response and a resolution clock (24 h), no arrival clock."""
    return file_p2(demo, needs_on_site=False)


def levels(ticket, kind="response"):
    return sorted(Escalation.objects.filter(clock__ticket=ticket, clock__kind=kind)
                  .values_list("rule__level", flat=True))


def sla_mail(user, ticket):
    return Notification.objects.filter(recipient=user, event__startswith="sla.",
                                       subject__contains=ticket.number)


def test_nothing_fires_before_the_warning(p2_server_ticket):
    assert escalations_run(now=T0 + timedelta(minutes=11)) == 0
    assert levels(p2_server_ticket) == []


def test_the_warning_goes_to_the_desk_when_nobody_has_the_ticket(demo, p2_server_ticket):
    escalations_run(now=T0 + timedelta(minutes=12, seconds=5))
    assert levels(p2_server_ticket) == [1]
    assert sla_mail(demo["desk"], p2_server_ticket).count() == 1


def test_the_ladder_climbs_once_per_rung(demo, p2_server_ticket):
    for minutes in (12, 13, 15, 16, 30, 46, 100, 136, 200, 500):
        escalations_run(now=T0 + timedelta(minutes=minutes, seconds=1))
    assert levels(p2_server_ticket) == [1, 2, 3, 4]
    assert sla_mail(demo["pm"], p2_server_ticket).count() == 1
    assert sla_mail(demo["delivery"], p2_server_ticket).count() == 1
    assert sla_mail(demo["gm"], p2_server_ticket).count() == 1
    clock = Clock.objects.get(ticket=p2_server_ticket, kind="response")
    assert clock.breached_at == T0 + timedelta(minutes=15)


def test_after_downtime_it_catches_up_with_one_message_per_rung(demo, p2_server_ticket):
    assert escalations_run(now=T0 + timedelta(hours=5)) >= 4
    assert levels(p2_server_ticket) == [1, 2, 3, 4]
    assert escalations_run(now=T0 + timedelta(hours=6)) == 0
    assert sla_mail(demo["pm"], p2_server_ticket).count() == 1


def test_the_general_manager_hears_only_of_p1_and_p2(demo):
    with time_machine.travel(T0, tick=False):
        ticket = ticket_create(actor=demo["desk"], requester=demo["ht-hanmei"],
                               contract=Contract.objects.get(code="DEMO-SERVER"),
                               service_type=ServiceType.objects.get(code="hardware"),
                               title="P3 慢", priority=Priority.P3, channel="phone",
                               needs_on_site=False)
    escalations_run(now=T0 + timedelta(hours=5))
    assert levels(ticket) == [1, 2, 3]
    assert not sla_mail(demo["gm"], ticket).exists()


def test_a_clock_stopped_in_time_never_escalates(demo, p2_server_ticket):
    with time_machine.travel(T0 + timedelta(minutes=5), tick=False):
        ticket_accept(actor=demo["desk"], ticket=p2_server_ticket)
    escalations_run(now=T0 + timedelta(hours=5))
    assert levels(p2_server_ticket, "response") == []


def test_the_assignee_gets_the_warning_once_assigned(demo):
    ticket = file_p2(demo, needs_on_site=True)
    with time_machine.travel(T0 + timedelta(minutes=5), tick=False):
        ticket_dispatch(actor=demo["desk"], ticket=ticket, assignee=demo["helei"])
    escalations_run(now=T0 + timedelta(minutes=25))  # arrival warns at 24 min
    assert levels(ticket, "arrival") == [1]
    assert sla_mail(demo["helei"], ticket).count() == 1


def test_the_message_says_which_ticket_clock_how_late_and_who_has_it(demo):
    ticket = file_p2(demo, needs_on_site=True)
    with time_machine.travel(T0 + timedelta(minutes=5), tick=False):
        ticket_dispatch(actor=demo["desk"], ticket=ticket, assignee=demo["helei"])
    escalations_run(now=T0 + timedelta(minutes=61))  # arrival was due at +30
    note = sla_mail(demo["delivery"], ticket).get()
    assert ticket.number in note.subject
    assert "何磊" in note.body and "/tickets/" in note.body
    assert "31" in note.body  # late by 31 business minutes on the 7×24 calendar


def test_each_message_reads_exactly_so_in_its_recipients_language(demo, settings):
    demo["pm"].language = "en"
    demo["pm"].save(update_fields=["language"])
    ticket = file_p2(demo, needs_on_site=True)
    with time_machine.travel(T0 + timedelta(minutes=5), tick=False):
        ticket_dispatch(actor=demo["desk"], ticket=ticket, assignee=demo["helei"])
    escalations_run(now=T0 + timedelta(minutes=61))  # arrival: warned at 24, due at 30
    link = f"{settings.SITE_URL}/tickets/{ticket.number}/"
    to_pm = sla_mail(demo["pm"], ticket).get()
    assert to_pm.subject == (f"[SLA breach, level 2] On-site arrival of ticket {ticket.number} "
                             "is overdue")
    assert to_pm.body == (f"{ticket.number} 交换机宕机 (P2 Serious, Dispatched)\n"
                          "Contract: DEMO-SERVER\nClock: On-site arrival\nDue: 2026-11-23 10:30\n"
                          f"Late by 31 business minutes\nAssignee: 何磊 13800000009\n\n{link}\n")
    to_engineer = sla_mail(demo["helei"], ticket).get()
    assert to_engineer.subject == f"【SLA 预警】工单 {ticket.number} 的到场时限即将到期"
    assert to_engineer.body == (f"{ticket.number} 交换机宕机 (P2 严重, 已派工)\n合同: DEMO-SERVER\n"
                                "计时项: 到场\n截止时间: 2026-11-23 10:30\n超时 31 个工作分钟\n"
                                f"处理人: 何磊 13800000009\n\n{link}\n")
    bell = InAppNotification.objects.get(recipient=demo["pm"], event="sla.breach")
    assert (bell.title, bell.url) == (to_pm.subject, f"/tickets/{ticket.number}/")


def test_the_job_reads_only_what_is_due(demo, p2_server_ticket):
    with CaptureQueriesContext(connection) as nothing_due:
        escalations_run(now=T0 + timedelta(minutes=1))
    assert len(nothing_due) <= 3


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_fire_each_rung_exactly_once(demo):
    import threading

    from django.db import connections

    if connection.vendor != "postgresql":
        pytest.skip("SKIP LOCKED needs PostgreSQL")
    tickets = file_p1s(demo, 30, "并发")
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            barrier.wait()
            escalations_run(now=T0 + timedelta(hours=5), batch=7)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    for ticket in tickets:
        for kind in ("response", "arrival", "resolution"):
            assert levels(ticket, kind) == sorted(set(levels(ticket, kind)))
        assert levels(ticket, "response") == [1, 2, 3, 4]
    pm_mails = Notification.objects.filter(recipient=demo["pm"], event="sla.breach")
    assert pm_mails.count() == pm_mails.values("dedupe_key").distinct().count()


def test_a_breach_is_posted_to_the_contracts_group_robots(demo, p2_server_ticket):
    from notifications.models import ChatWebhook

    robot = ChatWebhook.objects.create(name="运维群", kind="dingtalk",
                                       url="https://oapi.dingtalk.com/robot/send?access_token=x",
                                       secret="SEC123")
    Contract.objects.get(code="DEMO-SERVER").webhooks.add(robot)
    escalations_run(now=T0 + timedelta(hours=5))
    escalations_run(now=T0 + timedelta(hours=6))
    posts = Notification.objects.filter(webhook=robot, subject__contains=p2_server_ticket.number)
    assert posts.count() == 3  # breach rungs 2, 3, 4 of the response clock; the warning is not
    assert all(p.channel == "webhook" for p in posts)


def test_its_queries_do_not_grow_with_the_clocks_due(demo):
    """Every statement is per batch of claimed clocks or per run, never per clock, rung or
    message: 50 due clocks cost the same queries as 5."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's parameter limit splits the bulk inserts by row count")
    def run(tickets: int, filed_at: datetime) -> tuple[int, int]:
        with time_machine.travel(filed_at, tick=False):
            for n in range(tickets):
                ticket_create(actor=demo["desk"], requester=demo["ht-hanmei"],
                              contract=Contract.objects.get(code="DEMO-SERVER"),
                              service_type=ServiceType.objects.get(code="hardware"),
                              title=f"批量 {n}", priority=Priority.P2, channel="phone",
                              needs_on_site=False)
        queued = Notification.objects.count()
        with CaptureQueriesContext(connection) as queries:
            escalations_run(now=filed_at + timedelta(hours=5))
        return len(queries), Notification.objects.count() - queued

    few_queries, few_messages = run(5, T0)
    many_queries, many_messages = run(50, T0 + timedelta(hours=6))
    assert many_messages == 10 * few_messages > 0
    assert many_queries == few_queries


@pytest.mark.django_db(transaction=True)
def test_a_backlog_is_worked_by_two_connections_each_rung_once(demo, settings):
    """More clocks due than one batch: a helper thread with its own connection claims batches
    too (SKIP LOCKED); together they fire every rung once and count each one."""
    from django.db import connections

    import sla.escalation as escalation

    if connection.vendor != "postgresql":
        pytest.skip("helpers need PostgreSQL (SKIP LOCKED, concurrent writers)")
    tickets = file_p1s(demo, 24, "积压")
    threads = []
    original = escalation._drain

    def drain(*args):  # which threads worked batches
        import threading
        threads.append(threading.current_thread().name)
        return original(*args)

    escalation._drain = drain
    try:
        fired = escalations_run(now=T0 + timedelta(hours=5), batch=4, connections_=2)
    finally:
        escalation._drain = original
        connections.close_all()
    assert sorted(threads) == ["MainThread", "sla-catch-up"]
    assert fired == Escalation.objects.count() > 0
    for ticket in tickets:
        assert levels(ticket, "response") == [1, 2, 3, 4]
    assert escalations_run(now=T0 + timedelta(hours=5)) == 0


@pytest.mark.django_db(transaction=True)
def test_a_helpers_failure_is_not_swallowed(demo, monkeypatch):
    import sla.escalation as escalation

    if connection.vendor != "postgresql":
        pytest.skip("helpers need PostgreSQL")
    file_p1s(demo, 6, "失败")
    original = escalation._drain

    def drain(*args):
        import threading
        if threading.current_thread().name == "sla-catch-up":
            raise RuntimeError("helper broke")
        return original(*args)

    monkeypatch.setattr(escalation, "_drain", drain)
    with pytest.raises(RuntimeError, match="helper broke"):
        escalations_run(now=T0 + timedelta(hours=5), batch=2, connections_=2)
    # The main thread's work stands and nothing is left due: the helper claimed nothing.
    assert escalations_run(now=T0 + timedelta(hours=5)) == 0
    assert Escalation.objects.exists()


def test_inside_a_transaction_no_helper_is_started(demo, p2_server_ticket):
    """A caller's uncommitted rows are invisible to another connection: one thread only."""
    from sla.escalation import _helper_count

    assert connection.in_atomic_block
    assert _helper_count(4) == 0
