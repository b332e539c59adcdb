"""SLA state changes that span several tables: entering a year's official holidays."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from core.clock import now
from sla.clocks import clocks_recompute
from sla.holiday_notice import Notice, festivals_named, parse_notice
from sla.holidays import REGION_CN, calendar_days_clear
from sla.models import Clock, HolidayDay, HolidayYear

NOTICE_SOURCE = "国务院办公厅通知"


@dataclass(frozen=True)
class HolidayYearEntered:
    notice: Notice
    closed: int       # closed days stored in the year
    makeup: int       # make-up working days stored in the year
    recomputed: int   # provisional deadlines that changed


def holiday_year_enter(*, year: int, text: str, actor=None,
                       moment: datetime | None = None) -> HolidayYearEntered:
    """Enter ``year`` from the State Council's notice (or a table, see ``sla.holiday_notice``):
    replace the year's days with the notice's, mark the year entered and recompute the
    provisional deadlines, in one transaction.

    Raises ``NoticeError`` (nothing changes) for text that cannot be read or lacks one of the
    seven statutory festivals. Days of the year the notice does not list are deleted, except
    December days of 元旦: they belong to next year's New Year holiday (its notice may reach
    back, "2022年12月31日至2023年1月2日"). Days this notice puts in the December before are
    written into that year.
    """
    notice = parse_notice(text, year=year)
    notice.require_complete()
    who = actor.get_username() if actor is not None else "manage.py holidays_enter"
    source = f"{NOTICE_SOURCE}（{who} 录入）"[:HolidayYear._meta.get_field("source").max_length]
    wanted = {day: (HolidayDay.Kind.CLOSED, name) for day, name in notice.closed.items()}
    wanted.update({day: (HolidayDay.Kind.MAKEUP, name) for day, name in notice.makeup.items()})
    try:
        with transaction.atomic():
            rows = {row.day: row for row in HolidayDay.objects.select_for_update().filter(
                region=REGION_CN, day__year__in={year} | {d.year for d in wanted})}
            for day, row in rows.items():
                keep = (day in wanted or day.year != year
                        or (day.month == 12 and "元旦" in festivals_named([row.name])))
                if not keep:
                    _attribute(row, actor)
                    row.delete()
            for day, (kind, name) in wanted.items():
                row = rows.get(day) or HolidayDay(region=REGION_CN, day=day)
                if row.pk is None or (row.kind, row.name) != (kind, name):
                    row.kind, row.name = kind, name
                    _attribute(row, actor)
                    row.save()
            HolidayYear.objects.update_or_create(region=REGION_CN, year=year,
                                                 defaults={"source": source})
            calendar_days_clear()  # the deadlines below must see the new days
            recomputed = clocks_recompute(clocks=Clock.objects.filter(provisional=True),
                                          moment=moment or now())
    finally:
        # Committed or rolled back: no process-local copy of the days read inside survives.
        calendar_days_clear()
    return HolidayYearEntered(
        notice=notice, recomputed=recomputed,
        closed=sum(1 for d in notice.closed if d.year == year),
        makeup=sum(1 for d in notice.makeup if d.year == year))


def _attribute(row: HolidayDay, actor) -> None:
    row._history_user = actor
    row._change_reason = NOTICE_SOURCE
