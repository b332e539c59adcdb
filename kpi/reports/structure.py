"""The shape of a report: sections of tables (and optional inline SVG charts) that the PDF
(pdf.py) and the Excel workbook (xlsx.py) both render, so both always say the same thing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils.translation import gettext as _

from kpi.models.reports import ReportKind

DOC_NAMES = {
    ReportKind.MONTHLY_SUMMARY: "月度服务总结", ReportKind.MONTHLY_REPAIR: "月度维修总结",
    ReportKind.QUARTERLY: "季度服务回顾", ReportKind.ANNUAL: "年度服务回顾",
    ReportKind.MAJOR_INCIDENT: "重大事件报告",
}


@dataclass
class V:
    """One cell with its own format (a table column of mixed figures)."""

    value: object
    fmt: str = "text"


@dataclass
class Section:
    key: str
    title: str
    headers: list = field(default_factory=list)
    formats: list = field(default_factory=list)  # per column: text, int, num, pct, date, dt
    rows: list = field(default_factory=list)
    note: str = ""
    charts: list = field(default_factory=list)  # SVG markup built by kpi.reports.charts
    total: int | None = None  # rows that exist when the list was cut at LIST_LIMIT

    @property
    def truncated(self) -> bool:
        return self.total is not None and self.total > len(self.rows)

    def cells(self):
        """(value, fmt) per cell, row by row."""
        for row in self.rows:
            out = []
            for i, cell in enumerate(row):
                if isinstance(cell, V):
                    out.append((cell.value, cell.fmt))
                else:
                    out.append((cell, self.formats[i] if i < len(self.formats) else "text"))
            yield out

    def display_rows(self):
        return [[display(value, fmt) for value, fmt in row] for row in self.cells()]


@dataclass
class Report:
    kind: str
    title: str
    contract: object
    period_start: date
    period_end: date
    generated_at: datetime
    version: int = 1
    ticket: object = None
    sections: list = field(default_factory=list)
    figures: dict = field(default_factory=dict)

    @property
    def doc_name(self) -> str:
        """The document's formal Chinese name (seed 001), shown whatever the language."""
        return DOC_NAMES[self.kind]

    @property
    def period_label(self) -> str:
        if self.kind == ReportKind.MAJOR_INCIDENT and self.ticket is not None:
            return self.ticket.number
        return f"{self.period_start:%Y-%m-%d} – {self.period_end:%Y-%m-%d}"


def display(value, fmt: str) -> str:
    if value is None or value == "":
        return "—"
    if fmt == "pct":
        return f"{value * 100:.1f}%"
    if fmt == "pct2":  # availability: 99.95 % must not print as 100.0 %
        return f"{value * 100:.2f}%"
    if fmt == "num":
        return f"{value:,.1f}"
    if fmt == "int":
        return f"{value:,}"
    if fmt == "dt":
        from django.utils import timezone

        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if fmt == "date":
        return value.strftime("%Y-%m-%d")
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return str(value)


def verdict(met: bool | None) -> str:
    return "—" if met is None else (_("Met") if met else _("Not met"))
