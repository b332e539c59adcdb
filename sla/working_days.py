"""Official working days read from the SLA holiday tables (``HolidayDay``, ``HolidayYear``):
the one reader behind every "n-th working day" of the portal — a complaint's solution date
(the 7th working day after receipt), a survey callback's "next working day", the pre-holiday
inspection round. The counting is ``core.periods``'; the days come from
``sla.holidays.calendar_days`` (cached in the process, cleared when the tables change).

A year whose days are not entered (no ``HolidayYear`` row) counts as plain Monday to Friday.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from core import periods
from sla.holidays import REGION_CN, calendar_days
from sla.models import HolidayDay, ServiceCalendar


@dataclass(frozen=True)
class WorkingDays:
    """The closed days, make-up days and entered years of one region (or none at all)."""

    closed: frozenset[date]
    makeup: frozenset[date]
    entered: frozenset[int] | None = None

    def _sets(self) -> dict:
        return {"closed": self.closed, "makeup": self.makeup, "entered": self.entered}

    def is_working(self, day: date) -> bool:
        return periods.is_working_day(day, **self._sets())

    def after(self, day: date, n: int = 1) -> date:
        """The ``n``-th working day after ``day`` (``day`` itself never counts)."""
        return periods.working_day_after(day, n, **self._sets())

    def between(self, start: date, end: date) -> list[date]:
        """The working days in ``[start, end)``."""
        return periods.working_days_between(start, end, **self._sets())

    def estimated(self, start: date, end: date) -> bool:
        """True when some year of ``[start, end]`` has no entered days (counted Monday to
        Friday, so the result may move once that year is entered)."""
        return self.entered is not None and bool(periods.years_unentered(start, end,
                                                                          self.entered))


MONDAY_TO_FRIDAY = WorkingDays(frozenset(), frozenset())


def working_days(region: str = REGION_CN) -> WorkingDays:
    """The official working days of ``region`` (China by default), from the cached tables."""
    closed, makeup, entered = calendar_days(region)
    return WorkingDays(closed, makeup, entered)


def working_days_of(calendar: ServiceCalendar) -> WorkingDays:
    """The working days a service calendar follows: China's when it keeps China's holidays,
    else Monday to Friday."""
    if (calendar.holidays or "").upper() == REGION_CN:
        return working_days(REGION_CN)
    return MONDAY_TO_FRIDAY


def closed_day_names(start: date, end: date, region: str = REGION_CN) -> dict[date, str]:
    """``{day: festival name}`` of the closed days in ``[start, end]`` (one query)."""
    return dict(HolidayDay.objects.filter(region=region, kind=HolidayDay.Kind.CLOSED,
                                          day__gte=start, day__lte=end)
                .values_list("day", "name"))
