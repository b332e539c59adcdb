"""sla.working_days: the one reader of official working days from the holiday tables."""

from datetime import date

from sla.models import HolidayDay, HolidayYear, ServiceCalendar
from sla.working_days import MONDAY_TO_FRIDAY, closed_day_names, working_days, working_days_of


def test_it_reads_the_tables_the_data_migration_loaded(db):
    official = working_days()
    assert 2025 in official.entered
    assert not official.is_working(date(2025, 10, 1))
    assert official.is_working(date(2025, 9, 28))  # make-up Sunday
    assert official.after(date(2025, 9, 30), 7) == date(2025, 10, 16)
    assert not official.estimated(date(2025, 10, 1), date(2025, 10, 16))


def test_a_table_change_is_seen_at_once(db):
    assert working_days().is_working(date(2025, 11, 3))
    HolidayDay.objects.create(region="CN", day=date(2025, 11, 3), kind="closed", name="元旦")
    assert not working_days().is_working(date(2025, 11, 3))
    HolidayYear.objects.filter(year=2025).delete()
    assert working_days().is_working(date(2025, 11, 3))  # not entered: Monday to Friday
    assert working_days().estimated(date(2025, 11, 1), date(2025, 11, 3))


def test_a_calendar_without_holidays_works_monday_to_friday(db):
    calendar = ServiceCalendar(code="x", name="x", hours="mon-fri 09:00-18:00",
                               holidays=ServiceCalendar.Holidays.NONE)
    assert working_days_of(calendar) is MONDAY_TO_FRIDAY
    assert working_days_of(calendar).is_working(date(2025, 10, 1))
    calendar.holidays = ServiceCalendar.Holidays.CN
    assert not working_days_of(calendar).is_working(date(2025, 10, 1))


def test_closed_day_names(db):
    names = closed_day_names(date(2025, 9, 28), date(2025, 10, 2))
    assert set(names) == {date(2025, 10, 1), date(2025, 10, 2)}
    assert all("国庆" in n for n in names.values())
