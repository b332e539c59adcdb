"""Business-time arithmetic (sla/calendar.py): cases computed by hand, then properties.

China's 2026 days from chinesecalendar: National Day Thu 10-01 … Wed 10-07 closed, Sat 10-10
make-up; Spring Festival Sun 02-15 … Mon 02-23 closed, Sat 02-14 and Sat 02-28 make-up.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sla.calendar import BusinessCalendar, HoursError, WeeklyHours, format_hours, parse_hours
from sla.holidays import china_days

SH = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
SIX_BY_TWELVE = "mon-sat 09:00-21:00"
FIVE_BY_EIGHT = "mon-fri 09:00-18:00"
LUNCH = "mon-fri 09:00-12:00,13:30-18:00"


def sh(*args) -> datetime:
    return datetime(*args, tzinfo=SH)


def berlin(*args, fold=0) -> datetime:
    return datetime(*args, tzinfo=BERLIN, fold=fold)


def china(hours: str, years=(2025, 2026)) -> BusinessCalendar:
    closed, makeup = set(), set()
    for year in years:
        c, m = china_days(year)
        closed |= set(c)
        makeup |= set(m)
    return BusinessCalendar(hours, "Asia/Shanghai", closed_days=closed, makeup_days=makeup,
                            confirmed_years=years)


# --- weekly hours ------------------------------------------------------------------------------


@pytest.mark.parametrize(("spec", "canonical"), [
    ("mon-sat 09:00-21:00", "mon-sat 09:00-21:00"),
    ("24x7", "24x7"),
    ("  MON - FRI  09:00 - 12:00 , 13:30-18:00 ;sat,sun 10:00-12:00; ",
     "mon-fri 09:00-12:00,13:30-18:00; sat-sun 10:00-12:00"),
    ("mon,wed,fri 08:00-17:00", "mon,wed,fri 08:00-17:00"),
    ("mon 18:00-24:00; tue 00:00-06:00", "mon 18:00-24:00; tue 00:00-06:00"),
    ("mon-fri 09:00-12:00,12:00-18:00", "mon-fri 09:00-18:00"),
    ("sun 9:30-17:00; mon-sat 09:00-21:00", "mon-sat 09:00-21:00; sun 09:30-17:00"),
])
def test_it_parses_hours_and_writes_them_back(spec, canonical):
    hours = parse_hours(spec)
    assert format_hours(hours) == canonical
    assert parse_hours(format_hours(hours)) == hours


def test_it_reads_days_and_minutes():
    hours = parse_hours("mon-fri 09:00-12:00,13:30-18:00; sat 09:00-24:00")
    assert hours.days[0] == ((540, 720), (810, 1080))
    assert hours.days[5] == ((540, 1440),)
    assert hours.days[6] == ()
    assert not hours.always_open
    assert parse_hours("24x7").always_open


@pytest.mark.parametrize(("spec", "message"), [
    ("", "no service hours"),
    ("   ;  ", "no service hours"),
    ("xyz 09:00-18:00", "unknown day 'xyz'"),
    ("mon-xyz 09:00-18:00", "unknown day 'xyz'"),
    ("fri-mon 09:00-18:00", "runs backwards"),
    ("mon 9-18", "is not a time"),
    ("mon 09:00-25:00", "is not a time of day"),
    ("mon 09:60-18:00", "is not a time of day"),
    ("mon 24:00-24:00", "cannot start at 24:00"),
    ("mon 18:00-09:00", "ends before it starts"),
    ("mon 09:00-09:00", "ends before it starts"),
    ("mon 09:00-12:00,11:00-13:00", "overlap"),
    ("mon-fri 09:00-18:00; fri 09:00-12:00", "fri is given twice"),
    ("mon,mon 09:00-18:00", "listed twice"),
    ("mon 09:00-18:00 extra", "expected 'DAYS"),
    ("mon", "expected 'DAYS"),
    ("mon 09:00", "is not an interval"),
    ("mon, 09:00-10:00", "expected 'DAYS"),
])
def test_it_refuses_malformed_hours(spec, message):
    with pytest.raises(HoursError, match=message):
        parse_hours(spec)


def test_it_refuses_weekly_hours_that_are_not_seven_days():
    with pytest.raises(HoursError, match="7 days"):
        WeeklyHours(days=((),) * 6)


def test_it_refuses_a_calendar_without_any_hours():
    with pytest.raises(HoursError, match="no service hours"):
        BusinessCalendar(WeeklyHours(days=((),) * 7))


def test_it_refuses_an_unknown_time_zone():
    with pytest.raises(ValueError, match="IANA"):
        BusinessCalendar(SIX_BY_TWELVE, "Mars/Olympus")


# --- cases computed by hand ----------------------------------------------------------------


def test_it_prints_the_command_example():
    # Mon 20:50 + 20 min: 10 min on Monday, 10 min from Tuesday's 09:00.
    calendar = china(SIX_BY_TWELVE)
    deadline = calendar.add_minutes(datetime.fromisoformat("2026-03-02T20:50:00+08:00"), 20)
    assert deadline.isoformat() == "2026-03-03T09:10:00+08:00"


def test_it_skips_the_weekend():
    calendar = BusinessCalendar(FIVE_BY_EIGHT)
    # Fri 17:00 + 2 h: 1 h on Friday, 1 h from Monday 09:00.
    assert calendar.add_minutes(sh(2026, 3, 6, 17), 120) == sh(2026, 3, 9, 10)
    assert calendar.between(sh(2026, 3, 6, 17), sh(2026, 3, 9, 10)) == 2 * 3600
    assert calendar.between(sh(2026, 3, 6, 18), sh(2026, 3, 9, 9)) == 0


def test_it_works_saturday_but_not_sunday_on_six_by_twelve():
    calendar = BusinessCalendar(SIX_BY_TWELVE)
    # Sat 20:00 + 2 h: 1 h on Saturday, Sunday closed, 1 h from Monday 09:00.
    assert calendar.add_minutes(sh(2026, 3, 7, 20), 120) == sh(2026, 3, 9, 10)


def test_it_skips_national_day():
    calendar = china(FIVE_BY_EIGHT)
    # Wed 09-30 17:00 + 2 h: 1 h, then 10-01 … 10-07 closed, 1 h from Thu 10-08 09:00.
    assert calendar.add_minutes(sh(2026, 9, 30, 17), 120) == sh(2026, 10, 8, 10)
    assert calendar.between(sh(2026, 9, 30, 9), sh(2026, 10, 9, 9)) == 18 * 3600
    without = BusinessCalendar(FIVE_BY_EIGHT)
    assert without.add_minutes(sh(2026, 9, 30, 17), 120) == sh(2026, 10, 1, 10)


def test_it_closes_the_weekend_days_inside_national_day_on_six_by_twelve():
    calendar = china(SIX_BY_TWELVE)
    # Wed 09-30 20:00 + 2 h: 1 h, Sat 10-03 (inside the holiday) closed, Thu 10-08 09:00 + 1 h.
    assert calendar.add_minutes(sh(2026, 9, 30, 20), 120) == sh(2026, 10, 8, 10)
    assert not calendar.is_open(sh(2026, 10, 3, 10))


def test_it_skips_spring_festival():
    calendar = china(SIX_BY_TWELVE)
    # Sat 02-14 (make-up day) 20:00 + 2 h: 1 h, then 02-15 … 02-23 closed, Tue 02-24 09:00 + 1 h.
    assert calendar.add_minutes(sh(2026, 2, 14, 20), 120) == sh(2026, 2, 24, 10)


def test_it_opens_a_make_up_saturday_on_a_monday_to_friday_calendar():
    calendar = china(FIVE_BY_EIGHT)
    # Fri 02-13 17:00 + 2 h: 1 h on Friday, 1 h from Sat 02-14 09:00 (make-up day).
    assert calendar.add_minutes(sh(2026, 2, 13, 17), 120) == sh(2026, 2, 14, 10)
    assert calendar.is_open(sh(2026, 2, 28, 10))
    assert not BusinessCalendar(FIVE_BY_EIGHT).is_open(sh(2026, 2, 28, 10))


def test_it_opens_a_make_up_day_with_the_monday_hours():
    calendar = china("mon 10:00-16:00; tue-fri 09:00-18:00")
    assert calendar.next_open(sh(2026, 2, 28, 8)) == sh(2026, 2, 28, 10)
    # 5 h left on the make-up Saturday after 11:00, then Monday 03-02 from 10:00.
    assert calendar.add_minutes(sh(2026, 2, 28, 11), 6 * 60) == sh(2026, 3, 2, 11)


def test_it_opens_a_make_up_sunday():
    calendar = china(SIX_BY_TWELVE)
    assert calendar.is_open(sh(2026, 1, 4, 9))  # Sun 01-04 makes up for New Year
    assert not calendar.is_open(sh(2026, 1, 3, 10))  # Sat 01-03 is inside New Year


def test_it_breaks_for_lunch():
    calendar = BusinessCalendar(LUNCH)
    # Mon 11:30 + 1 h: 30 min to noon, 30 min from 13:30.
    assert calendar.add_minutes(sh(2026, 3, 2, 11, 30), 60) == sh(2026, 3, 2, 14)
    assert calendar.between(sh(2026, 3, 2, 11), sh(2026, 3, 2, 14)) == 90 * 60
    assert not calendar.is_open(sh(2026, 3, 2, 12, 30))
    assert calendar.next_open(sh(2026, 3, 2, 12, 30)) == sh(2026, 3, 2, 13, 30)


def test_it_ends_a_deadline_that_falls_on_closing_time_at_closing_time():
    assert BusinessCalendar(SIX_BY_TWELVE).add_minutes(sh(2026, 3, 2, 20, 40), 20) == \
        sh(2026, 3, 2, 21)
    assert BusinessCalendar(LUNCH).add_minutes(sh(2026, 3, 2, 11, 30), 30) == sh(2026, 3, 2, 12)
    # A whole week of a Mon-Fri calendar from Monday's opening ends at Friday's closing.
    assert BusinessCalendar(FIVE_BY_EIGHT).add_minutes(sh(2026, 3, 2, 9), 5 * 9 * 60) == \
        sh(2026, 3, 6, 18)


def test_it_starts_at_the_next_opening_when_started_at_closing_time():
    calendar = BusinessCalendar(SIX_BY_TWELVE)
    assert not calendar.is_open(sh(2026, 3, 2, 21))
    assert calendar.add_minutes(sh(2026, 3, 2, 21), 10) == sh(2026, 3, 3, 9, 10)
    assert calendar.add_minutes(sh(2026, 3, 2, 21), 0) == sh(2026, 3, 3, 9)


def test_it_counts_from_opening_time_when_started_at_opening_time():
    calendar = BusinessCalendar(SIX_BY_TWELVE)
    assert calendar.is_open(sh(2026, 3, 3, 9))
    assert calendar.add_minutes(sh(2026, 3, 3, 9), 10) == sh(2026, 3, 3, 9, 10)
    assert calendar.add_minutes(sh(2026, 3, 3, 8, 59, 59), 10) == sh(2026, 3, 3, 9, 10)


def test_it_returns_the_start_or_the_next_opening_for_nothing_to_add():
    calendar = BusinessCalendar(SIX_BY_TWELVE)
    assert calendar.add(sh(2026, 3, 3, 10), 0) == sh(2026, 3, 3, 10)
    assert calendar.add(sh(2026, 3, 8, 10), 0) == sh(2026, 3, 9, 9)  # Sunday
    assert calendar.next_open(sh(2026, 3, 3, 10)) == sh(2026, 3, 3, 10)


def test_it_joins_intervals_that_touch_across_midnight():
    calendar = BusinessCalendar("mon 18:00-24:00; tue 00:00-06:00")
    assert calendar.is_open(sh(2026, 3, 3, 0))
    assert calendar.add_minutes(sh(2026, 3, 2, 23, 30), 60) == sh(2026, 3, 3, 0, 30)
    assert calendar.add_minutes(sh(2026, 3, 2, 18), 12 * 60) == sh(2026, 3, 3, 6)
    assert calendar.open_intervals(sh(2026, 3, 2), sh(2026, 3, 4)) == [
        (sh(2026, 3, 2, 18), sh(2026, 3, 3, 6))]


def test_it_is_exact_to_the_second_and_keeps_fractions():
    calendar = BusinessCalendar(SIX_BY_TWELVE)
    start = sh(2026, 3, 2, 20, 59, 59, 500000)
    assert calendar.add(start, 1) == sh(2026, 3, 3, 9, 0, 0, 500000)
    assert calendar.add(sh(2026, 3, 2, 10), 61) == sh(2026, 3, 2, 10, 1, 1)
    assert calendar.add_minutes(sh(2026, 3, 2, 10), 0.5) == sh(2026, 3, 2, 10, 0, 30)
    assert calendar.between(start, sh(2026, 3, 3, 9, 0, 0, 500000)) == 1
    assert calendar.between(sh(2026, 3, 2, 10), sh(2026, 3, 2, 10, 0, 1, 999999)) == 1


def test_it_answers_in_the_calendars_zone():
    calendar = BusinessCalendar(SIX_BY_TWELVE)
    start = datetime.fromisoformat("2026-03-02T12:50:00+00:00")  # 20:50 in Shanghai
    deadline = calendar.add_minutes(start, 20)
    assert deadline.isoformat() == "2026-03-03T09:10:00+08:00"
    assert deadline.tzinfo == SH


def test_it_refuses_naive_datetimes():
    calendar = BusinessCalendar(SIX_BY_TWELVE)
    naive = datetime(2026, 3, 2, 10)
    for call in (lambda: calendar.add(naive, 60), lambda: calendar.between(naive, naive),
                 lambda: calendar.is_open(naive), lambda: calendar.next_open(naive)):
        with pytest.raises(ValueError, match="naive"):
            call()


def test_it_refuses_negative_business_time():
    with pytest.raises(ValueError, match="negative"):
        BusinessCalendar(SIX_BY_TWELVE).add_minutes(sh(2026, 3, 2, 10), -1)


def test_it_refuses_to_run_past_the_year_9999():
    with pytest.raises(ValueError, match="9999"):
        BusinessCalendar(SIX_BY_TWELVE).add_minutes(sh(2026, 3, 2, 10), 1e13)


def test_it_gives_up_on_a_calendar_closed_for_years():
    start = date(2026, 1, 1)
    closed = [start + timedelta(days=n) for n in range(5 * 366)]
    calendar = BusinessCalendar("mon 09:00-10:00", closed_days=closed)
    with pytest.raises(ValueError, match="no open time"):
        calendar.add_minutes(sh(2026, 1, 1), 60)
    with pytest.raises(ValueError, match="no open time"):
        calendar.next_open(sh(2026, 1, 1))


def test_it_counts_nothing_backwards():
    calendar = BusinessCalendar(SIX_BY_TWELVE)
    assert calendar.between(sh(2026, 3, 3, 10), sh(2026, 3, 2, 10)) == 0


def test_it_counts_across_years():
    calendar = BusinessCalendar(SIX_BY_TWELVE)
    # Mon 2025-12-29 … Sat 2026-01-03: six days of 12 h.
    assert calendar.between(sh(2025, 12, 29), sh(2026, 1, 4)) == 6 * 12 * 3600
    assert calendar.add_minutes(sh(2025, 12, 31, 20, 50), 20) == sh(2026, 1, 1, 9, 10)
    # And backwards in time after the calendar has looked ahead.
    assert calendar.between(sh(2020, 1, 6), sh(2020, 1, 7)) == 12 * 3600


# --- daylight saving time in Europe/Berlin ---------------------------------------------------


def test_it_carries_a_deadline_across_the_spring_change():
    calendar = BusinessCalendar(FIVE_BY_EIGHT, "Europe/Berlin")
    # Fri 03-27 17:00 CET + 2 h: 1 h, clocks go forward on Sun 03-29, Mon 10:00 CEST.
    deadline = calendar.add_minutes(berlin(2026, 3, 27, 17), 120)
    assert deadline.isoformat() == "2026-03-30T10:00:00+02:00"


def test_it_counts_the_real_hours_of_a_day_with_a_clock_change():
    calendar = BusinessCalendar("mon-sun 00:00-24:00", "Europe/Berlin")
    assert calendar.between(berlin(2026, 3, 29), berlin(2026, 3, 30)) == 23 * 3600
    assert calendar.between(berlin(2026, 10, 25), berlin(2026, 10, 26)) == 25 * 3600
    # 24 business hours from Saturday noon end at Sunday 13:00 summer time.
    assert calendar.add_minutes(berlin(2026, 3, 28, 12), 24 * 60) == berlin(2026, 3, 29, 13)


def test_it_counts_real_elapsed_time_in_hours_spanning_the_change():
    calendar = BusinessCalendar("sun 00:00-06:00", "Europe/Berlin")
    assert calendar.between(berlin(2026, 3, 29), berlin(2026, 3, 30)) == 5 * 3600
    assert calendar.between(berlin(2026, 10, 25), berlin(2026, 10, 26)) == 7 * 3600
    # 02:00 + 1 h on 10-25 is the second 02:00 (winter time).
    second = calendar.add_minutes(berlin(2026, 10, 25, 2), 60)
    assert second.isoformat() == "2026-10-25T02:00:00+01:00"


def test_it_reads_a_skipped_wall_time_with_the_offset_before_the_change():
    # 02:30 does not exist on 2026-03-29: fold=0 reads it as 02:30 CET = 03:30 CEST.
    calendar = BusinessCalendar("sun 02:30-04:00", "Europe/Berlin")
    assert calendar.next_open(berlin(2026, 3, 29)).isoformat() == "2026-03-29T03:30:00+02:00"
    assert calendar.between(berlin(2026, 3, 29), berlin(2026, 3, 30)) == 30 * 60


def test_it_keeps_the_weekday_hours_on_a_dst_weekday_in_nine_to_six():
    calendar = BusinessCalendar("mon-sun 09:00-18:00", "Europe/Berlin")
    assert calendar.between(berlin(2026, 3, 29), berlin(2026, 3, 30)) == 9 * 3600
    assert calendar.between(berlin(2026, 10, 25), berlin(2026, 10, 26)) == 9 * 3600


# --- 24x7 and provisional years ------------------------------------------------------------


def test_it_ignores_holidays_on_24x7():
    calendar = BusinessCalendar("24x7", closed_days=[date(2026, 10, 1)],
                                confirmed_years=[2026])
    assert calendar.add_minutes(sh(2026, 9, 30, 23), 120) == sh(2026, 10, 1, 1)
    assert calendar.is_open(sh(2026, 10, 1, 12))
    assert calendar.between(sh(2026, 9, 30), sh(2026, 10, 8)) == 8 * 86400
    assert not calendar.is_provisional(sh(2026, 12, 31), sh(2027, 1, 2))


def test_it_marks_a_span_into_an_unconfirmed_year_provisional():
    calendar = china(SIX_BY_TWELVE)
    start = sh(2026, 12, 31, 20, 50)
    deadline = calendar.add_minutes(start, 20)
    assert deadline == sh(2027, 1, 1, 9, 10)  # the weekly hours: 2027 is not entered
    assert calendar.is_provisional(start, deadline)
    assert calendar.unconfirmed_years(start, deadline) == [2027]
    assert not calendar.is_provisional(sh(2026, 3, 2, 10), sh(2026, 3, 3, 10))
    assert not calendar.is_provisional(sh(2026, 12, 31, 10), sh(2027, 1, 1))  # [start, end)


def test_it_is_never_provisional_without_holidays():
    calendar = BusinessCalendar(SIX_BY_TWELVE)
    assert not calendar.is_provisional(sh(2030, 1, 1), sh(2031, 1, 1))


def test_it_ignores_days_of_unconfirmed_years():
    calendar = BusinessCalendar(SIX_BY_TWELVE, closed_days=[date(2027, 1, 1)],
                                confirmed_years=[2026])
    assert calendar.is_open(sh(2027, 1, 1, 10))


def test_it_applies_given_days_when_no_year_is_confirmed():
    calendar = BusinessCalendar(SIX_BY_TWELVE, closed_days=[date(2027, 1, 1)])
    assert not calendar.is_open(sh(2027, 1, 1, 10))


def test_it_refuses_a_day_both_closed_and_made_up():
    with pytest.raises(ValueError, match="both"):
        BusinessCalendar(SIX_BY_TWELVE, closed_days=[date(2026, 3, 2)],
                         makeup_days=[date(2026, 3, 2)])


# --- properties ----------------------------------------------------------------------------

CALENDARS = {
    "24x7": BusinessCalendar("24x7"),
    "6x12 CN": china(SIX_BY_TWELVE),
    "5x8 lunch CN": china("mon-fri 08:30-12:00,13:00-17:30"),
    "5x8 Berlin": BusinessCalendar("mon-fri 09:00-17:00", "Europe/Berlin"),
    "Berlin Sundays round the clock": BusinessCalendar("mon-fri 09:00-17:00; sun 00:00-24:00",
                                                       "Europe/Berlin"),
}
PROPERTY_SETTINGS = settings(max_examples=200, deadline=None)
BASE = datetime(2025, 1, 1, tzinfo=ZoneInfo("UTC"))

calendars = st.sampled_from(sorted(CALENDARS))
starts = st.builds(
    lambda seconds, micro: BASE + timedelta(seconds=seconds, microseconds=micro),
    st.integers(0, 2 * 365 * 86400), st.sampled_from([0, 0, 0, 1, 500_000, 999_999]))
seconds = st.integers(0, 20 * 86400)


@PROPERTY_SETTINGS
@given(calendars, starts, seconds, st.integers(1, 20 * 86400))
def test_it_adds_a_then_b_as_a_plus_b(name, start, a, b):
    calendar = CALENDARS[name]
    assert calendar.add(calendar.add(start, a), b) == calendar.add(start, a + b)


@PROPERTY_SETTINGS
@given(calendars, starts, st.integers(0, 5000))
def test_it_measures_back_what_it_added(name, start, minutes):
    calendar = CALENDARS[name]
    assert calendar.between(start, calendar.add_minutes(start, minutes)) == minutes * 60


@PROPERTY_SETTINGS
@given(calendars, starts, seconds)
def test_it_lands_inside_service_hours_or_on_a_closing_edge(name, start, amount):
    calendar = CALENDARS[name]
    deadline = calendar.add(start, amount)
    assert deadline >= start
    assert calendar.is_open(deadline) or calendar.is_open(deadline - timedelta(microseconds=1))
    if amount:
        assert calendar.is_open(deadline - timedelta(microseconds=1))


@PROPERTY_SETTINGS
@given(calendars, starts, st.integers(0, 10 * 86400), st.integers(0, 10 * 86400))
def test_it_counts_additively(name, start, x, y):
    calendar = CALENDARS[name]
    start = start.replace(microsecond=0)
    middle = start + timedelta(seconds=x)
    end = middle + timedelta(seconds=y)
    assert calendar.between(start, middle) + calendar.between(middle, end) == \
        calendar.between(start, end)


day_hours = st.lists(st.tuples(st.integers(0, 1439), st.integers(1, 1440)), max_size=3).map(
    lambda pairs: sorted((a, b) for a, b in pairs if a < b))


def _no_overlap(intervals):
    return all(intervals[i][1] < intervals[i + 1][0] for i in range(len(intervals) - 1))


@PROPERTY_SETTINGS
@given(st.lists(day_hours.filter(_no_overlap), min_size=7, max_size=7))
def test_it_reads_back_what_it_writes(days):
    hours = WeeklyHours(days=tuple(tuple(d) for d in days))
    if hours.is_empty:
        assert format_hours(hours) == ""
    else:
        assert parse_hours(format_hours(hours)) == hours
