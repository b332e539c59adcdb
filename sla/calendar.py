"""Business-time arithmetic on weekly service hours with holidays and make-up working days.

Pure Python (no Django, no ORM): the SLA services pass in the days they read from the holiday
tables (see ``sla.holidays.build_calendar``).

How it works: the open intervals of whole local years are turned into UTC instants once (lazily,
year by year) and kept as sorted lists with running totals of open time, so adding business
time and measuring it between two instants are two binary searches each.

Business time is real elapsed time inside open intervals. Each day's wall-clock hours are
converted to instants with ``zoneinfo``; a wall time that does not exist (the hour skipped when
clocks go forward) or exists twice (the hour repeated when they go back) is read with
``fold=0``, i.e. with the UTC offset in force *before* the change: 02:30 on a spring-forward day
in Europe/Berlin means 03:30 summer time, and 02:30 on a fall-back day means the first (summer
time) 02:30. Intervals that touch or overlap after conversion, including across midnight
(``mon 18:00-24:00; tue 00:00-06:00``, ``24x7``), are one continuous span.

Intervals are half-open: an instant at closing time is not open, but a deadline that falls
exactly on closing time is that closing time.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["BusinessCalendar", "HoursError", "WeeklyHours", "format_hours", "parse_hours"]

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MINUTES_PER_DAY = 24 * 60
US = 1_000_000  # positions are integer microseconds since the Unix epoch
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EMPTY_YEARS_LIMIT = 2  # more consecutive years without any open time: give up
_MAX_POSITION = (datetime(9999, 1, 1, tzinfo=UTC) - _EPOCH) // timedelta(microseconds=1)


class HoursError(ValueError):
    """Weekly service hours that cannot be read or make no sense."""


# --------------------------------------------------------------------------------------------
# Weekly hours
# --------------------------------------------------------------------------------------------

_FULL_DAY = ((0, MINUTES_PER_DAY),)


@dataclass(frozen=True)
class WeeklyHours:
    """Open intervals per weekday, Monday first, in minutes after local midnight.

    Each day is a tuple of ``(start_minute, end_minute)`` intervals, sorted and not overlapping
    (intervals that touch are merged), with ``0 <= start < end <= 1440``. ``always_open``
    (``24x7``) is open every minute of every day and ignores holidays.
    """

    days: tuple[tuple[tuple[int, int], ...], ...]
    always_open: bool = False

    def __post_init__(self):
        if self.always_open:
            object.__setattr__(self, "days", (_FULL_DAY,) * 7)
            return
        if len(self.days) != 7:
            raise HoursError(f"weekly hours need 7 days (Monday to Sunday), got {len(self.days)}")
        days = []
        for name, intervals in zip(DAY_NAMES, self.days, strict=True):
            days.append(_normalise_day(name, [tuple(i) for i in intervals]))
        object.__setattr__(self, "days", tuple(days))

    @property
    def is_empty(self) -> bool:
        return not any(self.days)


def _normalise_day(name: str, intervals: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    for start, end in intervals:
        if not (isinstance(start, int) and isinstance(end, int)):
            raise HoursError(f"{name}: interval bounds must be whole minutes")
        if not 0 <= start < MINUTES_PER_DAY or not 0 < end <= MINUTES_PER_DAY:
            raise HoursError(f"{name}: {hhmm(start)}-{hhmm(end)} is outside 00:00-24:00")
        if end <= start:
            raise HoursError(f"{name}: {hhmm(start)}-{hhmm(end)} ends before it starts")
    merged: list[tuple[int, int]] = []
    for start, end in sorted(intervals):
        if merged and start < merged[-1][1]:
            prev = merged[-1]
            raise HoursError(f"{name}: {hhmm(prev[0])}-{hhmm(prev[1])} and "
                             f"{hhmm(start)}-{hhmm(end)} overlap")
        if merged and start == merged[-1][1]:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return tuple(merged)


_TIME_RE = re.compile(r"^([0-9]{1,2}):([0-9]{2})$")


def _parse_time(text: str, group: str, *, is_end: bool) -> int:
    m = _TIME_RE.match(text)
    if not m:
        raise HoursError(f"{group!r}: {text!r} is not a time (HH:MM)")
    hour, minute = int(m[1]), int(m[2])
    if hour == 24 and minute == 0:
        if not is_end:
            raise HoursError(f"{group!r}: an interval cannot start at 24:00")
        return MINUTES_PER_DAY
    if hour > 23 or minute > 59:
        raise HoursError(f"{group!r}: {text!r} is not a time of day (00:00-23:59, or 24:00 "
                         f"as an end)")
    return hour * 60 + minute


def _parse_days(text: str, group: str) -> list[int]:
    days: list[int] = []
    for item in text.split(","):
        if not item:
            raise HoursError(f"{group!r}: empty day in the day list")
        first, sep, last = item.partition("-")
        names = [first, last] if sep else [first]
        for name in names:
            if name not in DAY_NAMES:
                raise HoursError(f"{group!r}: unknown day {name!r} (use mon, tue, wed, thu, "
                                 f"fri, sat, sun)")
        lo = DAY_NAMES.index(first)
        hi = DAY_NAMES.index(last) if sep else lo
        if hi < lo:
            fix = f"{first}-sun,mon" + (f"-{last}" if last != "mon" else "")
            raise HoursError(f"{group!r}: day range {item!r} runs backwards (write {fix})")
        for day in range(lo, hi + 1):
            if day in days:
                raise HoursError(f"{group!r}: {DAY_NAMES[day]} is listed twice")
            days.append(day)
    return days


def parse_hours(spec: str) -> WeeklyHours:
    """Read ``24x7`` or ``;``-separated groups ``DAYS HH:MM-HH:MM[,HH:MM-HH:MM…]``.

    DAYS is a day (``mon`` … ``sun``), a forward range (``mon-fri``) or a comma list of either
    (``sat,sun``). ``24:00`` is allowed as an end. Case and extra spaces do not matter.
    Example: ``mon-fri 09:00-12:00,13:30-18:00; sat 09:00-12:00``.
    """
    if not isinstance(spec, str):
        raise HoursError("service hours must be text, e.g. 'mon-fri 09:00-18:00' or '24x7'")
    text = " ".join(spec.lower().split())
    if text in ("24x7", "24*7", "7x24"):
        return WeeklyHours(days=(_FULL_DAY,) * 7, always_open=True)
    # "mon - fri 09:00 - 12:00 , 13:30-18:00" → "mon-fri 09:00-12:00,13:30-18:00"
    text = re.sub(r"\s*([-,])\s*", r"\1", text)
    groups = [g.strip() for g in text.split(";") if g.strip()]
    if not groups:
        raise HoursError("no service hours given (e.g. 'mon-fri 09:00-18:00' or '24x7')")
    week: list[list[tuple[int, int]]] = [[] for _ in DAY_NAMES]
    seen: set[int] = set()
    for group in groups:
        parts = group.split(" ")
        if len(parts) != 2:
            raise HoursError(f"{group!r}: expected 'DAYS HH:MM-HH:MM[,HH:MM-HH:MM…]'")
        day_text, times_text = parts
        days = _parse_days(day_text, group)
        intervals = []
        for item in times_text.split(","):
            start_text, sep, end_text = item.partition("-")
            if not sep:
                raise HoursError(f"{group!r}: {item!r} is not an interval (HH:MM-HH:MM)")
            start = _parse_time(start_text, group, is_end=False)
            end = _parse_time(end_text, group, is_end=True)
            if end <= start:
                raise HoursError(f"{group!r}: {item} ends before it starts")
            intervals.append((start, end))
        for day in days:
            if day in seen:
                raise HoursError(f"{DAY_NAMES[day]} is given twice")
            seen.add(day)
            week[day] = intervals
    try:
        return WeeklyHours(days=tuple(tuple(d) for d in week))
    except HoursError as exc:
        raise HoursError(f"{exc} (in {spec.strip()!r})") from None


def hhmm(minutes: int) -> str:
    """Minutes after midnight as ``HH:MM``."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def day_groups(hours: WeeklyHours) -> dict[tuple[tuple[int, int], ...], list[int]]:
    """The open days grouped by their intervals, in weekday order (0 = Monday)."""
    groups: dict[tuple[tuple[int, int], ...], list[int]] = {}
    for day, intervals in enumerate(hours.days):
        if intervals:
            groups.setdefault(intervals, []).append(day)
    return groups


