"""Writing the asset register to .xlsx or .csv, streamed: never the whole register in memory.

The rows come from one queryset iterated in chunks; the CSV is produced as a generator of byte
chunks (for StreamingHttpResponse), the workbook's sheet is written into its zip member a few
hundred rows at a time (the caller gives a temporary file). Every text cell goes through
safe_cell.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from datetime import date
from xml.sax.saxutils import escape

from django.utils import translation
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from assets.io.columns import COLUMNS, SPEC_PREFIX, spec_keys_in_use
from assets.models import Asset, AssetStatus, AssetType, Criticality
from core.clock import now
from core.spreadsheets import safe_cell

FORMATS = ("xlsx", "csv")
CHUNK = 2000
CSV_FLUSH_ROWS = 500


# What each column reads, in COLUMNS order, then the specs: plain values through the joins
# (no model instances: building four of them per row was most of the export's time).
VALUE_FIELDS = {
    "tag": "tag", "name": "name", "asset_type": "asset_type__name",
    "manufacturer": "manufacturer", "model": "model", "serial": "serial",
    "part_number": "part_number", "software": "software", "site": "site__name",
    "location": "location", "department": "department__name",
    "custodian": "custodian__username", "status": "status", "criticality": "criticality",
    "purchase_date": "purchase_date", "warranty_end": "warranty_end",
    "warranty_vendor": "warranty_vendor", "notes": "notes",
}


def export_queryset(contract, assets=None):
    """The rows to write: only the contract's, whatever filtered queryset was handed in."""
    queryset = Asset.objects.all() if assets is None else assets
    return (queryset.filter(contract=contract).order_by("tag", "pk")
            .values_list(*(VALUE_FIELDS[c.key] for c in COLUMNS), "specs"))


def _rows(contract, assets) -> Iterator[list]:
    spec_keys, labels = spec_keys_in_use(), _labels()
    yield headers(spec_keys)
    status_at = [c.key for c in COLUMNS].index("status")
    statuses, criticalities = labels["status"], labels["criticality"]
    for values in export_queryset(contract, assets).iterator(chunk_size=CHUNK):
        row = list(values[:-1])
        row[status_at] = statuses.get(row[status_at], row[status_at])
        row[status_at + 1] = criticalities.get(row[status_at + 1], row[status_at + 1])
        specs = values[-1] or {}
        row.extend(None if specs.get(k) in (None, "") else str(specs[k]) for k in spec_keys)
        yield row


def headers(spec_keys: list[str]) -> list[str]:
    return [c.header for c in COLUMNS] + [SPEC_PREFIX + key for key in spec_keys]


def _labels() -> dict[str, dict[str, str]]:
    # The register is written in Chinese, like its headers, whatever the reader's language.
    with translation.override("zh-hans"):
        return {"status": {c: str(label) for c, label in AssetStatus.choices},
                "criticality": {c: str(label) for c, label in Criticality.choices}}


