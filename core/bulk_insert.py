"""Insert thousands of rows in one statement, skipping those a unique constraint already holds,
and learn which rows were new.

The SLA minute job writes ~29,000 escalations and ~37,000 outbox rows when 10,000 clocks come
due at once. Django's bulk_create builds a model instance per row and prepares every field of
every row in Python, and with ignore_conflicts it cannot say which rows were inserted; that was
most of the job's time (bench/README.md). Here the rows travel as one JSON parameter, which
PostgreSQL turns back into rows of the table's own column types:

    INSERT INTO t (a, b, c) SELECT r.a, r.b, %s FROM json_populate_recordset(NULL::t, %s) AS r
    ON CONFLICT (key) DO NOTHING RETURNING id, key

so building the statement is one json.dumps (C code) for 10 rows or 10,000 — array parameters
are dumped element by element in Python, which for the outbox rows of a catch-up cost most of a
second — and only the rows it returns were inserted by this call (a concurrent twin, or an
earlier run, holds the others).

Values are str, int, bool, None or aware datetimes (sent in ISO 8601, offset included); a
foreign key may be given as its model instance or its id. Columns no row names get the field's
default, prepared once, as Django would give each new instance.
"""

from __future__ import annotations

from collections.abc import Sequence

import orjson
from django.db import connection, models


def insert_new(model: type[models.Model], rows: list[dict], *, unique: Sequence[str],
               returning: Sequence[str] = ("id",)) -> list[tuple]:
    """Insert `rows` (dicts of field name or attname → value) into `model`'s table unless a row
    with the same `unique` columns exists; returns the `returning` columns of the rows this call
    inserted. `unique` names the columns of a unique constraint or index (attnames)."""
    if not rows:
        return []
    if connection.vendor != "postgresql":
        return _insert_new_portably(model, rows, unique=unique, returning=returning)
    given, constant = _columns(model, rows)
    table = connection.ops.quote_name(model._meta.db_table)
    quote = connection.ops.quote_name
    names = [quote(field.column) for field, _key in given] + [
        quote(field.column) for field, _value in constant]
    picked = ", ".join(f"r.{quote(field.column)}" for field, _key in given)
    constants = "".join(f", %s::{field.db_type(connection)}" for field, _value in constant)
    sql = (f"INSERT INTO {table} ({', '.join(names)}) "  # noqa: S608 - names from the model
           f"SELECT {picked}{constants} FROM json_populate_recordset(NULL::{table}, %s) AS r "
           f"ON CONFLICT ({', '.join(quote(c) for c in unique)}) DO NOTHING")
    if returning:
        sql += f" RETURNING {', '.join(quote(c) for c in returning)}"
    params = [value for _field, value in constant]  # first in the statement's text
    params.append(_as_json(given, rows))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if returning else []


def _as_json(given: list, rows: list[dict]) -> str:
    """The rows as one JSON array of objects keyed by column. orjson writes datetimes itself
    (RFC 3339, offset included) and is several times faster than json.dumps with a `default`
    hook for them: for the ~37,000 outbox rows of a catch-up that was a few hundred ms."""
    plain = [(field.column, key, _default(field)) for field, key in given
             if not field.is_relation]
    related = [(field.column, key, _default(field)) for field, key in given if field.is_relation]
    objects = []
    for row in rows:
        obj = {column: row.get(key, default) for column, key, default in plain}
        for column, key, default in related:
            obj[column] = _pk_of(row.get(key, default))
        objects.append(obj)
    return orjson.dumps(objects, default=_json_value).decode()


def _json_value(value):
    raise TypeError(f"{type(value).__name__} is not a column value bulk_insert can send")


def _columns(model, rows: list[dict]) -> tuple[list, list]:
    """(field, key in the rows) for the columns the rows name; (field, prepared default) for the
    others. The primary key is left to its sequence."""
    named = set().union(*(row.keys() for row in rows))
    given, constant = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        key = field.name if field.name in named else (
            field.attname if field.attname in named else None)
        if key is not None:
            given.append((field, key))
        else:
            constant.append((field, _default(field)))
    return given, constant


def _default(field):
    return field.get_db_prep_save(field.get_default(), connection)


def _pk_of(value):
    """A foreign key's value given as its model instance or as its id."""
    return value.pk if isinstance(value, models.Model) else value


def _insert_new_portably(model, rows: list[dict], *, unique: Sequence[str],
                         returning: Sequence[str]) -> list[tuple]:
    """SQLite (development; ≥ 3.35 for RETURNING): multi-row INSERT … ON CONFLICT DO NOTHING
    RETURNING, as many rows a statement as its parameter limit allows, each value prepared by
    its field as Django would."""
    given, constant = _columns(model, rows)
    quote = connection.ops.quote_name
    names = [quote(field.column) for field, _key in given] + [
        quote(field.column) for field, _value in constant]
    row_sql = "(" + ", ".join(["%s"] * len(names)) + ")"
    per_statement = max(1, (connection.features.max_query_params or 999) // len(names))
    tail = f" ON CONFLICT ({', '.join(quote(c) for c in unique)}) DO NOTHING"
    if returning:
        tail += f" RETURNING {', '.join(quote(c) for c in returning)}"
    inserted = []
    for start in range(0, len(rows), per_statement):
        part = rows[start:start + per_statement]
        params = []
        for row in part:
            for field, key in given:
                value = row[key] if key in row else field.get_default()
                params.append(field.get_db_prep_save(
                    _pk_of(value) if field.is_relation else value, connection))
            params += [value for _field, value in constant]
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {quote(model._meta.db_table)} "  # noqa: S608
                           f"({', '.join(names)}) VALUES {', '.join([row_sql] * len(part))}"
                           + tail, params)
            if returning:
                inserted += cursor.fetchall()
    return inserted
