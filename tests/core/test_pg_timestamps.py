"""core.pg_timestamps: timestamps read through psycopg's C parser give exactly what Django's
own loader gives, and Django keeps the loader on every cursor."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.backends.postgresql.psycopg_any import BaseTzLoader
from psycopg.pq import Format

from accounts.models import SecurityEvent
from core.pg_timestamps import TIMESTAMPTZ_OID, timestamptz_loader

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")

TEXTS = [b"2026-12-07 13:49:00.533153+00", b"2026-03-01 01:02:03+08", b"1999-12-31 23:59:59-05",
         b"2028-02-29 00:00:00.000001+00", b"2026-06-30 12:00:00+05:30"]


class _DjangoLoader(BaseTzLoader):
    timezone = UTC


def test_it_parses_as_djangos_loader_does(db):
    connection.ensure_connection()
    raw = connection.connection
    ours, django = timestamptz_loader(UTC)(TIMESTAMPTZ_OID, raw), _DjangoLoader(TIMESTAMPTZ_OID,
                                                                              raw)
    for text in TEXTS:
        mine, theirs = ours.load(text), django.load(text)
        assert mine == theirs and mine.tzinfo is theirs.tzinfo is UTC, text


def test_every_cursor_reads_timestamps_with_it(demo):
    event = SecurityEvent.objects.create(kind=SecurityEvent.Kind.EXPORT, actor=demo["desk"])
    with connection.cursor() as cursor:
        loader = cursor.cursor.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)
        assert loader is timestamptz_loader(connection.timezone)
        cursor.execute("SELECT %s::timestamptz", ["2026-03-01 01:02:03+08"])
        assert cursor.fetchone()[0] == datetime(2026, 2, 28, 17, 2, 3, tzinfo=UTC)
    read = SecurityEvent.objects.values_list("at", flat=True).get(pk=event.pk)
    assert read == event.at and read.tzinfo is UTC
