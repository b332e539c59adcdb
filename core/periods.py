"""Calendar arithmetic on the portal's local days (settings.TIME_ZONE, Asia/Shanghai by default):
today, the instants that bound a range of days, months and quarters.

Figures, reports, scorecards, surveys and the demo all count by local day; they ask here so a
day, a month and a quarter mean the same everywhere.

Official working days (China: Monday to Friday, less the statutory holidays, plus the make-up
working days 调休) are counted here too, as pure functions of the closed and make-up days; the
days themselves are read from the SLA holiday tables by ``sla.working_days``.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from core.clock import now


def zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def today() -> date:
    return timezone.localdate(now())


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, zone())


def day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, the day after end 00:00) in the portal's time zone."""
    return day_start(start), day_start(end + timedelta(days=1))


def month_start(day: date, back: int = 0) -> date:
    """The first day of `day`'s month, or of the month `back` months before it."""
    index = day.year * 12 + day.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def month_bounds(year: int, month: int) -> tuple[date, date]:
    start = date(year, month, 1)
    return start, (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    start = date(year, 3 * quarter - 2, 1)
    return start, month_bounds(year, 3 * quarter)[1]


def quarters_covering(start: date, end: date) -> tuple[date, date]:
    """The first day of start's quarter and the last day of end's quarter."""
    return quarter_bounds(*quarter_of(start))[0], quarter_bounds(*quarter_of(end))[1]


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    quarter: int

    @classmethod
    def parse(cls, text: str | None) -> Quarter | None:
        """'2026-Q1' (or '2026Q1'); None when malformed."""
        text = (text or "").strip().upper().replace("-", "")
        if len(text) != 6 or text[4] != "Q" or not text[:4].isdigit() or text[5] not in "1234":
            return None
        year = int(text[:4])
        return cls(year, int(text[5])) if 2000 <= year <= 2100 else None

    @classmethod
    def of(cls, day: date) -> Quarter:
        return cls(*quarter_of(day))

    @classmethod
    def current(cls) -> Quarter:
        return cls.of(today())

    @property
    def start(self) -> date:
        return quarter_bounds(self.year, self.quarter)[0]

    @property
    def end(self) -> date:
        return quarter_bounds(self.year, self.quarter)[1]

    def next(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.quarter == 4 else Quarter(self.year,
                                                                           self.quarter + 1)

    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.quarter == 1 else Quarter(self.year,
                                                                           self.quarter - 1)

    def and_before(self, n: int) -> list[Quarter]:
        """This quarter and the n - 1 before it, newest first."""
        result, q = [], self
        for _n in range(n):
            result.append(q)
            q = q.previous()
        return result

    def __str__(self) -> str:
        return f"{self.year}-Q{self.quarter}"


# --------------------------------------------------------------------------------------------
# Official working days
# --------------------------------------------------------------------------------------------
# ``closed``: the official holidays (weekend days inside a holiday period included); ``makeup``:
# the make-up working days (调休, a Saturday or Sunday that is worked). ``entered``: the years
# whose official days are entered; a day of any other year counts as plain Monday to Friday, so
# stray rows of an unannounced year (a New Year's Eve entered with the next year's notice) do
# not count until that year is entered. ``entered=None`` trusts ``closed`` and ``makeup`` for
# every year.

ONE_DAY = timedelta(days=1)


def is_working_day(day: date, *, closed: Collection[date], makeup: Collection[date],
                   entered: Collection[int] | None = None) -> bool:
    """True when ``day`` is an official working day."""
    if entered is not None and day.year not in entered:
        return day.weekday() < 5
    if day in makeup:
        return True
    return day.weekday() < 5 and day not in closed


def working_days_from(day: date, *, closed: Collection[date], makeup: Collection[date],
                      entered: Collection[int] | None = None) -> Iterator[date]:
    """The working days after ``day`` (``day`` itself never counts), in order, without end."""
    while True:
        day += ONE_DAY
        if is_working_day(day, closed=closed, makeup=makeup, entered=entered):
            yield day


def working_day_after(day: date, n: int = 1, *, closed: Collection[date],
                      makeup: Collection[date], entered: Collection[int] | None = None) -> date:
    """The ``n``-th working day after ``day`` (n >= 1; ``day`` itself never counts): the 7th
    after the day a complaint is received is its solution date."""
    if n < 1:
        raise ValueError("n must be at least 1")
    days = working_days_from(day, closed=closed, makeup=makeup, entered=entered)
    for _k in range(n - 1):
        next(days)
    return next(days)


def working_days_between(start: date, end: date, *, closed: Collection[date],
                         makeup: Collection[date],
                         entered: Collection[int] | None = None) -> list[date]:
    """The working days in ``[start, end)``."""
    return [start + k * ONE_DAY for k in range((end - start).days)
            if is_working_day(start + k * ONE_DAY, closed=closed, makeup=makeup, entered=entered)]


def years_unentered(start: date, end: date, entered: Collection[int]) -> list[int]:
    """The years of ``[start, end]`` without entered official days: a count across them is an
    estimate that may move once they are entered."""
    return [y for y in range(start.year, end.year + 1) if y not in entered]
