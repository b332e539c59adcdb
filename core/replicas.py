"""Read-only pages on a read replica (DATABASE_REPLICA_URL; itsm/settings/scale.py).

A view marked `@replica_reads` (dashboards, drill-downs, reports, exports) runs its reads on the
"replica" database alias when one is configured; everything else, and every write anywhere,
goes to "default". Without a replica the router is not installed and the mark does nothing.

What stays on the primary even inside a marked view:
- the session, the user and the permission lookups of the middleware (they run before the view);
- every write (a security event recording an export, a session refresh): db_for_write is always
  "default";
- reads inside a transaction on "default" (a service locking rows and reading them back must
  see its own writes, which the replica has not received yet).
A streamed export is read while it is sent, after the view returned; the mark follows the
stream so its rows come from the replica too.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Iterator

from django.db import connections

REPLICA = "replica"
DEFAULT = "default"

_reading_from_replica: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "reading_from_replica", default=False)


class ReplicaRouter:
    """Reads of marked views to the replica, everything else to the primary."""

    def db_for_read(self, model, **hints):
        if not _reading_from_replica.get():
            return DEFAULT
        if connections[DEFAULT].in_atomic_block:
            return DEFAULT
        return REPLICA

    def db_for_write(self, model, **hints):
        return DEFAULT

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases hold the same rows: an object read on the replica may be saved on default.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica follows the primary by replication; Django never migrates it.
        return db == DEFAULT


def replica_reads(view):
    """Mark a read-only view: its queries (and a streamed response's) read from the replica."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        token = _reading_from_replica.set(True)
        try:
            response = view(request, *args, **kwargs)
        finally:
            _reading_from_replica.reset(token)
        if getattr(response, "streaming", False):
            response.streaming_content = _streamed_from_replica(response.streaming_content)
        return response

    return wrapper


def _streamed_from_replica(chunks) -> Iterator:
    # Marked around each step, not the whole generator: a server may resume it in another
    # context (ASGI runs each step in a thread of its own), where a token cannot be reset.
    iterator = iter(chunks)
    while True:
        token = _reading_from_replica.set(True)
        try:
            chunk = next(iterator)
        except StopIteration:
            return
        finally:
            _reading_from_replica.reset(token)
        yield chunk
