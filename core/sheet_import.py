"""The skeleton every spreadsheet import shares (the asset register, people): find the header
row, read the data rows under it, check each cell, collect every problem by spreadsheet row and
column, and write only a file without a single error, all or nothing.

The importers bring what is theirs: the columns (``SheetSpec``), the checks of each row against
the database and the plan of what to write (``check``), and the writing (``write``).
core/spreadsheets.py reads the file itself, safely.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError
from django.utils.translation import gettext as _

from core.spreadsheets import RowError, SpreadsheetRefused, read_rows

BATCH = 500  # rows between two progress reports


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass
class SheetRow:
    number: int  # the spreadsheet's row number, as the errors name it
    values: dict  # column key → the cleaned cell (None when empty)


@dataclass(frozen=True)
class SheetSpec:
    """An import's columns. ``key_for(header text)``: the column key, None for an unknown
    header. ``required``: (key, header) of the columns a file must have. ``clean(row number,
    key, header, cell, result)``: the cell's value, adding a RowError to the result when it is
    bad. ``check_headers(row number, headers, result)``: the import's own header rules."""

    key_for: Callable[[str], Hashable | None]
    required: Sequence[tuple[Hashable, str]]
    max_rows: int
    clean: Callable[[int, Hashable, str, Any, ImportResult], Any]
    check_headers: Callable[[int, dict, ImportResult], None] | None = None


def fail(result: ImportResult, row: int | None, column: str | None, message: str) -> bool:
    """Record a problem of a row and column; False, for `ok = fail(...)`."""
    result.errors.append(RowError(row, column or "", message))
    return False


def read_sheet(file_name: str, content: bytes, result: ImportResult, spec: SheetSpec, *,
               row_class: type[SheetRow] = SheetRow,
               progress: Callable[[str, int], None] | None = None,
               ) -> tuple[dict, list[SheetRow]]:
    """(headers: column key → header text as written, the non-empty data rows). Header errors
    stop the reading (no rows come back); a file without a header row or with more than
    ``spec.max_rows`` rows is refused (SpreadsheetRefused)."""
    rows = read_rows(file_name, content)
    headers = positions = None
    for number, values in rows:
        if any(v is not None for v in values):
            headers, positions = _map_header(number, values, result, spec)
            break
    if headers is None:
        raise SpreadsheetRefused(_("The file has no header row."))
    if result.errors:
        return headers, []
    records = []
    for number, values in rows:
        if not any(v is not None for v in values):
            continue
        if len(records) >= spec.max_rows:
            raise SpreadsheetRefused(_("The file has more than %(count)s rows; split it.")
                                     % {"count": spec.max_rows})
        cells = {}
        for index, key in positions.items():
            value = values[index] if index < len(values) else None
            cells[key] = spec.clean(number, key, headers[key], value, result)
        records.append(row_class(number, cells))
        if progress is not None and len(records) % BATCH == 0:
            progress("read", len(records))
    return headers, records


def _map_header(number: int, values: list, result: ImportResult,
                spec: SheetSpec) -> tuple[dict, dict]:
    headers, positions = {}, {}
    for index, text in enumerate(values):
        if text is None:
            continue
        text = str(text)
        key = spec.key_for(text)
        if key is None:
            fail(result, number, text, _("Unknown column; the import page lists the column names."))
        elif key in headers:
            fail(result, number, text, _("This column appears twice."))
        else:
            headers[key], positions[index] = text, key
    for key, header in spec.required:
        if key not in headers:
            fail(result, number, header, _("This column is missing."))
    if spec.check_headers is not None:
        spec.check_headers(number, headers, result)
    return headers, positions


def sort_errors(result: ImportResult, headers: dict) -> None:
    """By row, then in the file's column order (file-wide problems first)."""
    order = {text: position for position, text in enumerate(headers.values())}
    result.errors.sort(key=lambda e: (e.row or 0, order.get(e.column, -1)))


@dataclass
class Plan:
    """What a checked file would do: how many rows create and update, and what to write."""

    created: int
    updated: int
    changes: Any = None


def import_all_or_nothing(result: ImportResult, *,
                          read: Callable[[], tuple[dict, list[SheetRow]]],
                          check: Callable[[dict, list[SheetRow]], Plan],
                          write: Callable[[Plan], None],
                          conflict: Callable[[Exception], str],
                          conflicts: tuple[type[Exception], ...] = (IntegrityError,),
                          ) -> ImportResult:
    """Read, check, then write only a file without errors (unless a dry run). ``write`` runs
    in its own transaction; one of ``conflicts`` raised by it (the data changed between the
    check and the write) undoes it all and becomes the one error ``conflict(exc)``."""
    try:
        headers, rows = read()
    except SpreadsheetRefused as exc:
        result.errors = [RowError(None, "", exc.message)]
        return result
    if not rows:
        # Header errors stop the reading; a header alone is an error too.
        result.errors = result.errors or [RowError(None, "", _("The file has no rows to import."))]
        return result
    plan = check(headers, rows)
    if result.errors:
        sort_errors(result, headers)
        return result
    result.created, result.updated = plan.created, plan.updated
    result.unchanged = len(rows) - plan.created - plan.updated
    if result.dry_run or not (plan.created or plan.updated):
        return result
    try:
        write(plan)
    except conflicts as exc:
        result.created = result.updated = result.unchanged = 0
        result.errors = [RowError(None, "", conflict(exc))]
    return result
