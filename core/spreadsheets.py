"""Spreadsheets opened and written safely.

Opening (open_workbook): an uploaded .xlsx is a zip of XML written by anyone. Its zip directory
is inspected before openpyxl sees it, and a zip bomb (too many members, a member or the whole
expanding past the limits, or a compression ratio no real workbook has) is refused at once;
every way the XML can be broken (a cell pointing at a missing shared string, bad zip, bad XML,
defusedxml's refusals) is one InvalidInput naming the file, never a 500.

Writing (safe_cell): a cell that begins with =, +, -, @, a tab or a carriage return is run as
a formula by Excel, WPS and LibreOffice. Every export prefixes such text with an apostrophe,
which spreadsheets show as text; importers strip that one apostrophe again so an export reads
back unchanged.
"""

from __future__ import annotations

import io
import zipfile
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
