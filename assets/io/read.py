"""Reading an uploaded register file (.xlsx or .csv) into rows of text, safely.

The reading itself is core.spreadsheets.read_rows (people are imported the same way); here are
the register's own limits, its row estimate for background imports and its dates.
"""

from __future__ import annotations

import re
from datetime import date

from django.conf import settings
from django.utils.translation import gettext as _

from core.spreadsheets import (
    PARSE_ERRORS,
    SpreadsheetRefused,
    cell_text,
    check_zip,
    decode_csv,
    file_extension,
    not_a_workbook,
    read_rows,
    read_upload,
)

# Re-exported: the register's importer and its tests read them from here.
__all__ = ["FileRefused", "cell_text", "decode_csv", "estimated_rows", "file_extension",
           "parse_date", "read_bytes", "read_rows"]


class FileRefused(SpreadsheetRefused):
    """The whole file cannot be read (wrong kind, too big, unsafe); nothing was imported."""


def read_bytes(data) -> bytes:
    """The upload's bytes, refusing more than ASSET_IMPORT_MAX_BYTES without reading it all."""
    return read_upload(data, limit=settings.ASSET_IMPORT_MAX_BYTES, too_big=too_big_message())


def too_big_message() -> str:
    return _("The file is larger than %(size)s MB; split it into smaller files.") % {
        "size": round(settings.ASSET_IMPORT_MAX_BYTES / 1024 / 1024, 1)}


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


# --- dates ------------------------------------------------------------------------------------

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
