"""When a clock breached: the moment it passed its deadline, kept when the deadline moves later
(pending and resumed, reopened), even if the minute job had not looked at it yet."""

from datetime import timedelta

import time_machine

from core.clock import now
from sla.models import Clock, Contract
from sla.replay import clocks_rebuild
from tickets.models import Priority, ServiceType
from tickets.services import (
    ticket_check_in,
    ticket_create,
    ticket_dispatch,
    ticket_pend,
    ticket_resolve,
    ticket_resume,
)


def test_it_records_the_deadline_as_the_breach_of_a_clock_paused_when_overdue(demo):
    """7×24 server contract, P2 hardware: 24 h to resolve. Pended at 25 h (no minute job ran),
    resumed at 26 h with nothing left, fixed at 27 h: breached at 24 h, due at 26 h."""
    start = now().replace(microsecond=0) + timedelta(minutes=1)

    def at(hours):
        return time_machine.travel(start + timedelta(hours=hours), tick=False)

    with at(0):
        ticket = ticket_create(actor=demo["desk"], requester=demo["ht-hanmei"],
                               contract=Contract.objects.get(code="DEMO-SERVER"),
                               service_type=ServiceType.objects.get(code="hardware"),
                               title="存储告警", priority=Priority.P2, channel="phone")
    with at(0.1):
        ticket = ticket_dispatch(actor=demo["desk"], ticket=ticket, assignee=demo["helei"])
    with at(0.3):
        ticket = ticket_check_in(actor=demo["helei"], ticket=ticket)
    with at(25):
        ticket = ticket_pend(actor=demo["helei"], ticket=ticket, reason="vendor")
    resolution = Clock.objects.get(ticket=ticket, kind="resolution")
    assert resolution.breached_at == start + timedelta(hours=24) and resolution.due_at is None
    with at(26):
        ticket = ticket_resume(actor=demo["helei"], ticket=ticket)
    with at(27):
        ticket = ticket_resolve(actor=demo["helei"], ticket=ticket, code="fixed", notes="换盘")
    resolution.refresh_from_db()
    assert resolution.met is False
    assert resolution.breached_at == start + timedelta(hours=24)
    assert resolution.due_at == start + timedelta(hours=26)
    rebuilt = {c.kind: c for c in clocks_rebuild(ticket=ticket, now=start + timedelta(hours=28))}
    assert rebuilt["resolution"].breached_at == resolution.breached_at
    assert rebuilt["resolution"].due_at == resolution.due_at
