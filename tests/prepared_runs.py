"""Which compiled queries (core.prepared) a piece of code ran: for tests showing that a lookup
went through one rather than a queryset built on the spot."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from core.prepared import PreparedQuery


@contextmanager
def prepared_runs() -> Iterator[list[dict]]:
    """Inside the block, the values of each PreparedQuery.models call, in order."""
    runs: list[dict] = []
    original = PreparedQuery.models

    def counting(query, *args, **values):
        runs.append(values)
        return original(query, *args, **values)

    PreparedQuery.models = counting
    try:
        yield runs
    finally:
        PreparedQuery.models = original
