"""Planner hints for the few queries whose planning costs more than their execution.

PostgreSQL searches the orders in which to join up to `join_collapse_limit` (8) relations. For a
query that reads one row by a unique key and joins what it shows by primary key, every order
ends in the same plan, and the search is wasted: the ticket page's query (ten relations and a
dozen EXISTS flags) took 14 ms to plan and 1.3 ms to run at 1,000,000 tickets; joined in the
order written, 2.4 ms to plan and 0.7 ms to run (bench/README.md, issue 19).
"""

from __future__ import annotations

from contextlib import contextmanager

from django.db import connections, transaction


@contextmanager
def joins_as_written(using: str = "default"):
    """Run the queries inside in a transaction that joins relations in the order the SQL
    names them (`join_collapse_limit = 1`, SET LOCAL). Use it only around queries that start
    from one row found by a unique key, and keep the block to them: inside an enclosing
    transaction no savepoint is taken (two statements fewer), so, as with Django's
    `atomic(savepoint=False)`, an exception leaving the block marks that transaction for
    rollback. The setting in force before is restored when the block ends, so an enclosing
    transaction plans its later queries as before. Elsewhere than on PostgreSQL it does
    nothing."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    enclosed = connection.in_atomic_block
    with transaction.atomic(using=using, savepoint=False):
        with connection.cursor() as cursor:
            # One round trip: the value to restore, then the hint (evaluated left to right).
            cursor.execute("SELECT current_setting('join_collapse_limit'), "
                           "set_config('join_collapse_limit', '1', true)")
            before = cursor.fetchone()[0]
        yield
        # Our own transaction ends here and takes the setting with it; inside another, put
        # the value back. (After an error that transaction can only roll back, which undoes
        # the SET too.)
        if enclosed:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('join_collapse_limit', %s, true)", [before])


def one_row_as_written(queryset):
    """The first row of `queryset` (one found by a unique key), or None, read with its joins
    planned as written. Read with list(), so no exception leaves the block."""
    with joins_as_written(queryset.db):
        found = list(queryset[:1])
    return found[0] if found else None
