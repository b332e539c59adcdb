"""Service reports (K3): the command, the PDF (Chinese, embedded CJK font) and Excel contents,
archiving with versions and e-mails, the schedule, the P1 major-incident report."""

import io
import time
from datetime import date, datetime
from zoneinfo import ZoneInfo

import openpyxl
import pypdf
import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from kpi.models.reports import ReportKind, ServiceReport
from sla.models import Contract
from tickets.models import Priority, ServiceType

SH = ZoneInfo("Asia/Shanghai")
EVIL = "=HYPERLINK(\"http://evil.example\",\"点我\")"


@pytest.fixture
def demo(demo):
    Contract.objects.update(starts_on=date(2025, 1, 1), ends_on=date(2030, 12, 31))
    return demo


@pytest.fixture
def october(demo, settings, tmp_path):
    """Five DEMO-DESKTOP tickets filed on 13 October 2026 (one P1 whose title is a formula),
    three of them resolved."""
    from tickets.services import ticket_accept, ticket_create, ticket_dispatch, ticket_resolve

    settings.MEDIA_ROOT = str(tmp_path / "media")
    desktop = Contract.objects.get(code="DEMO-DESKTOP")
    hardware = ServiceType.objects.get(code="hardware")
    tickets = []
    with time_machine.travel(datetime(2026, 10, 13, 10, tzinfo=SH), tick=False) as traveller:
        for i, (title, priority) in enumerate([(EVIL, Priority.P1), ("打印机卡纸", Priority.P3),
                                               ("显示器不亮", Priority.P3),
                                               ("键盘失灵", Priority.P4),
                                               ("无法上网", Priority.P2)]):
            ticket = ticket_create(actor=demo["desk"], contract=desktop, title=title,
                                   service_type=hardware, requester=demo["user"],
                                   priority=priority)
            tickets.append(ticket)
            if i < 3:
                ticket = ticket_accept(actor=demo["desk"], ticket=ticket)
                ticket = ticket_dispatch(actor=demo["desk"], ticket=ticket,
                                         assignee=demo["engineer"])
        traveller.shift(3600)
        for ticket in tickets[:3]:
            ticket_resolve(actor=demo["engineer"], ticket=ticket, code="fixed", notes="已修复")
    return {"contract": desktop, "tickets": tickets}


def _run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("service_report", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_command_writes_a_chinese_pdf_with_the_font_embedded(october, tmp_path):
    target = tmp_path / "summary.pdf"
    started = time.monotonic()
    out, _err = _run("--contract", "DEMO-DESKTOP", "--month", "2026-10", "--format", "pdf",
                     "--out", str(target))
    elapsed = time.monotonic() - started
    assert "summary.pdf" in out and out.count("\n") == 1
    reader = pypdf.PdfReader(str(target))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "月度服务总结" in text
    assert "DEMO-DESKTOP" in text
    p1 = october["tickets"][0]
    assert p1.number in "".join(text.split())  # the P1 list (a narrow column may wrap)
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0].get_object() if descendants else font).get(
                "/FontDescriptor")
            fonts[str(font["/BaseFont"])] = descriptor.get_object() if descriptor else {}
    cjk = [name for name in fonts if "NotoSansCJK" in name or "Noto-Sans-CJK" in name]
    assert cjk, fonts.keys()
    assert any(key.startswith("/FontFile") for key in fonts[cjk[0]])
    print(f"monthly summary PDF: {elapsed:.2f} s")


def test_command_writes_excel_with_figures_and_neutralised_formulas(october, tmp_path):
    target = tmp_path / "summary.xlsx"
    _run("--contract", "DEMO-DESKTOP", "--month", "2026-10", "--format", "xlsx",
         "--out", str(target))
    book = openpyxl.load_workbook(target)
    cover = book.worksheets[0]
    assert any(row[1] == "月度服务总结" for row in cover.iter_rows(values_only=True))
    kpis = book.worksheets[1]
    assert kpis.cell(3, 2).value == 5  # tickets opened
    assert kpis.cell(4, 2).value == 3  # tickets resolved
    cells = [c for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row]
    assert "'" + EVIL in cells
    assert EVIL not in cells
    assert not any(isinstance(c, str) and c.startswith("=") for c in cells)
    percents = [c for ws in book.worksheets for row in ws.iter_rows() for c in row
                if c.number_format == "0.0%" and isinstance(c.value, float)]
    assert percents


def test_repair_summary_english(october, tmp_path):
    target = tmp_path / "repair.xlsx"
    _run("--contract", "DEMO-DESKTOP", "--month", "2026-10", "--format", "xlsx",
         "--out", str(target), "--kind", "monthly_repair", "--language", "en")
    book = openpyxl.load_workbook(target)
    assert book.worksheets[1].title == "Repairs of the month"


@pytest.mark.parametrize("args", [
    ["--contract", "NOPE", "--month", "2026-10"],
    ["--contract", "DEMO-DESKTOP", "--month", "2026-13"],
    ["--contract", "DEMO-DESKTOP", "--month", "abc"],
])
def test_bad_contract_or_month_exits_2_and_writes_nothing(demo, tmp_path, args):
    target = tmp_path / "x.pdf"
    with pytest.raises(CommandError) as error:
        _run(*args, "--format", "pdf", "--out", str(target))
    assert error.value.returncode == 2
    assert "\n" not in str(error.value)
    assert not target.exists()


def _manage(*args, env=None):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "manage.py", "service_report", *args],
                          capture_output=True, text=True, timeout=60, env=env)


