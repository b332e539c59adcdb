"""The demo data, loaded for real once per moment and replayed as rows in later tests.

`load_demo()` makes ~1,900 queries through the services (3 s a test on PostgreSQL); hundreds of
tests start from it. The first test at a given moment (the clock floored to 10 s, so frozen-time
tests get a demo made at their frozen time) loads it for real and records the rows of every
table it changed; later tests at the same moment, starting from the same empty state, get those
rows written back in one statement per table (foreign keys are deferred on PostgreSQL and
SQLite, so order does not matter), with the id sequences moved past them. Anything unexpected
(a different starting state) falls back to the real load.
"""

from __future__ import annotations

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, models, transaction

from core.clock import now
from demo.data import load_demo

_recorded: dict[tuple, list] = {}


def _models() -> list[type[models.Model]]:
    return [m for m in apps.get_models(include_auto_created=True)
            if m._meta.managed and not m._meta.proxy]


def _tables() -> list[str]:
    return sorted({m._meta.db_table for m in _models()})


def _counts(cursor, tables) -> tuple:
    qn = connection.ops.quote_name
    cursor.execute("SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {qn(t)})" for t in tables))
    return tuple(cursor.fetchone())


def _rows(cursor, table) -> tuple[list[str], list[tuple]]:
    cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
    return [c[0] for c in cursor.description], cursor.fetchall()


def _json_columns() -> dict[str, set[str]]:
    columns: dict[str, set[str]] = {}
    for model in _models():
        for field in model._meta.local_fields:
            if isinstance(field, models.JSONField):
                columns.setdefault(model._meta.db_table, set()).add(field.column)
    return columns


def load_demo_cached() -> None:
    tables = _tables()
    moment = now()
    with connection.cursor() as cursor:
        before = _counts(cursor, tables)
        key = (connection.vendor, moment.replace(second=moment.second // 10 * 10,
                                                 microsecond=0), before)
        if key in _recorded:
            # One transaction even in autocommit (transactional tests): the deferred foreign
            # keys are checked when it ends, after every table is back.
            with transaction.atomic():
                _replay(cursor, _recorded[key])
            return
        snapshot = {t: _rows(cursor, t) for t in tables}
        load_demo()
        changed = []
        for table in tables:
            columns, rows = _rows(cursor, table)
            if sorted(map(repr, rows)) != sorted(map(repr, snapshot[table][1])):
                changed.append((table, columns, rows))
        _recorded[key] = changed


def _replay(cursor, changed) -> None:
    qn = connection.ops.quote_name
    json_columns = _json_columns()
    # PostgreSQL hands JSON back as text (Django loads it itself): cast it back on the way in.
    cast = "::jsonb" if connection.vendor == "postgresql" else ""
    for table, columns, rows in changed:
        cursor.execute(f"DELETE FROM {qn(table)}")  # noqa: S608
        if not rows:
            continue
        names = ", ".join(qn(c) for c in columns)
        row_marks = "(" + ", ".join(
            f"%s{cast}" if c in json_columns.get(table, ()) else "%s" for c in columns) + ")"
        # Multi-row INSERTs, not executemany (psycopg's pipeline mode would outlive an error).
        for start in range(0, len(rows), 200):
            chunk = rows[start:start + 200]
            cursor.execute(
                f"INSERT INTO {qn(table)} ({names}) VALUES "  # noqa: S608
                + ", ".join([row_marks] * len(chunk)),
                [value for row in chunk for value in row])
    touched = {t for t, _c, _r in changed}
    reset = [m for m in _models() if m._meta.db_table in touched]
    for statement in connection.ops.sequence_reset_sql(no_style(), reset):
        cursor.execute(statement)
