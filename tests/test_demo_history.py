"""The demo's service history (`load_demo --history`, `make run`): figures on the KPI pages."""

import time
from datetime import time as clock_time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Q

from core.clock import now
from demo.history import load_demo_history
from kpi.figures import Scope, summary
from kpi.models import DailyRollup
from kpi.services.rollup import zone
from sla.models import Clock, Contract
from surveys.models import Complaint, TicketSurvey
from tickets.models import OPEN_STATUSES, Ticket, TicketCounter


def _last_month():
    today = now().astimezone(zone()).date()
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


@pytest.fixture
def history(demo):
    demo_ids = set(Ticket.objects.values_list("pk", flat=True))
    started = time.monotonic()
    counts = load_demo_history()
    return {"counts": counts, "seconds": time.monotonic() - started, "demo_ids": demo_ids}


def test_history_fills_six_months_of_rollup_with_plausible_figures(history):
    print(f"\nload_demo_history: {history['seconds']:.1f} s, {history['counts']}")  # noqa: T201
    months = {d.replace(day=1) for d in DailyRollup.objects.values_list("day", flat=True)}
    assert len(months) >= 6
    desktop = Contract.objects.get(code="DEMO-DESKTOP")
    figures = summary(Scope(contract_ids=(desktop.pk,)), *_last_month())
    assert figures["tickets_opened"] > 100
    assert 0.85 <= figures["response_attainment"] <= 1
    assert 0.85 <= figures["resolution_attainment"] < 1
    assert 0.3 <= figures["first_line_resolution_rate"] <= 0.5
    assert 0 < figures["reopen_rate"] < 0.1
    assert figures["satisfaction_rate"] is not None
    assert 0.8 <= figures["satisfaction_rate"] <= 1
    server = Contract.objects.get(code="DEMO-SERVER")
    server_figures = summary(Scope(contract_ids=(server.pk,)), *_last_month())
    assert 30 < server_figures["tickets_opened"] < 150
    assert server_figures["arrival_attainment"] is not None


def test_history_keeps_the_demo_tickets_and_numbers_on(history):
    assert Ticket.objects.filter(pk__in=history["demo_ids"]).count() == len(history["demo_ids"])
    numbers = list(Ticket.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers))
    year = now().astimezone(zone()).year
    top = max(int(n.split("-")[1]) for n in numbers if n.startswith(f"{year}-"))
    assert TicketCounter.objects.get(year=year).last == top
    # A handful still open, every closed one with a resolution; clocks agree with the tickets.
    history_tickets = Ticket.objects.exclude(pk__in=history["demo_ids"])
    assert 1 <= history_tickets.filter(status__in=OPEN_STATUSES).count() <= 10
    assert not history_tickets.filter(status="closed", resolved_at__isnull=True).exists()
    breached = Clock.objects.filter(met=False)
    assert breached.filter(breached_at__isnull=True).count() == 0
    assert not Clock.objects.filter(met=True, stopped_at__gt=F("due_at")).exists()
    assert not Clock.objects.filter(met=False, stopped_at__lte=F("due_at")).exists()
    # Surveys on ~70 % of the resolved tickets, complaints numbered and mostly closed.
    resolved = history_tickets.filter(resolved_at__isnull=False).count()
    assert 0.6 < TicketSurvey.objects.count() / resolved < 0.8
    complaints = Complaint.objects.filter(contract__code="DEMO-DESKTOP")
    assert 2 <= complaints.count() <= 9
    assert complaints.filter(major=True).count() == 1
    assert all(c.number.startswith("TS-") for c in complaints)
    assert history_tickets.filter(asset__isnull=False).exists()
    per_status = dict(history_tickets.values_list("status").annotate(n=Count("pk")))
    assert per_status.get("closed", 0) > per_status.get("resolved", 0)
    assert history_tickets.filter(Q(reopen_count=1)).exists()


def test_history_is_added_once(history, capsys):
    counts = {m: m.objects.count() for m in (Ticket, Clock, TicketSurvey, Complaint, DailyRollup)}
    assert load_demo_history() == {}
    call_command("load_demo", "--history")
    assert counts == {m: m.objects.count() for m in counts}


def test_load_demo_archives_last_months_summaries(demo, settings, tmp_path):
    """`load_demo --history` leaves last month's service summaries in the archive (not sent)."""
    settings.MEDIA_ROOT = str(tmp_path)
    from io import StringIO

    from demo.management.commands.load_demo import Command
    from kpi.models import ServiceReport

    out = StringIO()
    command = Command(stdout=out)
    command._archive_last_month()
    reports = ServiceReport.objects.filter(kind="monthly_summary")
    assert sorted(r.contract.code for r in reports) == ["DEMO-DESKTOP", "DEMO-SERVER"]
    assert all(r.pdf and r.xlsx and r.sent_at is None for r in reports)
    assert "Archived the" in out.getvalue()


