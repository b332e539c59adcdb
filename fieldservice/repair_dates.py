"""The dates of a vendor repair (送修), pure functions over a ``WorkingDays`` calendar.

Seed 001 (服务台关于设备维修的主要工作) promises two things once a device is sent:

* "每3个工作日以书面形式向最终用户……反馈进度" — a written progress update every 3 working
  days: the next one is due on the 3rd working day after the send date or after the last
  update (``progress_due``); with no update the reminders fall on the 3rd, 6th, 9th … working
  day after sending.
* "确保送修后第二个周末前设备修复并送抵最终用户现场" — repaired and back on the user's site
  before the second weekend after sending (``return_due``), read exactly as:

  1. The weekends counted are the Saturday–Sunday pairs that begin after the send date (a
     device sent on a Saturday or Sunday does not count the weekend it was sent in).
  2. A weekend on which both days are make-up working days (调休) is worked, so it is not a
     weekend and is not counted; a weekend with at least one rest day counts.
  3. The return is due on the last working day before the second counted weekend's Saturday
     (a 调休 Saturday of that weekend is still the weekend: the device must be back before it).
  4. Holidays shorten the week: sent on Friday 18 September 2026 (before the Mid-autumn
     holiday of 25–27 September), the first weekend is 19–20 September (Sunday the 20th is a
     调休 working day, Saturday is rest: it counts), the second is 26–27 September, so the
     return is due on Thursday 24 September (Friday the 25th is the holiday). The progress
     updates are due on 22 September (Sunday the 20th is the first working day), 28 September
     and 8 October (after the National Day holiday).
  5. If no working day is left between the send date and that Saturday (a long holiday right
     after sending), the return is due on the first working day after the send date.

Sending on a Friday is the tightest case: the first weekend starts the next day, so the
device has the following working week only.
"""

from __future__ import annotations

from datetime import date, timedelta

from sla.working_days import WorkingDays

SATURDAY = 5


def counted_weekends(sent_on: date, calendar: WorkingDays):
    """The Saturdays of the weekends that count, in order, after ``sent_on``."""
    saturday = sent_on + timedelta(days=(SATURDAY - sent_on.weekday()) % 7 or 7)
    while True:
        sunday = saturday + timedelta(days=1)
        if not (calendar.is_working(saturday) and calendar.is_working(sunday)):
            yield saturday
        saturday += timedelta(days=7)


def return_due(sent_on: date, calendar: WorkingDays) -> date:
    """The last working day before the second weekend after ``sent_on`` (module docstring)."""
    weekends = counted_weekends(sent_on, calendar)
    next(weekends)
    second = next(weekends)
    day = second - timedelta(days=1)
    while day > sent_on:
        if calendar.is_working(day):
            return day
        day -= timedelta(days=1)
    return calendar.after(sent_on, 1)


def progress_due(anchor: date, calendar: WorkingDays, every: int = 3) -> date:
    """The day the next written update is due: the ``every``-th working day after ``anchor``
    (the send date, the last update or the last reminder)."""
    return calendar.after(anchor, every)
