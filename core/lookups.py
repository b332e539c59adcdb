"""``InIdList``: a column among a list of ids given as one SQL parameter (issue 19).

Django's ``pk__in=[…]`` writes one placeholder per id, so the SQL changes with the number of
ids and a query compiled once (core.prepared) cannot take the list. Here the list is one
value: a PostgreSQL array (``id = ANY(%s)``), or on SQLite (the embedded default of
``make run``) a JSON array read by ``json_each``. Used as a filter expression:
``Ticket.objects.filter(InIdList(F("pk"), ids))``. ``InDateList`` is the same for a list of
dates (the KPI charts' month ends).
"""

from __future__ import annotations

import json
from datetime import date, datetime

from django.db.models import Lookup


def id_list_param(ids, connection) -> list[int] | str:
    """The parameter InIdList sends for these ids on this connection: integers only, so a
    value that is not one fails here, before any SQL."""
    ids = [int(pk) for pk in ids]
    return ids if connection.vendor == "postgresql" else json.dumps(ids)


class InIdList(Lookup):
    lookup_name = "in_id_list"
    prepare_rhs = False  # the list is adapted whole by get_db_prep_lookup, not by the field

    def get_db_prep_lookup(self, value, connection):
        return "%s", [id_list_param(value, connection)]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY({rhs})", (*lhs_params, *rhs_params)
        # lhs and rhs are compiled SQL with placeholders; the ids are parameters.
        sql = f"{lhs} IN (SELECT value FROM json_each({rhs}))"  # noqa: S608
        return sql, (*lhs_params, *rhs_params)


def date_list_param(days, connection) -> list[date] | str:
    """The parameter InDateList sends: dates only (a date and time is not one), as a
    PostgreSQL date[] or a JSON array of ISO dates, which is how SQLite stores a DateField."""
    if not all(isinstance(day, date) and not isinstance(day, datetime) for day in days):
        raise TypeError("InDateList takes dates only.")
    days = list(days)
    return days if connection.vendor == "postgresql" else json.dumps(
        [day.isoformat() for day in days])


class InDateList(InIdList):
    """A date column among a list of dates given as one SQL parameter, as InIdList for ids."""

    lookup_name = "in_date_list"

    def get_db_prep_lookup(self, value, connection):
        return "%s", [date_list_param(value, connection)]