def test_command_line_exit_status_for_a_bad_month(tmp_path):
    """Through manage.py: one line on stderr, status 2 (the month is checked before the
    database is read)."""
    target = tmp_path / "x.pdf"
    result = _manage("--contract", "DEMO-DESKTOP", "--month", "2026-13", "--format", "pdf",
                     "--out", str(target))
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not target.exists()


def test_command_line_exit_status_for_a_bad_contract(db, tmp_path):
    """Through manage.py against the test database (PostgreSQL: a separate process can
    reach it; SQLite's test database lives in this process's memory)."""
    import os

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs a database another process can open")
    s = connection.settings_dict
    url = (f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:"
           f"{s['PORT'] or 5432}/{s['NAME']}")
    target = tmp_path / "x.pdf"
    result = _manage("--contract", "NO-SUCH", "--month", "2026-10", "--format", "pdf",
                     "--out", str(target), env={**os.environ, "DATABASE_URL": url})
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().splitlines() == ["CommandError: No contract with code "
                                                  "'NO-SUCH'."]
    assert not target.exists()


def test_generate_archives_versions_and_emails_the_contacts(october, demo):
    from kpi.services.reports import generate_report
    from notifications.models import Notification

    desktop = october["contract"]
    first = generate_report(desktop, ReportKind.MONTHLY_SUMMARY, date(2026, 10, 1))
    assert first.version == 1 and first.due_on == date(2026, 11, 5)
    assert first.pdf.name.endswith("DEMO-DESKTOP-2026-10-monthly_summary-v1.pdf")
    assert first.figures["summary"]["tickets_opened"] == 5
    assert first.sent_at is not None
    mails = Notification.objects.filter(event="kpi.report")
    recipients = set(mails.values_list("recipient__username", flat=True))
    assert {"client", "pm"} <= recipients
    again = generate_report(desktop, ReportKind.MONTHLY_SUMMARY, date(2026, 10, 1),
                            actor=demo["pm"])
    assert again.pk == first.pk and again.version == 2
    assert again.xlsx.name.endswith("-v2.xlsx")
    assert mails.count() == 2 * len(recipients)


def test_schedule_runs_on_the_first_and_never_makes_a_report_twice(october, monkeypatch):
    """Catching up when the 1st was missed: tests/kpi/test_report_schedule.py."""
    from kpi.services import reports, schedule

    calls = []

    def fake(contract, kind, start, **kwargs):
        calls.append((contract.code, kind, start))
        return ServiceReport.objects.create(
            contract=contract, kind=kind, period_start=start, period_end=start,
            generated_at=datetime(2026, 11, 1, 6, tzinfo=SH))

    monkeypatch.setattr(reports, "generate_report", fake)
    monkeypatch.setattr(reports, "missing_major_incidents", lambda since: [])
    made = schedule.run_schedule(date(2026, 11, 1))["generated"]
    contracts = Contract.objects.count()
    assert len(made) == 2 * contracts
    assert {c[1] for c in calls} == {ReportKind.MONTHLY_SUMMARY, ReportKind.MONTHLY_REPAIR}
    assert schedule.run_schedule(date(2026, 11, 1))["generated"] == []
    assert schedule.run_schedule(date(2026, 11, 2))["generated"] == []  # made: not again
    assert len(calls) == 2 * contracts
    kinds = {k for k, _s, _e in schedule.due_reports(date(2027, 1, 1))}
    assert kinds == {ReportKind.MONTHLY_SUMMARY, ReportKind.MONTHLY_REPAIR,
                     ReportKind.QUARTERLY, ReportKind.ANNUAL}
    assert schedule.due_reports(date(2027, 1, 1))[2][1:] == (date(2026, 10, 1),
                                                           date(2026, 12, 31))


def test_schedule_generates_real_files(october):
    from kpi.services.schedule import run_schedule

    Contract.objects.exclude(code="DEMO-DESKTOP").update(ends_on=date(2026, 9, 30))
    result = run_schedule(date(2026, 11, 1))
    assert result["failed"] == []
    assert ServiceReport.objects.filter(kind=ReportKind.MONTHLY_REPAIR,
                                        due_on=date(2026, 11, 10)).count() == 1
    assert run_schedule(date(2026, 11, 1))["generated"] == []


def test_p1_resolution_creates_a_major_incident_report(demo, settings, tmp_path, monkeypatch,
                                                       django_capture_on_commit_callbacks):
    from itsm.celery import app
    from tickets.services import ticket_accept, ticket_create, ticket_resolve

    settings.MEDIA_ROOT = str(tmp_path / "media")
    monkeypatch.setitem(app.conf, "task_always_eager", True)
    desktop = Contract.objects.get(code="DEMO-DESKTOP")
    ticket = ticket_create(actor=demo["desk"], contract=desktop, title="整层断网",
                           service_type=ServiceType.objects.get(code="hardware"),
                           requester=demo["user"], priority=Priority.P1)
    ticket = ticket_accept(actor=demo["desk"], ticket=ticket)
    with django_capture_on_commit_callbacks(execute=True):
        ticket_resolve(actor=demo["desk"], ticket=ticket, code="fixed", notes="更换交换机")
    report = ServiceReport.objects.get(ticket=ticket)
    assert report.kind == ReportKind.MAJOR_INCIDENT and report.version == 1
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(report.pdf.path).pages)
    flat = "".join(text.split())
    assert "重大事件报告" in flat and ticket.number in flat and "更换交换机" in flat
    from kpi.services.reports import major_incident_for

    assert major_incident_for(ticket.pk) is None  # once only
