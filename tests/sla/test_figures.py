from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine

from sla.figures import attainment, fault_resolution_rate
from sla.models import Contract
from tickets.models import Priority, ServiceType
from tickets.services import ticket_accept, ticket_create, ticket_dispatch, ticket_resolve

SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 6, 1, 10, 0, tzinfo=SH)  # a Monday, away from the demo tickets


def test_attainment_counts_met_and_breached_clocks_of_the_period(demo):
    server = Contract.objects.filter(code="DEMO-SERVER")
    hardware = ServiceType.objects.get(code="hardware")

    def file(title):
        with time_machine.travel(T0, tick=False):
            return ticket_create(actor=demo["desk"], requester=demo["ht-hanmei"],
                                 contract=server.get(), service_type=hardware, title=title,
                                 priority=Priority.P2, channel="phone", needs_on_site=False)

    on_time, late, open_ = file("准时"), file("迟到"), file("未处理")
    with time_machine.travel(T0 + timedelta(minutes=5), tick=False):
        ticket_accept(actor=demo["desk"], ticket=on_time)
    with time_machine.travel(T0 + timedelta(minutes=40), tick=False):
        ticket_dispatch(actor=demo["desk"], ticket=late, assignee=demo["helei"])
    with time_machine.travel(T0 + timedelta(hours=2), tick=False):
        ticket_resolve(actor=demo["desk"], ticket=on_time, code="fixed", notes="好了")
    from sla.escalation import escalations_run

    escalations_run(now=T0 + timedelta(hours=3))  # marks the untouched one breached
    figures = attainment(contracts=server, start=T0, end=T0 + timedelta(days=1))
    assert figures["response"] == {"met": 1, "breached": 2, "rate": 1 / 3}
    assert figures["resolution"]["met"] == 1
    rate = fault_resolution_rate(contracts=server, start=T0, end=T0 + timedelta(days=1))
    assert rate == {"met": 1, "total": 1, "rate": 1.0}
    assert open_.pk


def test_an_empty_period_has_no_rate(demo):
    figures = attainment(contracts=Contract.objects.all(), start=T0 - timedelta(days=400),
                         end=T0 - timedelta(days=399))
    assert figures["response"]["rate"] is None
