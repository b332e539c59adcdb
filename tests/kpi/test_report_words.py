"""A service report's PDF reads right: the clocks are 响应 / 到场 / 解决 (not the resolution code's
解决方式), and ticket numbers, dates, figures and short column heads never break mid-token
(2026-/002090, 优先/级), while the widest table still fits the A4 page."""

from datetime import date
from io import BytesIO

import pypdf
import pytest
from django.utils import timezone, translation

from kpi.models.reports import ReportKind
from kpi.reports.content import build
from kpi.reports.pdf import render_html, render_pdf
from sla.models import Contract
from tests.test_rendered_words import TOKENS, faults
from tickets.models import Ticket


@pytest.fixture
def reports(demo):
    """A major-incident report of a demo ticket (numbers, dates, clocks, a timeline) and this
    quarter's review (the widest table: thirteen columns)."""
    desktop = Contract.objects.get(code="DEMO-DESKTOP")
    ticket = Ticket.objects.filter(contract=desktop).order_by("pk").first()
    today = timezone.localdate()
    quarter = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)

    def _build(language):
        with translation.override(language):
            return (build(desktop, ReportKind.MAJOR_INCIDENT, None, ticket=ticket),
                    build(desktop, ReportKind.QUARTERLY, quarter))

    return ticket, _build


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_report_marks_every_number_and_date_to_stay_whole(reports, language):
    _ticket, build_in = reports
    for report in build_in(language):
        with translation.override(language):
            html = render_html(report)
        assert not faults(html, set()), faults(html, set())


def test_the_clocks_are_named_as_clocks_not_as_the_resolution_code(reports):
    _ticket, build_in = reports
    incident, review = build_in("zh-hans")
    names = {"响应", "到场", "解决"}
    clocks = next(s for s in incident.sections if s.rows and s.rows[0][0] in names)
    assert {row[0] for row in clocks.rows} <= names
    months = next(s for s in review.sections if s.key == "months")
    assert [str(h) for h in months.headers][3:6] == ["响应", "到场", "解决"]


def test_the_pdf_keeps_ticket_numbers_and_dates_on_one_line(reports):
    ticket, build_in = reports
    incident, review = build_in("zh-hans")
    with translation.override("zh-hans"):
        text = "\n".join(page.extract_text() for pdf in (render_pdf(incident), render_pdf(review))
                         for page in pypdf.PdfReader(BytesIO(pdf)).pages)
    lines = text.splitlines()
    assert any(ticket.number in line for line in lines)
    shown = {m[0] for report in (incident, review) for section in report.sections
             for row in section.display_rows() for cell in row for m in TOKENS.finditer(cell)}
    assert shown
    for token in shown:
        assert any(token in line for line in lines), f"{token} is broken across lines"
    for head in ("优先级", "计时项", "截止时间", "工程师"):
        if head in text.replace("\n", ""):
            assert any(head in line for line in lines), f"{head} is broken across lines"