def _in_service_hours(calendar, instant) -> bool:
    """Open at that instant, or it is closing time (a deadline may fall on closing time)."""
    return calendar.is_open(instant) or calendar.is_open(instant - timedelta(microseconds=1))


def test_desktop_deadlines_fall_in_service_hours_on_working_days(history):
    """The 6×12 desktop contract's clocks: every deadline, warning and breach moment inside
    Mon–Sat 09:00–21:00 on a day China does not close (make-up working days open), computed on
    the contract's calendar as the live clocks are."""
    from sla.clocks import calendar_for
    from tickets.models import Entry

    desktop = Contract.objects.get(code="DEMO-DESKTOP")
    calendar = calendar_for(desktop.calendar)
    clocks = list(Clock.objects.filter(ticket__contract=desktop)
                  .exclude(ticket_id__in=history["demo_ids"]))
    assert len(clocks) > 1000
    for clock in clocks:
        for name in ("due_at", "warn_at", "breached_at"):
            instant = getattr(clock, name)
            if instant is None:
                continue
            local = instant.astimezone(calendar.zone)
            assert _in_service_hours(calendar, instant), (name, local, clock.ticket_id)
            assert local.date() not in calendar.closed_days, (name, local)
            assert clock_time(9) <= local.time() <= clock_time(21), (name, local)
    # The staff's work happens in service hours too.
    work = Entry.objects.filter(ticket__contract=desktop,
                                action__in=["accept", "dispatch", "check_in", "resolve"]
                                ).exclude(ticket_id__in=history["demo_ids"])
    assert work.exists()
    assert all(_in_service_hours(calendar, moment)
               for moment in work.values_list("created_at", flat=True))


def test_history_deadlines_match_the_live_calendar_arithmetic(history):
    """Stopped clocks that ran once from their start: the deadline is the start plus the target
    in business time (BusinessCalendar.add), met exactly when stopped by then, provisional
    exactly when the span reaches a year without holiday data (faketime 2027, 2028)."""
    from sla.clocks import calendar_for

    checked = 0
    for clock in (Clock.objects.exclude(ticket_id__in=history["demo_ids"])
                  .filter(stopped_at__isnull=False, paused_seconds=0)
                  .select_related("calendar", "ticket")[:2000]):
        if clock.ticket.reopen_count:
            continue
        calendar = calendar_for(clock.calendar)
        assert clock.due_at == calendar.add(clock.started_at, clock.target_seconds)
        assert clock.provisional == calendar.is_provisional(clock.started_at, clock.due_at)
        if clock.met is not None:
            assert clock.met == (clock.stopped_at <= clock.due_at)
            assert (clock.breached_at == clock.due_at) == (clock.met is False)
        checked += 1
    assert checked > 500


def test_history_flags_recurring_faults_as_the_system(history):
    """Every asset flagged as a recurring fault has the flag in a history row of its own, by
    nobody and with reason "system", so the asset page never shows it in a person's change."""
    from assets.models import Asset
    from assets.selectors.register import asset_history

    flagged = list(Asset.objects.filter(recurring_fault=True))
    assert flagged
    label = Asset._meta.get_field("recurring_fault").verbose_name
    for asset in flagged:
        rows = [r for r in asset_history(asset) if label in [c[0] for c in r["changes"]]]
        assert rows, asset
        assert all(r["version"].history_user is None for r in rows)
        assert rows[0]["version"].history_change_reason == "system"


def test_history_clocks_are_what_replaying_their_timeline_gives(history):
    """The history's clocks agree with sla.replay (the live rules applied to each ticket's
    timeline) for tickets that waited (pending and resumed), were reopened or are still open;
    where a deadline moved after the breach, the breach keeps its own moment."""
    from sla.replay import clocks_rebuild

    tickets = Ticket.objects.exclude(pk__in=history["demo_ids"])
    paused = tickets.filter(entries__action="resume").distinct()
    sample = [*paused[:40], *tickets.filter(reopen_count=1)[:20],
              *tickets.filter(status__in=OPEN_STATUSES)]
    assert paused.count() > 10

    def state(clocks):
        return {c.kind: (c.due_at, c.met, c.stopped_at, c.breached_at, c.paused_seconds,
                         c.paused_since) for c in clocks}

    for ticket in sample:
        stored = state(Clock.objects.filter(ticket=ticket))
        assert state(clocks_rebuild(ticket=ticket, now=now())) == stored, ticket.number
    moved = Clock.objects.filter(ticket__in=paused, met=False, breached_at__lt=F("due_at"))
    assert moved.exists()  # breached, then set pending: the report shows both moments
