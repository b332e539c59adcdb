"""Gap-free numbers per year (2026-000001, TS-2026-000001…) from a (year, last) counter table."""

from django.db import connection


def next_in_year(counter_model, year: int) -> int:
    """The next number of the year, in one upsert with RETURNING (PostgreSQL and SQLite).

    The counter row stays locked until the caller's transaction commits, so concurrent callers
    queue on it for the length of that transaction and no number is handed out twice or skipped."""
    table = counter_model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (year, last) VALUES (%s, 1) "  # noqa: S608 - our own table
            f"ON CONFLICT (year) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [year])
        return cursor.fetchone()[0]
