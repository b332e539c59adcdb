"""core.periods' official working days: pure functions of the closed and make-up days."""

from datetime import date

import pytest

from core.periods import (
    is_working_day,
    working_day_after,
    working_days_between,
    years_unentered,
)

# 2025's National Day: closed Wed Oct 1 – Wed Oct 8; make-up working days Sun Sep 28, Sat Oct 11.
CLOSED = frozenset(date(2025, 10, d) for d in range(1, 9)) | {date(2026, 1, 1)}
MAKEUP = frozenset({date(2025, 9, 28), date(2025, 10, 11), date(2026, 1, 4)})
SETS = {"closed": CLOSED, "makeup": MAKEUP}


@pytest.mark.parametrize(("day", "working"), [
    (date(2025, 9, 26), True),    # Friday
    (date(2025, 9, 27), False),   # Saturday
    (date(2025, 9, 28), True),    # Sunday, a make-up working day (调休)
    (date(2025, 10, 1), False),   # National Day, a Wednesday
    (date(2025, 10, 4), False),   # Saturday inside the holiday
    (date(2025, 10, 9), True),    # Thursday after it
    (date(2025, 10, 11), True),   # make-up Saturday
    (date(2025, 10, 12), False),  # Sunday
])
def test_weekend_holiday_and_makeup_days(day, working):
    assert is_working_day(day, **SETS) is working


def test_the_nth_working_day_after_never_counts_the_day_itself():
    # Tue Sep 30: Oct 9, 10, Sat 11 (make-up), 13, 14, 15, 16.
    assert working_day_after(date(2025, 9, 30), 7, **SETS) == date(2025, 10, 16)
    # Fri Sep 26: Sun 28 (make-up) is the next one.
    assert working_day_after(date(2025, 9, 26), **SETS) == date(2025, 9, 28)
    # Received on a holiday: the first day after it counts as 1.
    assert working_day_after(date(2025, 10, 3), 1, **SETS) == date(2025, 10, 9)
    with pytest.raises(ValueError):
        working_day_after(date(2025, 10, 3), 0, **SETS)


def test_across_the_year_end():
    # Wed 2025-12-31 → Thu Jan 1 is New Year's Day, Fri Jan 2, Sun Jan 4 (make-up), Mon Jan 5.
    assert working_day_after(date(2025, 12, 31), 1, **SETS) == date(2026, 1, 2)
    assert working_day_after(date(2025, 12, 31), 3, **SETS) == date(2026, 1, 5)
    assert working_days_between(date(2025, 12, 29), date(2026, 1, 6), **SETS) == [
        date(2025, 12, 29), date(2025, 12, 30), date(2025, 12, 31), date(2026, 1, 2),
        date(2026, 1, 4), date(2026, 1, 5)]


def test_a_year_not_entered_counts_monday_to_friday():
    entered = {2025}
    # 2026's rows are not trusted while 2026 is not entered: Jan 1 (Thu) is worked, the make-up
    # Sunday Jan 4 is not.
    assert is_working_day(date(2026, 1, 1), **SETS, entered=entered)
    assert not is_working_day(date(2026, 1, 4), **SETS, entered=entered)
    assert not is_working_day(date(2025, 10, 1), **SETS, entered=entered)
    assert working_day_after(date(2025, 12, 31), 3, **SETS, entered=entered) == date(2026, 1, 5)
    assert years_unentered(date(2025, 12, 1), date(2026, 1, 5), entered) == [2026]
    assert years_unentered(date(2025, 1, 1), date(2025, 12, 31), entered) == []
