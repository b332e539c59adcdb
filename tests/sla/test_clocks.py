"""SLA clocks through the ticket services (S1, S4): started, stopped, paused, moved."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from sla.models import Clock
from tickets.models import Priority, ServiceType
from tickets.services import (
    ticket_accept,
    ticket_check_in,
    ticket_create,
    ticket_dispatch,
    ticket_pend,
    ticket_reopen,
    ticket_resolve,
    ticket_resume,
    ticket_update,
)

SH = ZoneInfo("Asia/Shanghai")


def at(*args):
    return datetime(*args, tzinfo=SH)


@pytest.fixture
def server_ticket(demo):
    from sla.models import Contract

    def _file(**fields):
        return ticket_create(actor=demo["desk"], requester=demo["ht-hanmei"],
                             contract=Contract.objects.get(code="DEMO-SERVER"),
                             service_type=ServiceType.objects.get(code="hardware"),
                             title="存储告警", priority=fields.pop("priority", Priority.P2),
                             channel="phone", **fields)

    return _file


def clocks_of(ticket):
    return {c.kind: c for c in Clock.objects.filter(ticket=ticket)}


def test_filing_starts_three_clocks_with_stored_deadlines(server_ticket):
    with time_machine.travel(at(2026, 11, 23, 10, 0), tick=False):
        ticket = server_ticket()
    clocks = clocks_of(ticket)
    assert set(clocks) == {"response", "arrival", "resolution"}
    assert clocks["response"].due_at == at(2026, 11, 23, 10, 15)
    assert clocks["arrival"].due_at == at(2026, 11, 23, 10, 30)
    assert clocks["resolution"].due_at == at(2026, 11, 24, 10, 0)
    assert clocks["response"].warn_at == at(2026, 11, 23, 10, 12)  # 80 %
    ticket.refresh_from_db()
    assert ticket.sla_due_at == at(2026, 11, 23, 10, 15)


def test_no_visit_no_arrival_clock(server_ticket):
    with time_machine.travel(at(2026, 11, 23, 10, 0), tick=False):
        ticket = server_ticket(needs_on_site=False)
    assert set(clocks_of(ticket)) == {"response", "resolution"}


def test_accepting_in_time_meets_the_response_clock(demo, server_ticket):
    with time_machine.travel(at(2026, 11, 23, 10, 0), tick=False):
        ticket = server_ticket()
    with time_machine.travel(at(2026, 11, 23, 10, 9), tick=False):
        ticket = ticket_accept(actor=demo["desk"], ticket=ticket)
    response = clocks_of(ticket)["response"]
    assert response.met is True and response.stopped_at == at(2026, 11, 23, 10, 9)
    assert ticket.sla_due_at == at(2026, 11, 23, 10, 30)  # now the arrival is next


def test_a_late_response_is_breached(demo, server_ticket):
    with time_machine.travel(at(2026, 11, 23, 10, 0), tick=False):
        ticket = server_ticket()
    with time_machine.travel(at(2026, 11, 23, 10, 40), tick=False):
        ticket_dispatch(actor=demo["desk"], ticket=ticket, assignee=demo["helei"])
    response = clocks_of(ticket)["response"]
    assert response.met is False and response.breached_at == at(2026, 11, 23, 10, 15)


def test_check_in_stops_arrival_and_resolve_stops_resolution(demo, server_ticket):
    with time_machine.travel(at(2026, 11, 23, 10, 0), tick=False):
        ticket = server_ticket()
        ticket = ticket_dispatch(actor=demo["desk"], ticket=ticket, assignee=demo["helei"])
    with time_machine.travel(at(2026, 11, 23, 10, 25), tick=False):
        ticket = ticket_check_in(actor=demo["helei"], ticket=ticket)
    with time_machine.travel(at(2026, 11, 23, 15, 0), tick=False):
        ticket = ticket_resolve(actor=demo["helei"], ticket=ticket, code="replaced", notes="换盘")
    clocks = clocks_of(ticket)
    assert clocks["arrival"].met is True and clocks["resolution"].met is True
    ticket.refresh_from_db()
    assert ticket.sla_due_at is None


def test_pending_pauses_and_the_deadline_moves_by_the_pause(demo, server_ticket):
    with time_machine.travel(at(2026, 11, 23, 10, 0), tick=False):
        ticket = server_ticket()
        ticket = ticket_dispatch(actor=demo["desk"], ticket=ticket, assignee=demo["helei"])
    with time_machine.travel(at(2026, 11, 23, 11, 0), tick=False):
        ticket = ticket_check_in(actor=demo["helei"], ticket=ticket)
        ticket = ticket_pend(actor=demo["helei"], ticket=ticket, reason="spare_part")
    resolution = clocks_of(ticket)["resolution"]
    assert resolution.due_at is None and resolution.paused_since == at(2026, 11, 23, 11, 0)
    with time_machine.travel(at(2026, 11, 23, 14, 0), tick=False):
        ticket_resume(actor=demo["helei"], ticket=ticket)
    resolution = clocks_of(ticket)["resolution"]
    assert resolution.due_at == at(2026, 11, 24, 13, 0)  # 24 h + the 3 h pause
    assert resolution.paused_seconds == 3 * 3600


def test_a_deadline_at_closing_time_is_closing_time(demo):
    """6×12 desktop contract: 10 minutes from 20:50 is 21:00 sharp, not the next morning."""
    from sla.models import Contract

    with time_machine.travel(at(2026, 11, 23, 20, 50), tick=False):
        ticket = ticket_create(actor=demo["user"], contract=Contract.objects.get(
            code="DEMO-DESKTOP"), service_type=ServiceType.objects.get(code="software"),
            title="晚上报障")
    assert clocks_of(ticket)["response"].due_at == at(2026, 11, 23, 21, 0)


def test_a_start_after_hours_runs_from_the_next_opening(demo):
    from sla.models import Contract

    with time_machine.travel(at(2026, 11, 23, 22, 30), tick=False):
        ticket = ticket_create(actor=demo["user"], contract=Contract.objects.get(
            code="DEMO-DESKTOP"), service_type=ServiceType.objects.get(code="software"),
            title="深夜报障")
    assert clocks_of(ticket)["response"].due_at == at(2026, 11, 24, 9, 10)


def test_reopening_runs_the_resolution_clock_again_with_what_was_left(demo, server_ticket):
    with time_machine.travel(at(2026, 11, 23, 10, 0), tick=False):
        ticket = server_ticket(needs_on_site=False)
        ticket = ticket_dispatch(actor=demo["desk"], ticket=ticket, assignee=demo["helei"])
    with time_machine.travel(at(2026, 11, 23, 12, 0), tick=False):
        ticket = ticket_resolve(actor=demo["helei"], ticket=ticket, code="fixed", notes="重启")
    with time_machine.travel(at(2026, 11, 23, 13, 0), tick=False):
        ticket_reopen(actor=demo["ht-hanmei"], ticket=ticket, reason="又坏了")
    resolution = clocks_of(ticket)["resolution"]
    assert resolution.stopped_at is None and resolution.met is None
    assert resolution.due_at == at(2026, 11, 24, 11, 0)  # 22 h left from 13:00


def test_raising_the_priority_retargets_running_clocks(demo):
    from sla.models import Contract, Target

    desktop = Contract.objects.get(code="DEMO-DESKTOP")
    Target.objects.filter(contract=desktop, service_type__code="hardware", priority=1).update(
        response_minutes=5, resolution_minutes=30)
    with time_machine.travel(at(2026, 11, 23, 10, 0), tick=False):
        ticket = ticket_create(actor=demo["desk"], requester=demo["user"], contract=desktop,
                               service_type=ServiceType.objects.get(code="hardware"),
                               title="整层断电", channel="phone", priority=Priority.P3)
    with time_machine.travel(at(2026, 11, 23, 10, 2), tick=False):
        ticket_update(actor=demo["desk"], ticket=ticket, priority=Priority.P1)
    clocks = clocks_of(ticket)
    assert clocks["response"].due_at == at(2026, 11, 23, 10, 5)
    assert clocks["resolution"].due_at == at(2026, 11, 23, 10, 30)


def test_a_contract_without_targets_starts_no_clocks(demo):
    from sla.models import Contract, Target

    Target.objects.filter(contract__code="DEMO-DESKTOP").delete()
    ticket = ticket_create(actor=demo["user"], contract=Contract.objects.get(
        code="DEMO-DESKTOP"), service_type=ServiceType.objects.get(code="software"), title="x")
    assert not Clock.objects.filter(ticket=ticket).exists()
    ticket.refresh_from_db()
    assert ticket.sla_due_at is None


def test_the_ticket_page_shows_the_clocks(demo, login, server_ticket):
    ticket = server_ticket()
    page = login(demo["desk"]).get(f"/tickets/{ticket.number}/").content.decode()
    assert 'data-testid="sla-clocks"' in page
    assert 'data-clock="response"' in page and 'data-state="running"' in page


def test_timezone_sanity():
    assert at(2026, 1, 1, 0, 0).utcoffset() == timedelta(hours=8)


def test_entering_a_missing_holiday_year_recomputes_provisional_deadlines(demo):
    """A desktop deadline running into 2027 is provisional until 2027 is entered; then it moves
    past New Year's Day."""
    from datetime import date

    from django.core.management import call_command

    from sla.holidays import calendar_days_clear
    from sla.models import Contract, HolidayDay, HolidayYear, Target

    HolidayYear.objects.filter(year=2027).delete()
    HolidayDay.objects.filter(day__year=2027).delete()
    calendar_days_clear()
    desktop = Contract.objects.get(code="DEMO-DESKTOP")
    Target.objects.filter(contract=desktop, service_type__code="software", priority=3).update(
        resolution_minutes=12 * 60)  # one 6×12 working day
    with time_machine.travel(at(2026, 12, 31, 20, 0), tick=False):
        ticket = ticket_create(actor=demo["user"], contract=desktop,
                               service_type=ServiceType.objects.get(code="software"),
                               title="跨年工单")
    resolution = clocks_of(ticket)["resolution"]
    assert resolution.provisional
    assert resolution.due_at == at(2027, 1, 1, 20, 0)  # weekly hours only: Jan 1 counted open
    HolidayYear.objects.create(region="CN", year=2027, source="test")
    HolidayDay.objects.create(region="CN", day=date(2027, 1, 1), kind="closed", name="元旦")
    with time_machine.travel(at(2027, 1, 1, 8, 0), tick=False):
        call_command("sla_recompute", "--provisional", stdout=__import__("io").StringIO())
    resolution = clocks_of(ticket)["resolution"]
    assert not resolution.provisional
    assert resolution.due_at == at(2027, 1, 2, 20, 0)  # Saturday: a 6×12 working day


