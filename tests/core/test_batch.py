"""core/batch.py: reference data read once per bulk operation, deferred work flushed once."""

import pytest

from core import batch


def test_outside_a_scope_it_computes_every_time_and_defers_nothing():
    calls = []
    assert batch.remember("k", lambda: calls.append(1) or len(calls)) == 1
    assert batch.remember("k", lambda: calls.append(1) or len(calls)) == 2
    assert batch.defer("kind", 1, lambda items: calls.append(items)) is False
    assert not batch.active()


def test_inside_a_scope_a_key_is_computed_once():
    calls = []
    with batch.scope():
        assert batch.active()
        first = batch.remember(("a", 1), lambda: calls.append(1) or "x")
        again = batch.remember(("a", 1), lambda: calls.append(1) or "y")
        other = batch.remember(("a", 2), lambda: calls.append(1) or "z")
    assert (first, again, other) == ("x", "x", "z")
    assert len(calls) == 2
    with batch.scope():  # a new scope starts empty
        assert batch.remember(("a", 1), lambda: "fresh") == "fresh"


def test_deferred_items_are_flushed_once_at_the_end_of_the_outer_scope():
    flushed = []
    with batch.scope():
        assert batch.defer("n", 1, flushed.append)
        with batch.scope():  # a nested scope joins the outer one
            assert batch.defer("n", 2, flushed.append)
        assert flushed == []
        batch.defer("m", "a", flushed.append)
    assert flushed == [[1, 2], ["a"]]


def test_an_error_flushes_nothing():
    flushed = []
    with pytest.raises(RuntimeError), batch.scope():
        batch.defer("n", 1, flushed.append)
        raise RuntimeError("boom")
    assert flushed == []
    assert not batch.active()
