"""Calendar quarters of complaint receipt, in the portal's time zone (the quarter limits).

Its own small module so the complaint services (surveys.services.complaints) and selectors
(surveys.selectors.complaints) both use it without importing each other."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone


def quarter_of(moment: datetime) -> tuple[int, int]:
    local = timezone.localtime(moment)
    return local.year, (local.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[datetime, datetime]:
    """[start, end) of a calendar quarter in the portal's time zone."""
    zone = timezone.get_current_timezone()
    start = datetime(year, 3 * (quarter - 1) + 1, 1, tzinfo=zone)
    end = (datetime(year + 1, 1, 1, tzinfo=zone) if quarter == 4
           else datetime(year, 3 * quarter + 1, 1, tzinfo=zone))
    return start, end
