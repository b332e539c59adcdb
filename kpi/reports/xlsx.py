"""The Excel workbook of a service report: a cover sheet and one sheet per section, numbers as
numbers (percentages with a percent format), every text cell through safe_cell."""

from __future__ import annotations

from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.spreadsheets import safe_cell

NUMBER_FORMATS = {"pct": "0.0%", "pct2": "0.00%", "num": "#,##0.0", "int": "#,##0",
                  "dt": "yyyy-mm-dd hh:mm", "date": "yyyy-mm-dd"}


def _sheet_title(title: str, used: set) -> str:
    for ch in "[]:*?/\\":
        title = title.replace(ch, " ")
    title = title[:31].strip() or "Sheet"
    base, n = title, 2
    while title in used:
        suffix = f" {n}"
        title = base[:31 - len(suffix)] + suffix
        n += 1
    used.add(title)
    return title


def _value(value, fmt: str):
    if value is None:
        return None
    if fmt == "dt":
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if fmt in ("pct", "pct2", "num", "int", "date"):
        return value
    return safe_cell(str(value))


def render_xlsx(report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    cover = book.active
    used: set = set()
    cover.title = _sheet_title(_("Report"), used)
    bold = Font(bold=True)
    cover.append([safe_cell(report.title)])
    cover["A1"].font = Font(bold=True, size=14)
    for label, value in [
        (_("Document"), report.doc_name),
        (_("Contract"), f"{report.contract.code} {report.contract.name}"),
        (_("Client"), str(report.contract.client)),
        (pgettext("reporting period", "Period"), report.period_label),
        (_("Generated at"), timezone.localtime(report.generated_at).strftime("%Y-%m-%d %H:%M")),
        (_("Version"), report.version),
    ]:
        cover.append([safe_cell(label), safe_cell(value)])
    cover.column_dimensions["A"].width = 24
    cover.column_dimensions["B"].width = 48
    for section in report.sections:
        sheet = book.create_sheet(_sheet_title(section.title, used))
        sheet.append([safe_cell(section.title)])
        sheet["A1"].font = bold
        if section.note:
            sheet.append([safe_cell(section.note)])
        sheet.append([safe_cell(h) for h in section.headers])
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        for row in section.cells():
            sheet.append([_value(value, fmt) for value, fmt in row])
            for cell, (_v, fmt) in zip(sheet[sheet.max_row], row, strict=False):
                if fmt in NUMBER_FORMATS:
                    cell.number_format = NUMBER_FORMATS[fmt]
        if section.truncated:
            sheet.append([safe_cell(_("First %(shown)s of %(total)s rows.")
                                    % {"shown": len(section.rows), "total": section.total})])
        for i, _h in enumerate(section.headers):
            letter = sheet.cell(row=1, column=i + 1).column_letter
            sheet.column_dimensions[letter].width = 14 if i else 28
    out = BytesIO()
    book.save(out)
    return out.getvalue()