def csv_chunks(*, contract, assets=None) -> Iterator[bytes]:
    """UTF-8 with a BOM (so Excel shows Chinese correctly), a few hundred rows per chunk."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    rows = _rows(contract, assets)
    writer.writerow(next(rows))
    yield b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    pending = 0
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
        pending += 1
        if pending >= CSV_FLUSH_ROWS:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    if pending:
        yield buffer.getvalue().encode("utf-8")


def _csv_cell(value):
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return safe_cell(value)


def write_xlsx(*, contract, out, assets=None) -> None:
    """A one-sheet workbook streamed into `out` (a seekable binary file) row by row."""
    rows = _rows(contract, assets)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        header = next(rows)
        for name, text in _XLSX_PARTS.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(_SHEET_START.format(last=len(header)).encode())
            letters = [get_column_letter(i) for i in range(1, len(header) + 1)]
            parts = [_xlsx_row(1, header, letters, style=' s="2"')]
            for number, row in enumerate(rows, start=2):
                parts.append(_xlsx_row(number, row, letters))
                if len(parts) >= CSV_FLUSH_ROWS:
                    sheet.write("".join(parts).encode())
                    parts = []
            parts.append("</sheetData></worksheet>")
            sheet.write("".join(parts).encode())


# openpyxl's write-only mode spends ~0.5 ms a row here (no lxml): 200,000 rows took minutes,
# past any web timeout. The sheet below is the same SpreadsheetML, written as text: inline
# strings, dates as serial numbers with a yyyy-mm-dd style, the header row bold and frozen.
_NS = "http://schemas.openxmlformats.org"
_XLSX_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<Types xmlns="{_NS}/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>'),
    "_rels/.rels": (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<Relationships xmlns="{_NS}/package/2006/relationships">'
        f'<Relationship Id="rId1" Target="xl/workbook.xml" '
        f'Type="{_NS}/officeDocument/2006/relationships/officeDocument"/></Relationships>'),
    "xl/workbook.xml": (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<workbook xmlns="{_NS}/spreadsheetml/2006/main" '
        f'xmlns:r="{_NS}/officeDocument/2006/relationships">'
        f'<sheets><sheet name="资产台账" sheetId="1" r:id="rId1"/></sheets></workbook>'),
    "xl/_rels/workbook.xml.rels": (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<Relationships xmlns="{_NS}/package/2006/relationships">'
        f'<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
        f'Type="{_NS}/officeDocument/2006/relationships/worksheet"/>'
        f'<Relationship Id="rId2" Target="styles.xml" '
        f'Type="{_NS}/officeDocument/2006/relationships/styles"/></Relationships>'),
    "xl/styles.xml": (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<styleSheet xmlns="{_NS}/spreadsheetml/2006/main">'
        '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        '</cellStyleXfs><cellXfs count="3">'
        '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
        '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
        '</cellStyles></styleSheet>'),
}
_SHEET_START = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    f'<worksheet xmlns="{_NS}/spreadsheetml/2006/main"><sheetViews>'
    '<sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
    'state="frozen"/></sheetView></sheetViews>'
    '<cols><col min="1" max="{last}" width="16" customWidth="1"/></cols><sheetData>')
_EXCEL_EPOCH = date(1899, 12, 30)


def _xlsx_row(number: int, values, letters, style: str = "") -> str:
    cells = []
    for letter, value in zip(letters, values, strict=False):
        if value is None or value == "":
            continue
        if isinstance(value, date):
            cells.append(f'<c r="{letter}{number}" s="1"><v>{(value - _EXCEL_EPOCH).days}</v></c>')
            continue
        text = safe_cell(ILLEGAL_CHARACTERS_RE.sub("", str(value)))
        text = escape(text).replace("\r", "&#13;")
        cells.append(f'<c r="{letter}{number}" t="inlineStr"{style}><is>'
                     f'<t xml:space="preserve">{text}</t></is></c>')
    return f'<row r="{number}">{"".join(cells)}</row>'


def _widths(sheet, count: int) -> None:
    for index in range(1, count + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 16


def write_export(*, contract, fmt: str, out, assets=None) -> None:
    if fmt == "csv":
        for chunk in csv_chunks(contract=contract, assets=assets):
            out.write(chunk)
    elif fmt == "xlsx":
        write_xlsx(contract=contract, out=out, assets=assets)
    else:
        raise ValueError(f"unknown export format {fmt!r}")


def export_file_name(contract, fmt: str) -> str:
    return f"assets-{contract.code}-{now().date():%Y%m%d}.{fmt}"


def write_template(out) -> None:
    """The import template: the header row, one example row, and a sheet of accepted values."""
    from openpyxl import Workbook

    spec_keys, labels = spec_keys_in_use(), _labels()
    types = list(AssetType.objects.order_by("ordering", "code"))
    example_type = types[0] if types else None
    example = {
        "tag": "PC-0001", "name": "示例：财务部台式机", "asset_type":
        example_type.name if example_type else "", "manufacturer": "联想", "model": "启天 M430",
        "serial": "SN0001", "status": labels["status"][AssetStatus.IN_USE],
        "criticality": labels["criticality"][Criticality.NON_CORE],
        "purchase_date": "2025-01-05", "warranty_end": "2028-01-05",
        "notes": "示例行：导入前请删除",
    }
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "资产台账"
    sheet.append(headers(spec_keys))
    example_specs = example_type.spec_keys() if example_type else []
    sheet.append([example.get(c.key) for c in COLUMNS]
                 + ["…" if key in example_specs else None for key in spec_keys])
    _widths(sheet, len(COLUMNS) + len(spec_keys))
    help_sheet = workbook.create_sheet("说明")
    help_sheet.append(["类型", "代码", "English", "规格列"])
    for asset_type in types:
        help_sheet.append([asset_type.name, asset_type.code, asset_type.name_en,
                           ", ".join(SPEC_PREFIX + k for k in asset_type.spec_keys())])
    help_sheet.append([])
    help_sheet.append(["状态", *labels["status"].values()])
    help_sheet.append(["重要性", *labels["criticality"].values()])
    workbook.save(out)
