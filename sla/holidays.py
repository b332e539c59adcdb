"""China's official holidays and make-up working days: loading them into the holiday tables from
``chinesecalendar`` or from the State Council's notice, reading them back for the business
calendars, and building calendars.

The tables (``HolidayDay``, ``HolidayYear``) are the source of truth: admins may edit them, and a
year counts as entered only once it has a ``HolidayYear`` row, which the write paths here and in
the admin give only a year that has all seven statutory festivals (``holiday_year_missing``).
Days are named in Chinese (元旦, 春节, …; ``sla.holiday_notice.festival_of``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from datetime import date, timedelta
from functools import cache
from importlib.metadata import version

import chinese_calendar
from chinese_calendar import constants as cn_constants
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from sla.calendar import BusinessCalendar
from sla.holiday_notice import festival_of, missing_festivals
from sla.models import HolidayDay, HolidayYear

REGION_CN = "CN"
FIRST_DEFAULT_YEAR = 2020
# Another process (a Celery worker, another web worker) may have changed the tables: what a
# process cached is re-read after this many seconds. Changes made in this process (saves and
# deletes through the ORM) clear the cache at once.
CACHE_SECONDS = 60

CalendarDays = tuple[frozenset[date], frozenset[date], frozenset[int]]
COMBINED_NATIONAL_DAY = "国庆节、中秋节"
# The seven festivals are statutory holidays from 2008 (清明节, 端午节, 中秋节 were added then).
FIRST_SEVEN_FESTIVAL_YEAR = 2008


# --------------------------------------------------------------------------------------------
# The library's data
# --------------------------------------------------------------------------------------------


def chinesecalendar_source() -> str:
    return f"chinesecalendar {version('chinesecalendar')}"


@cache
def china_years_covered() -> range:
    """The years ``chinesecalendar`` has official data for (it refuses the others)."""
    days = cn_constants.holidays.keys()
    return range(min(days).year, max(days).year + 1)


def china_days(year: int) -> tuple[dict[date, str], dict[date, str]]:
    """``(closed, makeup)`` of one year as ``{day: holiday name}``, names in Chinese (the
    library's English names mapped by ``festival_of``: Tomb-sweeping Day → 清明节).

    Closed is every day of each official holiday period, weekend days inside it included. The
    library lists the weekend days inside a period, but not always those of a period announced
    as "…放假，与周末连休" (a holiday joined to the weekend): for the 2024 Dragon Boat Festival it
    lists only Mon 06-10, not Sat 06-08 and Sun 06-09. So a weekend day between two listed days
    is closed, a run of listed days that starts on a Monday takes in the weekend before it and
    one that ends on a Friday the weekend after it, stopping at a make-up working day. Make-up
    days are the library's ``workdays`` (working days in lieu), as listed.
    """
    covered = china_years_covered()
    if year not in covered:
        raise ValueError(f"chinesecalendar has no data for {year} (it covers "
                         f"{covered.start}-{covered.stop - 1}); enter that year's days by hand "
                         f"or upgrade chinesecalendar")
    listed = cn_constants.holidays
    workdays = cn_constants.workdays
    one = timedelta(days=1)

    def free_weekend_day(day: date) -> bool:
        return day.weekday() >= 5 and day not in listed and day not in workdays

    # A period can cross a year end (2018-01-01 joins 2017-12-30 and -31): look at the
    # neighbouring years too, then keep this year's days.
    runs: list[list[date]] = []
    for day in sorted(d for d in listed if year - 1 <= d.year <= year + 1):
        if runs and all(free_weekend_day(runs[-1][-1] + k * one)
                        for k in range(1, (day - runs[-1][-1]).days)):
            runs[-1].extend(runs[-1][-1] + k * one for k in range(1, (day - runs[-1][-1]).days))
            runs[-1].append(day)
        else:
            runs.append([day])
    closed: dict[date, str] = {}
    for run in runs:
        names = [festival_of(str(listed[d])) if d in listed else None for d in run]
        for i, day in enumerate(run):  # a filled weekend day takes the name before it
            closed[day] = names[i] or next(n for n in reversed(names[:i]) if n)
        if run[0].weekday() == 0:
            day = run[0] - one
            while free_weekend_day(day):
                closed[day] = names[0]
                day -= one
        if run[-1].weekday() == 4:
            day = run[-1] + one
            while free_weekend_day(day):
                closed[day] = names[-1]
                day += one
    closed = {d: n for d, n in sorted(closed.items()) if d.year == year}
    makeup = {d: festival_of(str(n)) for d, n in sorted(workdays.items()) if d.year == year}
    national = [d for d, n in closed.items() if n == "国庆节"]
    if "中秋节" not in closed.values() and len(national) >= 8:
        # Eight days of National Day are the combined 国庆节、中秋节 of the notice; the library
        # names them National Day only (2020: 10月1日至8日, Mid-autumn on 10月1日).
        for day in national:
            closed[day] = COMBINED_NATIONAL_DAY
        makeup = {d: COMBINED_NATIONAL_DAY if n == "国庆节" else n for d, n in makeup.items()}
    if not all(chinese_calendar.is_holiday(d) for d in closed) or not all(
            chinese_calendar.is_workday(d) for d in makeup):
        raise RuntimeError(f"chinesecalendar data for {year} is inconsistent")
    return closed, makeup


# --------------------------------------------------------------------------------------------
# Loading into the tables
# --------------------------------------------------------------------------------------------


def load_china_holidays(*, years: Iterable[int] | None = None) -> list[int]:
    """Enter China's holidays and make-up days of ``years`` (default: every year the library
    covers from 2020 on) into the tables, idempotently, in one transaction.

    A year the library does not cover raises ``ValueError`` and nothing changes.
    Returns the years entered.
    """
    entered = load_china_holidays_into(HolidayDay, HolidayYear, years=years)
    calendar_days_clear()
    return entered


def load_china_holidays_into(day_model, year_model, *, years: Iterable[int] | None = None,
                             using: str = "default") -> list[int]:
    """``load_china_holidays`` on the given model classes (the data migration passes its
    historical models). Days of the year that the library does not list (entered by an admin)
    are left alone; listed days are created or brought in line with the library."""
    if years is None:
        years = [y for y in china_years_covered() if y >= FIRST_DEFAULT_YEAR]
    years = sorted({int(y) for y in years})
    data = {year: china_days(year) for year in years}  # raises before anything is written
    for year, (closed, _makeup) in data.items():
        missing = missing_festivals(closed.values())
        if year >= FIRST_SEVEN_FESTIVAL_YEAR and missing:
            raise ValueError(f"chinesecalendar's {year} lacks {'、'.join(missing)}; enter that "
                             f"year from the State Council's notice (holidays_enter)")
    source = chinesecalendar_source()
    kinds = {"closed": 0, "makeup": 1}
    with transaction.atomic(using=using):
        for year, days in data.items():
            existing = {d.day: d for d in day_model.objects.using(using).filter(
                region=REGION_CN, day__year=year)}
            for kind, index in kinds.items():
                for day, name in days[index].items():
                    row = existing.get(day)
                    if row is None:
                        day_model.objects.using(using).create(region=REGION_CN, day=day,
                                                              kind=kind, name=name)
                    elif (row.kind, row.name) != (kind, name):
                        row.kind, row.name = kind, name
                        row.save(update_fields=["kind", "name"])
            year_model.objects.using(using).update_or_create(
                region=REGION_CN, year=year, defaults={"source": source})
    return years


# --------------------------------------------------------------------------------------------
# Complete years
# --------------------------------------------------------------------------------------------


def holiday_year_missing(year: int, *, region: str = REGION_CN) -> list[str]:
    """The statutory festivals that none of ``year``'s closed days is named after (empty: the
    year may be marked entered)."""
    return missing_festivals(HolidayDay.objects.filter(
        region=region, day__year=year, kind=HolidayDay.Kind.CLOSED).values_list("name", flat=True))


def holiday_years_unentered(today: date, *, region: str = REGION_CN) -> list[int]:
    """The years administrators must enter now: this year if it is not entered, and from
    October next year too (deadlines reaching into them are provisional)."""
    years = [today.year, today.year + 1] if today.month >= 10 else [today.year]
    entered = calendar_days(region)[2]  # cached: the banner asks on every administrator page
    return [y for y in years if y not in entered]


def holiday_year_to_enter(today: date) -> int:
    """The year the entry page offers first: the first one not entered, else next year."""
    return next(iter(holiday_years_unentered(today)), today.year + 1)


def holiday_edits_lose_festivals(*, removed: Iterable[HolidayDay] = (),
                                 added: Iterable[HolidayDay] = ()) -> dict[int, list[str]]:
    """``{year: festivals}`` of the entered years that would lose festivals they have now if the
    ``removed`` rows were deleted and the unsaved ``added`` rows saved: an edit in the admin
    must not leave a year that counts as entered without, say, its 清明节."""
    removed, added = list(removed), list(added)
    lost: dict[int, list[str]] = {}
    for region, year in sorted({(r.region, r.day.year) for r in removed}):
        if not HolidayYear.objects.filter(region=region, year=year).exists():
            continue
        rows = list(HolidayDay.objects.filter(region=region, day__year=year,
                                              kind=HolidayDay.Kind.CLOSED))
        gone = {r.pk for r in removed if r.pk is not None}
        after = [r for r in rows if r.pk not in gone] + [
            a for a in added
            if a.region == region and a.day.year == year and a.kind == HolidayDay.Kind.CLOSED]
        before = missing_festivals(r.name for r in rows)
        now_missing = [f for f in missing_festivals(r.name for r in after) if f not in before]
        if now_missing:
            lost[year] = now_missing
    return lost


# --------------------------------------------------------------------------------------------
# Reading back, cached
# --------------------------------------------------------------------------------------------

_lock = threading.Lock()
_days_cache: dict[str, tuple[float, CalendarDays]] = {}
_calendar_cache: dict[tuple, tuple[CalendarDays | None, BusinessCalendar]] = {}


def calendar_days(region: str = REGION_CN) -> CalendarDays:
    """``(closed_days, makeup_days, confirmed_years)`` of ``region`` from the tables.

    Cached in the process; the same object is returned while the data is unchanged, so callers
    may key their own caches on it.
    """
    now = time.monotonic()
    hit = _days_cache.get(region)
    if hit is not None and now - hit[0] < CACHE_SECONDS:
        return hit[1]
    closed: set[date] = set()
    makeup: set[date] = set()
    for day, kind in HolidayDay.objects.filter(region=region).values_list("day", "kind"):
        (closed if kind == HolidayDay.Kind.CLOSED else makeup).add(day)
    confirmed = frozenset(HolidayYear.objects.filter(region=region)
                          .values_list("year", flat=True))
    value: CalendarDays = (frozenset(closed), frozenset(makeup), confirmed)
    with _lock:
        if hit is not None and hit[1] == value:
            value = hit[1]  # unchanged: keep the object callers may have keyed on
        _days_cache[region] = (now, value)
    return value


def calendar_days_clear() -> None:
    """Forget the cached days and calendars (the tables changed)."""
    with _lock:
        _days_cache.clear()
        _calendar_cache.clear()


def build_calendar(*, hours: str, holidays: str, tz: str) -> BusinessCalendar:
    """The business calendar for weekly ``hours`` (e.g. ``mon-sat 09:00-21:00``), ``holidays``
    ``"CN"`` (days from the tables) or ``"none"``, in time zone ``tz``.

    Raises ``HoursError`` for bad hours and ``ValueError`` for an unknown zone or holiday source.
    """
    source = holidays.strip() if isinstance(holidays, str) else holidays
    if isinstance(source, str) and source.upper() == REGION_CN:
        days: CalendarDays | None = calendar_days(REGION_CN)
    elif isinstance(source, str) and source.lower() == "none":
        days = None
    else:
        raise ValueError(f"unknown holiday source {holidays!r} (use CN or none)")
    key = (hours, days is None, tz)
    cached = _calendar_cache.get(key)
    if cached is not None and cached[0] is days:
        return cached[1]
    if days is None:
        calendar = BusinessCalendar(hours, tz)
    else:
        closed, makeup, confirmed = days
        calendar = BusinessCalendar(hours, tz, closed_days=closed, makeup_days=makeup,
                                    confirmed_years=confirmed)
    with _lock:
        if len(_calendar_cache) >= 256:
            _calendar_cache.clear()
        _calendar_cache[key] = (days, calendar)
    return calendar


def _tables_changed(**kwargs) -> None:
    calendar_days_clear()
    # Another thread may re-read the old rows before this transaction commits: clear again then.
    transaction.on_commit(calendar_days_clear, using=kwargs.get("using"))


# Connected when this module is imported; sla/apps.py imports it in ready().
for _model in (HolidayDay, HolidayYear):
    post_save.connect(_tables_changed, sender=_model,
                      dispatch_uid=f"sla.holidays.{_model.__name__}.saved")
    post_delete.connect(_tables_changed, sender=_model,
                        dispatch_uid=f"sla.holidays.{_model.__name__}.deleted")
