"""The service report's breach table: "Due" (the clock's deadline now) and "Breached at" (when it
passed its deadline) are the same moment for a plain late clock and differ where the deadline
moved after the breach (a reopened ticket). Built through the live services from the next
opening of the desktop contract after now, so it holds on any date."""

from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone, translation

from core.clock import now
from core.periods import month_bounds, zone
from kpi.models.reports import ReportKind
from kpi.reports.content import breached_section, build
from kpi.reports.pdf import render_html
from kpi.reports.structure import display
from sla.clocks import calendar_for
from sla.models import Clock, Contract
from tickets.models import Priority, ServiceType
from tickets.services import (
    ticket_check_in,
    ticket_create,
    ticket_dispatch,
    ticket_reopen,
    ticket_resolve,
)


@pytest.fixture
def late_and_reopened(demo):
    """A P3 hardware ticket on the 6×12 desktop contract (10 / 20 / 60 business minutes) filed
    at the next day's opening: the engineer arrives 30 minutes in (late), fixes it at 90 (late),
    the user reopens it at 180 and it is fixed again at 200."""
    desktop = Contract.objects.get(code="DEMO-DESKTOP")
    calendar = calendar_for(desktop.calendar)
    tomorrow = timezone.localdate(now()) + timedelta(days=1)
    opening = calendar.next_open(datetime.combine(tomorrow, time(9), zone()))

    def after(minutes):
        return calendar.add(opening, minutes * 60)

    def at(minutes):
        return time_machine.travel(after(minutes), tick=False)

    with at(0):
        ticket = ticket_create(actor=demo["desk"], requester=demo["user"], contract=desktop,
                               service_type=ServiceType.objects.get(code="hardware"),
                               title="打印机无法打印", priority=Priority.P3, channel="phone")
    with at(5):
        ticket = ticket_dispatch(actor=demo["desk"], ticket=ticket, assignee=demo["engineer"])
    with at(30):
        ticket = ticket_check_in(actor=demo["engineer"], ticket=ticket)
    with at(90):
        ticket = ticket_resolve(actor=demo["engineer"], ticket=ticket, code="fixed",
                                notes="清理进纸器")
    with at(180):
        ticket = ticket_reopen(actor=demo["user"], ticket=ticket, reason="又卡纸了")
    with at(200):
        ticket = ticket_resolve(actor=demo["engineer"], ticket=ticket, code="fixed",
                                notes="更换搓纸轮")
    return {"contract": desktop, "ticket": ticket, "after": after,
            "clocks": {c.kind: c for c in Clock.objects.filter(ticket=ticket)}}


def _rows(section, ticket):
    heads = [str(h) for h in section.headers]
    rows = [dict(zip(heads, row, strict=True)) for row in section.rows if row[0] == ticket.number]
    return heads, rows


def test_it_keeps_the_first_breach_when_a_reopening_moves_the_deadline(late_and_reopened):
    after = late_and_reopened["after"]
    arrival = late_and_reopened["clocks"]["arrival"]
    assert arrival.met is False and arrival.breached_at == arrival.due_at == after(20)
    resolution = late_and_reopened["clocks"]["resolution"]
    assert resolution.met is False
    assert resolution.breached_at == after(60)  # the first fix came too late
    assert resolution.due_at == after(180)  # restarted with nothing left when reopened
    assert resolution.stopped_at == after(200)


def test_the_breach_table_shows_due_and_breached_at_apart_where_the_deadline_moved(
        late_and_reopened):
    contract, ticket, after = (late_and_reopened[k] for k in ("contract", "ticket", "after"))
    day = timezone.localdate(after(60))
    with translation.override("en"):
        section = breached_section(contract, day, day)
        heads, rows = _rows(section, ticket)
    assert len(rows) == 2
    arrival, resolution = rows  # in order of breach
    assert arrival["Due"] == arrival["Breached at"] == after(20)
    assert resolution["Due"] == after(180) and resolution["Breached at"] == after(60)
    shown = section.display_rows()
    due, breached = heads.index("Due"), heads.index("Breached at")
    mine = [row for row in shown if row[0] == ticket.number]
    assert mine[0][due] == mine[0][breached] == display(after(20), "dt")
    assert mine[1][due] == display(after(180), "dt")
    assert mine[1][breached] == display(after(60), "dt")
    assert mine[1][due] != mine[1][breached]


def test_the_monthly_summary_pdf_carries_both_moments(late_and_reopened):
    contract, ticket, after = (late_and_reopened[k] for k in ("contract", "ticket", "after"))
    month = timezone.localdate(after(60)).replace(day=1)
    with translation.override("zh-hans"):
        report = build(contract, ReportKind.MONTHLY_SUMMARY, month, at=after(300))
        html = render_html(report)
    assert (report.period_start, report.period_end) == month_bounds(month.year, month.month)
    section = next(s for s in report.sections if s.key == "breached")
    row = next(r for r in section.display_rows() if r[0] == ticket.number and r[4] != r[5])
    assert row[4] == display(after(180), "dt") and row[5] == display(after(60), "dt")
    assert row[4] in html and row[5] in html
    assert "超时时间：" in html  # the note says what the two columns mean
