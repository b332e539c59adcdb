"""Reading an uploaded register file (.xlsx or .csv) into rows of text, safely.

Nothing here touches the database: it turns bytes into (row number, [cell values]) with the row
numbers a person sees in their spreadsheet (the header is row 1), after refusing what should
never be opened: other extensions, macro workbooks, oversized files and zip bombs.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from datetime import date, datetime

from django.conf import settings
from django.utils.translation import gettext as _

from core.spreadsheets import unquote_cell

EXTENSIONS = (".xlsx", ".csv")
# An xlsx is a zip of XML; a real register compresses about 5-10×. Far more than this is a zip
# bomb meant to exhaust memory or disk when the XML is parsed.
ZIP_EXPANSION_LIMIT = 20


class FileRefused(Exception):
    """The whole file cannot be read (wrong kind, too big, unsafe); nothing was imported."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


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
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        raise FileRefused(_("The file is not a valid .xlsx workbook.")) from None
    with archive:
        members = archive.infolist()
        names = {m.filename.lower(): m.filename for m in members}
        macros = any(name.endswith("vbaproject.bin") for name in names)
        if not macros and "[content_types].xml" in names:
            info = archive.getinfo(names["[content_types].xml"])
            macros = info.file_size < 1024 * 1024 and b"macroEnabled" in archive.read(info)
        if macros:
            raise FileRefused(_("The workbook contains macros; save it as a plain .xlsx."))
        expanded = sum(m.file_size for m in members)
        if expanded > ZIP_EXPANSION_LIMIT * settings.ASSET_IMPORT_MAX_BYTES:
            raise FileRefused(_("The workbook expands to an unreasonable size and was refused."))


def _xlsx_rows(content: bytes) -> Iterator[tuple[int, list]]:
    import openpyxl

    _check_zip(content)
    try:
        # data_only: import what the person sees (a formula's last value), never the formula.
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True,
                                          keep_links=False)
    except Exception:  # noqa: BLE001 - any parse failure means "not a readable workbook"
        raise FileRefused(_("The file is not a valid .xlsx workbook.")) from None
    if not workbook.worksheets:
        workbook.close()
        raise FileRefused(_("The workbook has no sheet."))
    sheet = workbook.worksheets[0]
    # Files written by other tools often carry a wrong <dimension>; read to the real end.
    sheet.reset_dimensions()

    def rows():
        try:
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, [cell_text(v) for v in values]
        finally:
            workbook.close()

    return rows()


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