def consecutive_runs(days: list[int]) -> list[list[int]]:
    """Ascending weekday numbers cut into runs of consecutive days ([0, 1, 2, 5] → [[0, 1, 2],
    [5]])."""
    runs: list[list[int]] = []
    for day in days:
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return runs


def format_hours(hours: WeeklyHours) -> str:
    """The canonical text of ``hours``, which ``parse_hours`` reads back to equal hours.

    Days with the same intervals share a group, written as ranges (``mon-fri 09:00-18:00;
    sat 09:00-12:00``). Hours with no open day at all have no text (``""``).
    """
    if hours.always_open:
        return "24x7"
    parts = []
    for intervals, days in day_groups(hours).items():
        day_text = ",".join(DAY_NAMES[r[0]] if len(r) == 1 else
                            f"{DAY_NAMES[r[0]]}-{DAY_NAMES[r[-1]]}"
                            for r in consecutive_runs(days))
        times = ",".join(f"{hhmm(a)}-{hhmm(b)}" for a, b in intervals)
        parts.append(f"{day_text} {times}")
    return "; ".join(parts)


# --------------------------------------------------------------------------------------------
# Business calendar
# --------------------------------------------------------------------------------------------


class BusinessCalendar:
    """Weekly hours in a time zone, with closed days and make-up working days.

    ``closed_days`` are official holiday days (closed all day, weekend days inside a holiday
    period included); ``makeup_days`` are official make-up working days (调休), open with the
    calendar's Monday hours. ``confirmed_years`` are the years whose holiday data is entered:
    days in other years are ignored (those years fall back to the weekly hours and spans touching
    them are provisional). ``confirmed_years=None`` means no holiday source is used: the given
    days (normally none) apply and nothing is provisional. A ``24x7`` calendar ignores holidays.

    All instants must be timezone-aware; results are in the calendar's zone.
    """

    def __init__(self, hours: WeeklyHours | str, tz: str = "Asia/Shanghai", *,
                 closed_days: Iterable[date] = (), makeup_days: Iterable[date] = (),
                 confirmed_years: Iterable[int] | None = None):
        self.hours = parse_hours(hours) if isinstance(hours, str) else hours
        if not isinstance(self.hours, WeeklyHours):
            raise TypeError("hours must be WeeklyHours or text such as 'mon-fri 09:00-18:00'")
        if self.hours.is_empty:
            raise HoursError("the calendar has no service hours at all")
        if isinstance(tz, ZoneInfo):
            self.zone = tz
        else:
            try:
                self.zone = ZoneInfo(tz)
            except (ZoneInfoNotFoundError, ValueError, TypeError):
                raise ValueError(f"{tz!r} is not an IANA time zone") from None
        self.tz = self.zone.key
        self.always_open = self.hours.always_open
        self.uses_holidays = confirmed_years is not None and not self.always_open
        self.confirmed_years = (frozenset() if confirmed_years is None
                                else frozenset(int(y) for y in confirmed_years))
        closed, makeup = frozenset(closed_days), frozenset(makeup_days)
        if self.always_open:
            closed = makeup = frozenset()
        elif confirmed_years is not None:
            closed = frozenset(d for d in closed if d.year in self.confirmed_years)
            makeup = frozenset(d for d in makeup if d.year in self.confirmed_years)
        both = closed & makeup
        if both:
            raise ValueError(f"{min(both)} is both a closed day and a make-up working day")
        self.closed_days, self.makeup_days = closed, makeup
        longest_day = max(sum(b - a for a, b in day) for day in self.hours.days)
        self._slowest = MINUTES_PER_DAY // longest_day  # elapsed time per business time, at least
        self._years: dict[int, list[tuple[int, int]]] = {}
        # (first year, last year, covered from, covered until, starts, ends, cumulative totals),
        # replaced as a whole when the covered years grow, so readers never see a half-built one.
        self._state: tuple | None = None

    def __repr__(self) -> str:
        return f"BusinessCalendar({format_hours(self.hours)!r}, {self.tz!r})"

    # -- public API ---------------------------------------------------------------------------

    def add(self, start: datetime, seconds: int | float) -> datetime:
        """``start`` plus ``seconds`` of business time; a start outside the service hours starts
        at the next opening, and a deadline that falls on closing time is that closing time."""
        t = _position(start)
        amount = _amount(seconds)
        if self.always_open:
            return self._datetime(t + amount)
        if amount == 0:
            return self._datetime(self._next_open(t))
        if t + amount * self._slowest >= _MAX_POSITION:  # fail fast, not after 8,000 years
            raise ValueError("business time runs beyond the year 9999")
        while True:
            state = self._state
            if state is None or not state[2] <= t < state[3]:
                state = self._cover(t)
            _, _, _, _, starts, ends, cum = state
            i = bisect_right(ends, t)
            if i == len(ends):
                self._grow(state)
                continue
            s = starts[i]
            target = cum[i] + (t - s if t > s else 0) + amount
            k = bisect_left(cum, target, i + 1)  # first running total reaching the target
            if k == len(cum):
                self._grow(state)
                continue
            return self._datetime(starts[k - 1] + target - cum[k - 1])

    def add_minutes(self, start: datetime, minutes: int | float) -> datetime:
        """``start`` plus ``minutes`` of business time (see ``add``)."""
        return self.add(start, minutes * 60)

    def between(self, start: datetime, end: datetime) -> int:
        """Whole business seconds in ``[start, end)``; 0 if ``end`` is not after ``start``."""
        a, b = _position(start), _position(end)
        if b <= a:
            return 0
        if self.always_open:
            return (b - a) // US
        state = self._cover(a, b)
        return (self._cumulative(state, b) - self._cumulative(state, a)) // US

    def is_open(self, instant: datetime) -> bool:
        """Whether ``instant`` is inside the service hours (closing time itself is not)."""
        t = _position(instant)
        if self.always_open:
            return True
        _, _, _, _, starts, ends, _ = self._cover(t)
        i = bisect_right(ends, t)
        return i < len(ends) and starts[i] <= t

    def next_open(self, instant: datetime) -> datetime:
        """``instant`` itself if it is open, else the next opening."""
        t = _position(instant)
        if self.always_open:
            return self._datetime(t)
        return self._datetime(self._next_open(t))

    def is_provisional(self, start: datetime, end: datetime) -> bool:
        """Whether the span touches a year whose holidays are not confirmed (always False for
        24x7 calendars and calendars without a holiday source)."""
        return bool(self.unconfirmed_years(start, end))

    def unconfirmed_years(self, start: datetime, end: datetime) -> list[int]:
        """The years of the span ``[start, end)`` (local) whose holidays are not confirmed;
        empty for 24x7 calendars and calendars without a holiday source."""
        a, b = _position(start), _position(end)
        if not self.uses_holidays:
            return []
        if b < a:
            a, b = b, a
        last = b - 1 if b > a else b  # the span is [start, end): its last instant is before end
        first_year, last_year = self._datetime(a).year, self._datetime(last).year
        return [y for y in range(first_year, last_year + 1) if y not in self.confirmed_years]

    def open_intervals(self, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
        """The open spans overlapping ``[start, end)``, clipped to it (for previews and tests)."""
        a, b = _position(start), _position(end)
        if b <= a:
            return []
        if self.always_open:
            return [(self._datetime(a), self._datetime(b))]
        _, _, _, _, starts, ends, _ = self._cover(a, b)
        spans = []
        for i in range(bisect_right(ends, a), len(starts)):
            if starts[i] >= b:
                break
            spans.append((self._datetime(max(starts[i], a)), self._datetime(min(ends[i], b))))
        return spans

    # -- internals ----------------------------------------------------------------------------

    def _datetime(self, position: int) -> datetime:
        seconds, micro = divmod(position, US)
        result = datetime.fromtimestamp(seconds, self.zone)
        return result.replace(microsecond=micro) if micro else result

    def _next_open(self, t: int) -> int:
        while True:
            state = self._cover(t)
            starts, ends = state[4], state[5]
            i = bisect_right(ends, t)
            if i == len(ends):
                self._grow(state)
                continue
            return max(starts[i], t)

    @staticmethod
    def _cumulative(state: tuple, t: int) -> int:
        _, _, _, _, starts, ends, cum = state
        i = bisect_right(ends, t)
        if i == len(ends):
            return cum[-1]
        return cum[i] + (t - starts[i] if t > starts[i] else 0)

    def _cover(self, a: int, b: int | None = None) -> tuple:
        """The state covering positions ``a`` (and ``b``), built or grown as needed."""
        state = self._state
        if b is None:
            b = a
        if state is not None and state[2] <= a and b < state[3]:
            return state
        year_a = self._datetime(a).year
        year_b = self._datetime(b).year
        if state is None:
            return self._build(year_a, year_b)
        return self._build(min(year_a, state[0]), max(year_b, state[1]))

    def _grow(self, state: tuple) -> tuple:
        """Cover more years after the last one: a few at a time, and at least up to the next
        year with any open time (more than two empty years in a row is an error)."""
        first, last = state[0], state[1]
        year, empty = last + 1, 0
        while not self._year(year):
            empty += 1
            if empty > _EMPTY_YEARS_LIMIT:
                raise ValueError(f"the calendar has no open time from {last + 1} to {year}: "
                                 f"every day is closed")
            year += 1
        # Double the years covered (at most 64 more at a time): a long add builds few times.
        return self._build(first, max(year, last + min(last - first + 1, 64)))

    def _build(self, first: int, last: int) -> tuple:
        if last > 9998:
            raise ValueError("business time runs beyond the year 9999")
        starts: list[int] = []
        ends: list[int] = []
        for year in range(first, last + 1):
            for s, e in self._year(year):
                if ends and s <= ends[-1]:  # touches the previous span (across midnight)
                    if e > ends[-1]:
                        ends[-1] = e
                else:
                    starts.append(s)
                    ends.append(e)
        cum = [0] * len(starts)
        total = 0
        for i in range(len(starts)):
            cum[i] = total
            total += ends[i] - starts[i]
        cum.append(total)  # cum[len] = all open time covered, handy for bisect and totals
        covered_from = _position(datetime(first, 1, 1, tzinfo=self.zone))
        covered_until = _position(datetime(last + 1, 1, 1, tzinfo=self.zone))
        state = (first, last, covered_from, covered_until, starts, ends, cum)
        self._state = state
        return state

    def _year(self, year: int) -> list[tuple[int, int]]:
        """Open spans of the local days of ``year`` as sorted, merged (start, end) positions."""
        spans = self._years.get(year)
        if spans is not None:
            return spans
        zone, week = self.zone, self.hours.days
        raw: list[tuple[int, int]] = []
        day = date(year, 1, 1)
        one = timedelta(days=1)
        while day.year == year:
            if day in self.closed_days:
                intervals = ()
            elif day in self.makeup_days:
                intervals = week[0]
            else:
                intervals = week[day.weekday()]
            if intervals:
                midnight = datetime.combine(day, time(), tzinfo=zone)  # fold=0, see module doc
                for a, b in intervals:
                    s = _position(_wall(midnight, a, zone))
                    e = _position(_wall(midnight, b, zone))
                    if s < e:  # else wholly inside an hour skipped by a clock change
                        raw.append((s, e))
            day += one
        # Sorted again and merged: around a clock change wall-time order and instant order can
        # differ, and intervals may then overlap.
        spans = []
        for s, e in sorted(raw):
            if spans and s <= spans[-1][1]:
                if e > spans[-1][1]:
                    spans[-1] = (spans[-1][0], e)
            else:
                spans.append((s, e))
        self._years[year] = spans
        return spans


def _wall(midnight: datetime, minutes: int, zone: ZoneInfo) -> datetime:
    """The wall-clock time ``minutes`` after local ``midnight`` (1440 = next midnight)."""
    naive = midnight.replace(tzinfo=None) + timedelta(minutes=minutes)
    return naive.replace(tzinfo=zone)  # fold=0: the offset before a change (module doc)


def _position(instant: datetime) -> int:
    try:
        delta = instant - _EPOCH  # fails for naive datetimes (and for what is not a datetime)
    except TypeError:
        if not isinstance(instant, datetime):
            raise TypeError(f"expected a datetime, got {type(instant).__name__}") from None
        raise ValueError(f"naive datetime {instant.isoformat()} refused: business time needs "
                         f"a timezone-aware datetime") from None
    return (delta.days * 86400 + delta.seconds) * US + delta.microseconds


def _amount(seconds: int | float) -> int:
    if type(seconds) is int and seconds >= 0:  # the common case, first
        return seconds * US
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        raise TypeError(f"business time must be a number of seconds, got {seconds!r}")
    if isinstance(seconds, float):
        if not math.isfinite(seconds):
            raise ValueError(f"business time must be finite, got {seconds!r}")
        amount = round(seconds * US)
    else:
        amount = seconds * US
    if amount < 0:
        raise ValueError(f"business time cannot be negative, got {seconds!r}")
    return amount
