"""core.planner.joins_as_written: the hint holds inside the block only (issue 19)."""

import pytest
from django.db import DatabaseError, connection, transaction

from core.planner import joins_as_written

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="a PostgreSQL planner setting")


def _limit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW join_collapse_limit")
        return cursor.fetchone()[0]


def test_inside_a_transaction_the_value_before_comes_back(db):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL join_collapse_limit = 5")
    with joins_as_written():
        assert _limit() == "1"
    assert _limit() == "5"


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_it_opens_one_and_the_setting_ends_with_it():
    default = _limit()
    assert not connection.in_atomic_block
    with joins_as_written():
        assert connection.in_atomic_block
        assert _limit() == "1"
    assert not connection.in_atomic_block
    assert _limit() == default == "8"


@pytest.mark.django_db(transaction=True)
def test_after_an_error_the_rollback_takes_the_setting_back():
    default = _limit()
    with pytest.raises(DatabaseError), joins_as_written(), connection.cursor() as cursor:
        cursor.execute("SELECT 1 / 0")
    assert _limit() == default


def test_an_error_inside_an_enclosing_transaction_marks_it_for_rollback(db):
    with (pytest.raises(DatabaseError), transaction.atomic(), joins_as_written(),
          connection.cursor() as cursor):
        cursor.execute("SELECT 1 / 0")
    # The test's own transaction is intact (the enclosing atomic above rolled back).
    assert _limit() == "8"
