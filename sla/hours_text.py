"""Weekly service hours in words, for people: ``mon-sat 09:00-21:00`` reads 周一至周六 09:00–21:00
in Chinese and Mon–Sat 09:00–21:00 in English.

Pure Python like ``sla/calendar.py``, whose parser it reads the hours with; the caller passes the
language. Days with the same hours share a group, in weekday order; a run of three or more days
is a range (周一至周五, Mon–Fri), two days are listed (周六、周日, Sat, Sun); the same hours every
day is 每天 / Daily. ``24x7`` is 7×24 全天候 / 24×7, round the clock. Holidays and the time zone are
the caller's to add (``sla.templatetags.service_hours``).
"""

from __future__ import annotations

from sla.calendar import (
    MINUTES_PER_DAY,
    WeeklyHours,
    consecutive_runs,
    day_groups,
    hhmm,
    parse_hours,
)

__all__ = ["describe_hours"]

_WORDS = {
    "zh": {"days": ("周一", "周二", "周三", "周四", "周五", "周六", "周日"), "range": "至",
           "list": "、", "times": "、", "groups": "；", "daily": "每天", "all_day": "全天",
           "always": "7×24 全天候"},
    "en": {"days": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"), "range": "–",
           "list": ", ", "times": ", ", "groups": "; ", "daily": "Daily", "all_day": "all day",
           "always": "24×7, round the clock"},
}


def _words(language: str) -> dict:
    return _WORDS["zh" if (language or "").lower().startswith("zh") else "en"]


def _days_text(days: list[int], words: dict) -> str:
    if len(days) == 7:
        return words["daily"]
    names = words["days"]
    parts = []
    for run in consecutive_runs(days):
        if len(run) >= 3:
            parts.append(f"{names[run[0]]}{words['range']}{names[run[-1]]}")
        else:
            parts.extend(names[day] for day in run)
    return words["list"].join(parts)


def _times_text(intervals: tuple[tuple[int, int], ...], words: dict) -> str:
    if intervals == ((0, MINUTES_PER_DAY),):
        return words["all_day"]
    return words["times"].join(f"{hhmm(a)}–{hhmm(b)}" for a, b in intervals)


def describe_hours(hours: WeeklyHours | str, language: str = "zh-hans") -> str:
    """``hours`` (or its text, read with ``parse_hours``) in Chinese for a ``zh*`` language,
    else in English. Hours with no open day have no text (``""``); text that cannot be read
    raises ``HoursError`` like ``parse_hours``."""
    if isinstance(hours, str):
        hours = parse_hours(hours)
    words = _words(language)
    if hours.always_open:
        return words["always"]
    return words["groups"].join(f"{_days_text(days, words)} {_times_text(intervals, words)}"
                                for intervals, days in day_groups(hours).items())
