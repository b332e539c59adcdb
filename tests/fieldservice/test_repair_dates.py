"""The dates of a vendor repair (seed 001): progress every 3 working days, back before the
second weekend after sending — against China's real calendar (chinesecalendar)."""

from datetime import date, timedelta

import chinese_calendar
import pytest

from fieldservice import repair_dates
from sla.working_days import MONDAY_TO_FRIDAY, WorkingDays


class China(WorkingDays):
    """Working days straight from chinesecalendar (no tables), to check the dates against."""

    def __init__(self):
        super().__init__(frozenset(), frozenset())

    def is_working(self, day):
        return chinese_calendar.is_workday(day)

    def after(self, day, n=1):
        while n:
            day += timedelta(days=1)
            n -= chinese_calendar.is_workday(day)
        return day


CN = China()


@pytest.mark.parametrize(("sent", "due"), [
    # A plain Friday: the next working week, up to its Friday.
    (date(2026, 11, 6), date(2026, 11, 13)),
    # Monday to Thursday: the Friday of the following week.
    (date(2026, 11, 2), date(2026, 11, 13)),
    (date(2026, 11, 5), date(2026, 11, 13)),
    # Sent on a Saturday or Sunday: that weekend does not count.
    (date(2026, 11, 7), date(2026, 11, 20)),
    (date(2026, 11, 8), date(2026, 11, 20)),
    # Friday before the Mid-autumn holiday (Fri 25 Sep 2026): due the Thursday before it.
    (date(2026, 9, 18), date(2026, 9, 24)),
    # Thursday before Mid-autumn and National Day: 26-27 Sep (holiday) is the first weekend,
    # 3-4 Oct the second; 1-2 Oct are holidays, so the last working day is Wednesday 30 Sep.
    (date(2026, 9, 24), date(2026, 9, 30)),
])
def test_the_return_is_due_before_the_second_weekend(sent, due):
    assert repair_dates.return_due(sent, CN) == due


def test_a_weekend_of_two_make_up_working_days_is_not_a_weekend():
    """Both days worked (调休) on the first weekend: the next real weekend counts instead."""
    saturday = date(2030, 6, 1)
    worked = WorkingDays(closed=frozenset(), makeup=frozenset({saturday,
                                                                saturday + timedelta(days=1)}))
    sent = saturday - timedelta(days=1)  # Friday
    assert repair_dates.return_due(sent, worked) == sent + timedelta(days=14)
    assert repair_dates.return_due(sent, MONDAY_TO_FRIDAY) == sent + timedelta(days=7)


def test_a_make_up_saturday_of_the_second_weekend_is_still_the_weekend():
    friday = date(2030, 6, 7)
    worked = WorkingDays(closed=frozenset(), makeup=frozenset({friday + timedelta(days=8)}))
    # Due the Friday before it, not on the worked Saturday nor a week later.
    assert repair_dates.return_due(friday, worked) == friday + timedelta(days=7)


def test_no_working_day_before_the_second_weekend_means_the_first_one_after_sending():
    friday = date(2030, 6, 7)
    closed = frozenset(friday + timedelta(days=n) for n in range(3, 8))  # the whole next week
    holiday = WorkingDays(closed=closed, makeup=frozenset())
    assert repair_dates.return_due(friday, holiday) == friday + timedelta(days=10)


def test_progress_is_due_every_third_working_day_across_a_holiday():
    sent = date(2026, 9, 18)
    first = repair_dates.progress_due(sent, CN)
    second = repair_dates.progress_due(first, CN)
    third = repair_dates.progress_due(second, CN)
    # Sunday 20 Sep is a make-up working day; 25-27 Sep and 1-7 Oct are holidays.
    assert [first, second, third] == [date(2026, 9, 22), date(2026, 9, 28), date(2026, 10, 8)]
