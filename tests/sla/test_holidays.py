"""China's holidays in the tables: the data migration, the loader, the load_holidays command,
and the calendars built from the tables."""

from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from sla.holidays import (
    build_calendar,
    calendar_days,
    calendar_days_clear,
    china_days,
    load_china_holidays,
)
from sla.models import HolidayDay, HolidayYear

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The days are cached per process; a rolled-back test must not leave its rows cached."""
    calendar_days_clear()
    yield
    calendar_days_clear()


def _snapshot():
    return (sorted(HolidayDay.objects.values_list("region", "day", "kind", "name")),
            sorted(HolidayYear.objects.values_list("region", "year", "source")))


def test_it_filled_2026_by_the_data_migration(db):
    assert HolidayDay.objects.get(region="CN", day=date(2026, 10, 1)).kind == "closed"
    assert HolidayDay.objects.get(region="CN", day=date(2026, 2, 14)).kind == "makeup"
    assert HolidayYear.objects.get(region="CN", year=2026).source.startswith("chinesecalendar ")
    assert set(HolidayYear.objects.values_list("year", flat=True)) >= set(range(2020, 2027))


def test_it_closes_every_day_of_a_holiday_period_weekends_included(db):
    closed = set(HolidayDay.objects.filter(kind="closed").values_list("day", flat=True))
    national_day = {date(2026, 10, d) for d in range(1, 8)}
    assert national_day <= closed
    # 2024 Dragon Boat Festival, "6月10日放假，与周末连休": the library lists only Monday.
    assert {date(2024, 6, 8), date(2024, 6, 9), date(2024, 6, 10)} <= closed
    assert HolidayDay.objects.get(day=date(2024, 6, 8)).name == "端午节"


def test_it_derives_the_2026_days_from_chinesecalendar():
    closed, makeup = china_days(2026)
    assert len(closed) == 33
    assert sorted(makeup) == [date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28),
                              date(2026, 5, 9), date(2026, 9, 20), date(2026, 10, 10)]
    assert closed[date(2026, 2, 21)] == "春节"


def test_it_joins_a_holiday_period_across_the_year_end():
    closed, _ = china_days(2017)
    assert date(2017, 12, 30) in closed  # 2018 New Year's Day joined to the weekend before


def test_it_loads_idempotently(db):
    before = _snapshot()
    assert load_china_holidays(years=[2026, 2025]) == [2025, 2026]
    assert load_china_holidays() == list(range(2020, 2027))
    assert _snapshot() == before


def test_it_repairs_a_changed_day_and_keeps_days_an_admin_added(db):
    HolidayDay.objects.filter(day=date(2026, 10, 1)).update(kind="makeup", name="typo")
    HolidayDay.objects.create(region="CN", day=date(2026, 12, 31), kind="closed", name="公司年会")
    HolidayDay.objects.filter(day=date(2026, 2, 14)).delete()
    load_china_holidays(years=[2026])
    assert HolidayDay.objects.get(day=date(2026, 10, 1)).kind == "closed"
    assert HolidayDay.objects.get(day=date(2026, 2, 14)).kind == "makeup"
    assert HolidayDay.objects.filter(day=date(2026, 12, 31)).exists()


def test_it_refuses_an_uncovered_year_and_changes_nothing(db):
    HolidayDay.objects.filter(day__year=2025).delete()
    HolidayYear.objects.filter(year=2025).delete()
    before = _snapshot()
    with pytest.raises(ValueError, match="chinesecalendar has no data for 2027"):
        load_china_holidays(years=[2025, 2027])
    assert _snapshot() == before


def test_it_reads_the_days_back_from_the_tables(db):
    closed, makeup, confirmed = calendar_days("CN")
    assert date(2026, 10, 1) in closed
    assert date(2026, 2, 14) in makeup
    assert 2026 in confirmed and 2027 not in confirmed
    assert calendar_days("CN") is calendar_days("CN")
    assert calendar_days("HK") == (frozenset(), frozenset(), frozenset())


def test_it_forgets_cached_days_when_the_tables_change(db):
    assert date(2026, 3, 2) not in calendar_days()[0]
    HolidayDay.objects.create(region="CN", day=date(2026, 3, 2), kind="closed", name="test")
    assert date(2026, 3, 2) in calendar_days()[0]
    HolidayYear.objects.create(region="CN", year=2027)
    assert 2027 in calendar_days()[2]
    HolidayYear.objects.filter(year=2027).delete()  # a queryset delete sends post_delete too
    assert 2027 not in calendar_days()[2]


def test_it_builds_a_calendar_with_chinas_days(db):
    calendar = build_calendar(hours="mon-fri 09:00-18:00", holidays="CN", tz="Asia/Shanghai")
    start = datetime(2026, 9, 30, 17, tzinfo=SH)
    assert calendar.add_minutes(start, 120) == datetime(2026, 10, 8, 10, tzinfo=SH)
    assert build_calendar(hours="mon-fri 09:00-18:00", holidays="CN",
                          tz="Asia/Shanghai") is calendar
    assert calendar.is_provisional(datetime(2026, 12, 31, 17, tzinfo=SH),
                                   datetime(2027, 1, 1, 10, tzinfo=SH))


def test_it_builds_a_calendar_without_holidays():
    calendar = build_calendar(hours="mon-fri 09:00-18:00", holidays="none", tz="Asia/Shanghai")
    start = datetime(2026, 9, 30, 17, tzinfo=SH)
    assert calendar.add_minutes(start, 120) == datetime(2026, 10, 1, 10, tzinfo=SH)
    assert not calendar.is_provisional(start, datetime(2027, 1, 1, tzinfo=SH))


def test_it_refuses_an_unknown_holiday_source():
    with pytest.raises(ValueError, match="holiday source"):
        build_calendar(hours="24x7", holidays="US", tz="Asia/Shanghai")


def test_it_loads_years_from_the_command(db):
    out = StringIO()
    call_command("load_holidays", "--year", "2026", stdout=out)
    assert out.getvalue() == "CN 2026: 33 closed days, 6 make-up working days " \
                             f"({HolidayYear.objects.get(year=2026).source})\n"


def test_it_exits_2_from_the_command_for_an_uncovered_year(db):
    before = _snapshot()
    with pytest.raises(CommandError, match="no data for 2027") as caught:
        call_command("load_holidays", "--year", "2026", "--year", "2027")
    assert caught.value.returncode == 2
    assert _snapshot() == before
