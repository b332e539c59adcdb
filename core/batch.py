"""One operation over many rows (the queue's bulk actions): a scope in which the services read
reference data once instead of once a row, and put off work that can be done once at the end.

Outside a scope every helper does what the caller would have done alone (compute now, act
now), so a single action behaves exactly as before. Inside one:

- ``remember(key, compute)`` returns the value computed first for `key` during the scope. Only
  for data that no row of the operation changes (a contract's SLA target, a person's channel
  choices, who is on a contract's team): the scope lasts one request.
- ``defer(kind, item, flush)`` collects items; ``flush(items)`` runs once when the scope ends
  without an error (e.g. one on-commit broker message for all the notifications queued).

Scopes are per thread/task (a ContextVar); a nested scope shares the outer one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")


@dataclass
class _Scope:
    memo: dict = field(default_factory=dict)
    deferred: dict = field(default_factory=dict)  # kind -> (flush, [items])


_current: ContextVar[_Scope | None] = ContextVar("core_batch_scope", default=None)


@contextmanager
def scope() -> Iterator[None]:
    """Open a scope (or join the one already open); flush what was deferred on a clean exit."""
    if _current.get() is not None:
        yield
        return
    state = _Scope()
    token = _current.set(state)
    try:
        yield
    finally:
        _current.reset(token)
    # Reached only without an exception: an error leaves nothing to flush (the caller's
    # transaction rolls back what was queued).
    for flush, items in state.deferred.values():
        flush(items)


def active() -> bool:
    return _current.get() is not None


def remember(key: Any, compute: Callable[[], T]) -> T:
    """The value of `compute()`, computed once per scope for `key` (every time outside one)."""
    state = _current.get()
    if state is None:
        return compute()
    try:
        return state.memo[key]
    except KeyError:
        value = state.memo[key] = compute()
        return value


def defer(kind: str, item: Any, flush: Callable[[list], None]) -> bool:
    """Collect `item` under `kind` for one `flush(items)` at the end of the scope. False outside
    a scope: the caller then does the work for this item itself."""
    state = _current.get()
    if state is None:
        return False
    state.deferred.setdefault(kind, (flush, []))[1].append(item)
    return True
