"""The demo's service history (`load_demo --history`, `make run`): figures on the KPI pages."""

import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Q

from itsm.clock import now
from itsm.demo_history import load_demo_history
from kpi.figures import Scope, summary
from kpi.models import DailyRollup
from kpi.rollup import zone
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

    from itsm.management.commands.load_demo import Command
    from kpi.models import ServiceReport

    out = StringIO()
    command = Command(stdout=out)
    command._archive_last_month()
    reports = ServiceReport.objects.filter(kind="monthly_summary")
    assert sorted(r.contract.code for r in reports) == ["DEMO-DESKTOP", "DEMO-SERVER"]
    assert all(r.pdf and r.xlsx and r.sent_at is None for r in reports)
    assert "Archived the" in out.getvalue()
