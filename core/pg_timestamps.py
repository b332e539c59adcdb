"""Timestamps parsed by psycopg's C loader on every PostgreSQL connection (issue 19).

Django's PostgreSQL backend reads ``timestamptz`` columns through its own loader
(django.db.backends.postgresql.psycopg_any.BaseTzLoader), a subclass of psycopg's *Python*
loader: it parses the text in Python and then labels the result with the connection's time
zone. That is about 5 µs a value, where psycopg[binary]'s C loader takes 0.2 µs: ~1 ms of a
page of 50 tickets with three or four timestamps each, and more for the SLA job's claims.

The loader below keeps Django's behaviour exactly (parse, then ``replace(tzinfo=…)`` with the
connection's time zone, which Django sets on the session) and only hands the parsing to the
loader psycopg has registered by default, the C one when psycopg[binary] is installed. It has
Django's ``timezone`` attribute, so Django's per-cursor check finds it in agreement and keeps
it. A C loader cannot be subclassed, hence the small wrapper. Installed when a connection is
made (core.apps); tests/core/test_pg_timestamps.py compares it with Django's.
"""

from __future__ import annotations

from functools import lru_cache

import psycopg
from psycopg.adapt import Loader
from psycopg.pq import Format

TIMESTAMPTZ_OID = psycopg.adapters.types["timestamptz"].oid


@lru_cache
def timestamptz_loader(zone) -> type[Loader]:
    """A loader class giving what Django's gives for a connection in this time zone."""
    parser_class = psycopg.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)

    class TimestamptzLoader(Loader):
        timezone = zone  # read by Django's DatabaseWrapper.create_cursor

        def __init__(self, oid, context=None):
            super().__init__(oid, context)
            self._parse = parser_class(oid, context).load

        def load(self, data):
            return self._parse(data).replace(tzinfo=zone)

    return TimestamptzLoader


def install(sender, connection, **kwargs) -> None:
    """connection_created receiver: the C-parsing loader on a new PostgreSQL connection."""
    if connection.vendor != "postgresql":
        return
    connection.connection.adapters.register_loader(
        "timestamptz", timestamptz_loader(connection.timezone))
