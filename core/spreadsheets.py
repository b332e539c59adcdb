"""Writing cells that spreadsheets open safely (CSV/formula injection, OWASP).

A cell that begins with =, +, -, @, a tab or a carriage return is run as a formula by Excel, WPS
and LibreOffice. Every export prefixes such text with an apostrophe, which spreadsheets show as
text; importers strip that one apostrophe again so an export reads back unchanged.
"""

from __future__ import annotations

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
