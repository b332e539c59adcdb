"""Reading an uploaded register file (.xlsx or .csv) into rows of text, safely.

Nothing here touches the database: it turns bytes into (row number, [cell values]) with the row
numbers a person sees in their spreadsheet (the header is row 1), after refusing what should
never be opened: other extensions, macro workbooks, oversized files and zip bombs.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import date, datetime

from django.conf import settings
from django.utils.translation import gettext as _

from core.spreadsheets import (
    PARSE_ERRORS,
    SpreadsheetRefused,
    check_zip,
    not_a_workbook,
    open_workbook,
    unquote_cell,
)

EXTENSIONS = (".xlsx", ".csv")


class FileRefused(SpreadsheetRefused):
    """The whole file cannot be read (wrong kind, too big, unsafe); nothing was imported."""


def file_extension(file_name: str) -> str:
    name = (file_name or "").lower().strip()
    return name[name.rfind("."):] if "." in name else ""


def read_bytes(data) -> bytes:
    """The upload's bytes, refusing more than ASSET_IMPORT_MAX_BYTES without reading it all."""
    limit = settings.ASSET_IMPORT_MAX_BYTES
    size = len(data) if isinstance(data, bytes | bytearray) else getattr(data, "size", None)
    if size is not None and size > limit:
        raise FileRefused(too_big_message())
    if isinstance(data, bytes | bytearray):
        return bytes(data)
    if hasattr(data, "seek"):
        data.seek(0)
    content = data.read(limit + 1)
    if len(content) > limit:
        raise FileRefused(too_big_message())
    return content


def too_big_message() -> str:
    return _("The file is larger than %(size)s MB; split it into smaller files.") % {
        "size": round(settings.ASSET_IMPORT_MAX_BYTES / 1024 / 1024, 1)}


def read_rows(file_name: str, content: bytes) -> Iterator[tuple[int, list]]:
    """(row number, cell values) for every row of the first sheet, empty rows included."""
    extension = file_extension(file_name)
    if extension == ".xlsm":
        raise FileRefused(_("Macro-enabled workbooks (.xlsm) are refused; save the file as .xlsx."))
    if extension not in EXTENSIONS:
        raise FileRefused(_("Only .xlsx and .csv files can be imported."))
    if not content:
        raise FileRefused(_("The file is empty."))
    if extension == ".xlsx":
        return _xlsx_rows(content)
    return _csv_rows(content)


# --- xlsx -------------------------------------------------------------------------------------

def _check_zip(content: bytes) -> None:
    """Zip bombs (core.spreadsheets.check_zip), then macros."""
    with check_zip(content) as archive:
        names = {m.filename.lower(): m.filename for m in archive.infolist()}
        macros = any(name.endswith("vbaproject.bin") for name in names)
        if not macros and "[content_types].xml" in names:
            info = archive.getinfo(names["[content_types].xml"])
            try:
                macros = info.file_size < 1024 * 1024 and b"macroEnabled" in archive.read(info)
            except PARSE_ERRORS:
                raise not_a_workbook() from None
        if macros:
            raise FileRefused(_("The workbook contains macros; save it as a plain .xlsx."))


def _xlsx_rows(content: bytes) -> Iterator[tuple[int, list]]:
    _check_zip(content)
    workbook = open_workbook(content)
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is not None:
            # Files written by other tools often carry a wrong <dimension>; read to the real end.
            sheet.reset_dimensions()
    except PARSE_ERRORS:
        workbook.close()
        raise not_a_workbook() from None
    if sheet is None:
        workbook.close()
        raise FileRefused(_("The workbook has no sheet."))

    def rows():
        try:
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, [cell_text(v) for v in values]
        except PARSE_ERRORS:
            # A cell pointing at a shared string that is not there, broken XML, …
            raise not_a_workbook() from None
        finally:
            workbook.close()

    return rows()


def estimated_rows(file_name: str, content: bytes) -> int:
    """About how many rows the file has, without parsing it: lines of a CSV, <row> elements of
    the workbook's first worksheet (after the zip-bomb check). Decides only whether the import
    runs in the request or in the background."""
    if file_extension(file_name) == ".csv":
        return content.count(b"\n")
    if file_extension(file_name) != ".xlsx":
        return 0
    with check_zip(content) as archive:
        sheets = sorted((m for m in archive.infolist() if m.filename.startswith("xl/worksheets/")
                         and m.filename.endswith(".xml")),
                        key=lambda m: (len(m.filename), m.filename))
        if not sheets:
            return 0
        count, tail = 0, b""
        try:
            with archive.open(sheets[0]) as stream:
                while chunk := stream.read(1024 * 1024):
                    data = tail + chunk
                    count += data.count(b"<row ") + data.count(b"<row>")
                    tail = data[-5:]
                    count -= tail.count(b"<row ") + tail.count(b"<row>")
        except PARSE_ERRORS:
            raise not_a_workbook() from None
        return count + tail.count(b"<row ") + tail.count(b"<row>")


# --- csv --------------------------------------------------------------------------------------

def decode_csv(content: bytes) -> str:
    """UTF-8 with or without BOM, else GBK (what Chinese Excel writes: read as GB18030, its
    superset). UTF-16 with BOM is what Excel's "Unicode text" writes."""
    if content.startswith(b"\xef\xbb\xbf"):
        return content.decode("utf-8-sig", errors="replace")
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return content.decode("utf-16", errors="replace")
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("gb18030")
    except UnicodeDecodeError:
        raise FileRefused(_("The CSV file is neither UTF-8 nor GBK text.")) from None


def _csv_rows(content: bytes) -> Iterator[tuple[int, list]]:
    text = decode_csv(content)
    if "\x00" in text:
        raise FileRefused(_("The CSV file is not text."))
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    def rows():
        try:
            # A record is one spreadsheet row even when a quoted cell spans several lines.
            for number, values in enumerate(reader, start=1):
                yield number, [cell_text(v) for v in values]
        except csv.Error as exc:
            raise FileRefused(_("The CSV file is malformed: %(error)s") % {"error": exc}) from None

    return rows()


# --- cells ------------------------------------------------------------------------------------

def cell_text(value):
    """A cell as the importer wants it: text (without the export's formula quote), or a date
    for real Excel date cells; None for an empty cell."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        # Excel stores every number as a float: 48.0 is what a person typed as 48.
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int):
        return str(value)
    text = str(value)
    unquoted = unquote_cell(text)
    if unquoted != text:
        # Quoted by our export: the original, leading tab or sign included, byte for byte.
        return unquoted
    text = text.strip()
    return text or None


_DATE_PATTERNS = [
    re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?"),
    re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?"),
]


def parse_date(value) -> date:
    """YYYY-MM-DD, YYYY/MM/DD, 2026年1月5日, an Excel date cell or an Excel day number."""
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if len(text) == 8 and text.isdigit():
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    if text.isdigit() and 1 <= int(text) < 2958466:
        from openpyxl.utils.datetime import from_excel

        return from_excel(int(text)).date()
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            year, month, day = (int(g) for g in match.groups())
            return date(year, month, day)
    raise ValueError(text)