def test_calendar_hours_are_validated_in_the_admin(demo, login):
    from sla.models import ServiceCalendar

    calendar = ServiceCalendar(code="bad", name="bad", hours="mon-fry 09:00-18:00")
    with pytest.raises(Exception, match="fry"):
        calendar.full_clean()
    response = login(demo["admin"]).post("/admin/sla/servicecalendar/add/", {
        "code": "odd", "name": "odd", "hours": "mon-fri 18:00-09:00", "holidays": "CN",
        "time_zone": "Asia/Shanghai"})
    assert response.status_code == 200  # the form comes back with the error
    assert not ServiceCalendar.objects.filter(code="odd").exists()


def test_replaying_history_rebuilds_the_same_clocks(demo, server_ticket):
    """Rebuilding from the timeline gives what the live services computed."""
    from sla.replay import clocks_rebuild

    with time_machine.travel(at(2026, 11, 23, 10, 0), tick=False):
        ticket = server_ticket()
    with time_machine.travel(at(2026, 11, 23, 10, 20), tick=False):
        ticket = ticket_dispatch(actor=demo["desk"], ticket=ticket, assignee=demo["helei"])
    with time_machine.travel(at(2026, 11, 23, 10, 50), tick=False):
        ticket = ticket_check_in(actor=demo["helei"], ticket=ticket)
        ticket = ticket_pend(actor=demo["helei"], ticket=ticket, reason="vendor")
    with time_machine.travel(at(2026, 11, 23, 13, 50), tick=False):
        ticket = ticket_resume(actor=demo["helei"], ticket=ticket)
    live = {k: (c.due_at, c.met, c.stopped_at, c.paused_seconds, c.breached_at)
            for k, c in clocks_of(ticket).items()}
    rebuilt = {c.kind: (c.due_at, c.met, c.stopped_at, c.paused_seconds, c.breached_at)
               for c in clocks_rebuild(ticket=ticket, now=at(2026, 11, 23, 14, 0))}
    assert rebuilt == live
    assert live["response"][1] is False  # 20 min > 15 min
    assert live["resolution"][0] == at(2026, 11, 24, 13, 0)


