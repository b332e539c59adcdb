"""Spreadsheets opened and written safely.

Opening (open_workbook): an uploaded .xlsx is a zip of XML written by anyone. Its zip directory
is inspected before openpyxl sees it, and a zip bomb (too many members, a member or the whole
expanding past the limits, or a compression ratio no real workbook has) is refused at once;
every way the XML can be broken (a cell pointing at a missing shared string, bad zip, bad XML,
defusedxml's refusals) is one InvalidInput naming the file, never a 500.

Reading (read_rows): an uploaded .xlsx or .csv becomes (row number, [cell text]) with the row
numbers a person sees in their spreadsheet (the header is row 1), after refusing what should never
be opened: other extensions, macro workbooks, zip bombs. The importers (assets/io/importer.py,
accounts/imports.py) check the rows; nothing here touches the database.

Writing (safe_cell): a cell that begins with =, +, -, @, a tab or a carriage return is run as
a formula by Excel, WPS and LibreOffice. Every export prefixes such text with an apostrophe,
which spreadsheets show as text; importers strip that one apostrophe again so an export reads
back unchanged.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from xml.etree.ElementTree import ParseError

import openpyxl
from defusedxml import DefusedXmlException
from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl.utils.exceptions import InvalidFileException

from core.errors import InvalidInput

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """The value to write into an exported cell: text that could run as a formula is quoted."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def unquote_cell(text: str) -> str:
    """Undo safe_cell on import: drop the apostrophe that was put before formula-like text."""
    if len(text) > 1 and text[0] == "'" and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


# --- opening ----------------------------------------------------------------------------------

# Whatever a broken or hostile workbook makes openpyxl raise while opening or reading it.
PARSE_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, InvalidFileException, KeyError,
                IndexError, ValueError, TypeError, AttributeError, EOFError, OSError,
                ParseError, DefusedXmlException, NotImplementedError)
# A member smaller than this is not held to the ratio: tiny XML parts compress very well.
RATIO_FLOOR_BYTES = 1024 * 1024


class SpreadsheetRefused(InvalidInput):
    """The workbook cannot be read safely: HTTP 400 on the ``file`` field, nothing imported."""

    default_code = "invalid_file"

    def __init__(self, message: str, *, field: str | None = "file", **kwargs):
        super().__init__(message, field=field, **kwargs)


def not_a_workbook() -> SpreadsheetRefused:
    return SpreadsheetRefused(_("The file is not a valid .xlsx workbook."))


def check_zip(content: bytes) -> zipfile.ZipFile:
    """The archive, after its directory passed the limits; refuses a zip bomb before a single
    member is expanded (the sizes read are the directory's; zipfile stops a member that
    expands past its declared size)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise not_a_workbook() from None
    members = archive.infolist()
    too_big = SpreadsheetRefused(_(
        "The workbook expands to an unreasonable size (a zip bomb?) and was refused."))
    if len(members) > settings.IMPORT_MAX_ZIP_MEMBERS:
        archive.close()
        raise too_big
    total = 0
    for member in members:
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if (member.file_size > settings.IMPORT_MAX_MEMBER_BYTES
                or total > settings.IMPORT_MAX_EXPANDED_BYTES
                or (member.file_size > RATIO_FLOOR_BYTES
                    and ratio > settings.IMPORT_MAX_COMPRESSION_RATIO)):
            archive.close()
            raise too_big
    return archive


def open_workbook(content: bytes):
    """A read-only openpyxl workbook of checked bytes (close it after use); SpreadsheetRefused
    for a zip bomb or a file openpyxl cannot open. Iterating its rows can still hit broken XML:
    wrap that in ``except PARSE_ERRORS`` and raise not_a_workbook()."""
    check_zip(content).close()
    try:
        # data_only: what the person sees (a formula's last value), never the formula.
        return openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True,
                                      keep_links=False)
    except PARSE_ERRORS:
        raise not_a_workbook() from None


# --- reading uploads (.xlsx and .csv) -----------------------------------------------------

TABLE_EXTENSIONS = (".xlsx", ".csv")


def file_extension(file_name: str) -> str:
    name = (file_name or "").lower().strip()
    return name[name.rfind("."):] if "." in name else ""


def read_upload(data, *, limit: int, too_big: str) -> bytes:
    """The upload's bytes, refusing more than ``limit`` bytes (with the message ``too_big``)
    without reading it all."""
    size = len(data) if isinstance(data, bytes | bytearray) else getattr(data, "size", None)
    if size is not None and size > limit:
        raise SpreadsheetRefused(too_big)
    if isinstance(data, bytes | bytearray):
        return bytes(data)
    if hasattr(data, "seek"):
        data.seek(0)
    content = data.read(limit + 1)
    if len(content) > limit:
        raise SpreadsheetRefused(too_big)
    return content


def read_rows(file_name: str, content: bytes) -> Iterator[tuple[int, list]]:
    """(row number, cell values) for every row of the first sheet, empty rows included."""
    extension = file_extension(file_name)
    if extension == ".xlsm":
        raise SpreadsheetRefused(
            _("Macro-enabled workbooks (.xlsm) are refused; save the file as .xlsx."))
    if extension not in TABLE_EXTENSIONS:
        raise SpreadsheetRefused(_("Only .xlsx and .csv files can be imported."))
    if not content:
        raise SpreadsheetRefused(_("The file is empty."))
    if extension == ".xlsx":
        return _xlsx_rows(content)
    return _csv_rows(content)


def _check_zip(content: bytes) -> None:
    """Zip bombs (check_zip), then macros."""
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
            raise SpreadsheetRefused(_("The workbook contains macros; save it as a plain .xlsx."))


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
        raise SpreadsheetRefused(_("The workbook has no sheet."))

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
        raise SpreadsheetRefused(_("The CSV file is neither UTF-8 nor GBK text.")) from None


def _csv_rows(content: bytes) -> Iterator[tuple[int, list]]:
    text = decode_csv(content)
    if "\x00" in text:
        raise SpreadsheetRefused(_("The CSV file is not text."))
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    def rows():
        try:
            # A record is one spreadsheet row even when a quoted cell spans several lines.
            for number, values in enumerate(reader, start=1):
                yield number, [cell_text(v) for v in values]
        except csv.Error as exc:
            raise SpreadsheetRefused(
                _("The CSV file is malformed: %(error)s") % {"error": exc}) from None

    return rows()


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


# --- reporting -------------------------------------------------------------------------------

@dataclass
class RowError:
    """One problem of an import, where the person finds it in their spreadsheet."""

    row: int | None  # as the spreadsheet shows it (header = 1); None for the whole file
    column: str      # the header as written in the file
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        if not self.column:
            return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}
        return _("Row %(row)s, column “%(column)s”: %(message)s") % {
            "row": self.row, "column": self.column, "message": self.message}