def test_replaying_after_a_target_correction_moves_the_deadlines(demo, server_ticket):
    from sla.models import Target
    from sla.replay import clocks_rebuild

    with time_machine.travel(at(2026, 11, 23, 10, 0), tick=False):
        ticket = server_ticket()
    with time_machine.travel(at(2026, 11, 23, 10, 20), tick=False):
        ticket = ticket_dispatch(actor=demo["desk"], ticket=ticket, assignee=demo["helei"])
    assert clocks_of(ticket)["response"].met is False
    Target.objects.filter(contract__code="DEMO-SERVER").update(response_minutes=30)
    clocks_rebuild(ticket=ticket, now=at(2026, 11, 23, 10, 30))
    response = clocks_of(ticket)["response"]
    assert response.met is True and response.breached_at is None


def test_entering_a_year_in_the_admin_recomputes_provisional_deadlines(demo, login):
    from sla.models import Contract, HolidayDay, HolidayYear

    HolidayYear.objects.filter(year=2027).delete()
    HolidayDay.objects.filter(day__year=2027).delete()
    from sla.holidays import calendar_days_clear

    calendar_days_clear()
    with time_machine.travel(at(2026, 12, 31, 20, 0), tick=False):
        ticket = ticket_create(actor=demo["user"], contract=Contract.objects.get(
            code="DEMO-DESKTOP"), service_type=ServiceType.objects.get(code="software"),
            title="跨年")
    assert clocks_of(ticket)["resolution"].provisional
    # The admin marks a year entered only when its days have the seven statutory festivals.
    from datetime import date

    for day, name in [((1, 1), "元旦"), ((2, 6), "春节"), ((4, 5), "清明节"), ((5, 3), "劳动节"),
                      ((6, 9), "端午节"), ((9, 15), "中秋节"), ((10, 4), "国庆节")]:
        HolidayDay.objects.create(region="CN", day=date(2027, *day), kind="closed", name=name)
    response = login(demo["admin"]).post("/admin/sla/holidayyear/add/", {
        "region": "CN", "year": 2027, "source": "manual"})
    assert response.status_code == 302
    assert not clocks_of(ticket)["resolution"].provisional
