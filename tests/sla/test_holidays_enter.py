"""Entering a year from the State Council's notice: the service (sla/services.py), the
holidays_enter command, the admin's guards against a partial year, the banner's advice, and the
Chinese names of the days."""

import importlib
import os
import subprocess
import sys
from datetime import date, datetime
from io import StringIO
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection

from assets.selectors.inspections import holiday_breaks_ahead
from sla.holiday_notice import NoticeError, missing_festivals
from sla.holidays import (
    FIRST_SEVEN_FESTIVAL_YEAR,
    build_calendar,
    calendar_days,
    china_days,
    china_years_covered,
)
from sla.models import Clock, Contract, HolidayDay, HolidayYear, Target
from sla.services import holiday_year_enter
from tests.sla.test_holiday_notice import NOTICE_2026, NOTICE_2031
from tickets.models import ServiceType
from tickets.services import ticket_create

SH = ZoneInfo("Asia/Shanghai")
YEAR = 2031  # far beyond any chinesecalendar release, so always entered by hand here
TWO_DAYS = "元旦：1月1日（周三）放假，共1天。\n春节：1月22日至23日放假，共2天。\n"
ROOT = Path(__file__).resolve().parents[2]


def at(*args):
    return datetime(*args, tzinfo=SH)


def snapshot():
    return (sorted(HolidayDay.objects.values_list("region", "day", "kind", "name")),
            sorted(HolidayYear.objects.values_list("region", "year", "source")))


@pytest.fixture
def notice_file(tmp_path):
    def write(text: str) -> str:
        path = tmp_path / "notice.txt"
        path.write_text(text, encoding="utf-8")
        return str(path)

    return write


# --- the service ----------------------------------------------------------------------------


def test_it_enters_a_year_from_the_notice(db):
    entered = holiday_year_enter(year=YEAR, text=NOTICE_2031)
    assert (entered.closed, entered.makeup) == (28, 5)
    year = HolidayYear.objects.get(region="CN", year=YEAR)
    assert year.source.startswith("国务院办公厅通知")
    assert HolidayDay.objects.get(day=date(YEAR, 1, 22)).name == "春节"
    assert HolidayDay.objects.get(day=date(YEAR, 1, 19)).kind == "makeup"
    assert HolidayDay.objects.get(day=date(YEAR, 10, 8)).name == "国庆节、中秋节"
    assert YEAR in calendar_days()[2]


def test_a_deadline_runs_across_the_entered_holidays_and_make_up_days(db):
    hours = "mon-fri 09:00-18:00"
    before = build_calendar(hours=hours, holidays="CN", tz="Asia/Shanghai")
    assert before.add_minutes(at(YEAR, 1, 21, 17), 120) == at(YEAR, 1, 22, 10)  # weekly hours
    assert before.is_provisional(at(YEAR, 1, 21, 17), at(YEAR, 1, 22, 10))
    holiday_year_enter(year=YEAR, text=NOTICE_2031)
    calendar = build_calendar(hours=hours, holidays="CN", tz="Asia/Shanghai")
    # Tue 01-21 17:00: one hour that day, Wed 22 … Wed 29 closed, Thu 30 from 09:00.
    assert calendar.add_minutes(at(YEAR, 1, 21, 17), 120) == at(YEAR, 1, 30, 10)
    # Fri 01-17 17:00: Saturday is a weekend day, Sunday 19 a make-up working day.
    assert calendar.add_minutes(at(YEAR, 1, 17, 17), 120) == at(YEAR, 1, 19, 10)
    # Fri 02-07 17:00: Saturday 8 is a make-up working day.
    assert calendar.add_minutes(at(YEAR, 2, 7, 17), 120) == at(YEAR, 2, 8, 10)
    # The combined 国庆节、中秋节: Tue 09-30 17:00 → Thu 10-09 (Sat 10-11 is worked later).
    assert calendar.add_minutes(at(YEAR, 9, 30, 17), 120) == at(YEAR, 10, 9, 10)
    assert not calendar.is_provisional(at(YEAR, 1, 21, 17), at(YEAR, 1, 30, 10))


def test_entering_the_year_recomputes_provisional_deadlines(demo):
    """DEMO-DESKTOP runs mon-sat 09:00-21:00; a 12-hour resolution is one working day."""
    Contract.objects.update(ends_on=date(YEAR, 12, 31))
    desktop = Contract.objects.get(code="DEMO-DESKTOP")
    Target.objects.filter(contract=desktop, service_type__code="software", priority=3).update(
        resolution_minutes=12 * 60)
    software = ServiceType.objects.get(code="software")

    def resolution(ticket):
        return Clock.objects.get(ticket=ticket, kind="resolution")

    with time_machine.travel(at(YEAR, 1, 21, 20, 0), tick=False):  # Tuesday before 春节
        holiday = ticket_create(actor=demo["user"], contract=desktop, service_type=software,
                                title="节前工单")
    with time_machine.travel(at(YEAR, 1, 18, 20, 0), tick=False):  # Saturday before a make-up
        makeup = ticket_create(actor=demo["user"], contract=desktop, service_type=software,
                               title="调休前工单")
    assert resolution(holiday).provisional
    assert resolution(holiday).due_at == at(YEAR, 1, 22, 20, 0)  # weekly hours only
    assert resolution(makeup).due_at == at(YEAR, 1, 20, 20, 0)  # Sunday closed

    with time_machine.travel(at(YEAR - 1, 11, 5, 10, 0), tick=False):
        entered = holiday_year_enter(year=YEAR, text=NOTICE_2031, actor=demo["admin"])
    assert entered.recomputed >= 2
    assert not resolution(holiday).provisional
    assert resolution(holiday).due_at == at(YEAR, 1, 30, 20, 0)  # after 01-22 … 01-29
    assert resolution(makeup).due_at == at(YEAR, 1, 19, 20, 0)  # Sunday 19 is worked


def test_it_refuses_a_year_with_two_days_only_and_saves_nothing(db):
    before = snapshot()
    with pytest.raises(NoticeError, match="清明节、劳动节、端午节、中秋节、国庆节"):
        holiday_year_enter(year=YEAR, text=TWO_DAYS)
    assert snapshot() == before


def test_entering_again_replaces_the_years_days(db):
    holiday_year_enter(year=YEAR, text=NOTICE_2031)
    HolidayDay.objects.create(region="CN", day=date(YEAR, 3, 3), kind="closed", name="typo")
    # Next year's notice put 12-31 into this year's December: it stays.
    HolidayDay.objects.create(region="CN", day=date(YEAR, 12, 31), kind="closed", name="元旦")
    moved = NOTICE_2031.replace("5月31日（周六）至6月2日（周一）", "6月7日（周六）至9日（周一）")
    holiday_year_enter(year=YEAR, text=moved)
    days = dict(HolidayDay.objects.filter(day__year=YEAR).values_list("day", "name"))
    assert date(YEAR, 3, 3) not in days and date(YEAR, 6, 1) not in days
    assert days[date(YEAR, 6, 8)] == "端午节"
    assert days[date(YEAR, 12, 31)] == "元旦"
    assert HolidayYear.objects.filter(year=YEAR).count() == 1


def test_new_years_day_reaching_back_is_written_into_the_december_before(db):
    text = NOTICE_2031.replace("1月1日（周三）放假1天，不调休。",
                               "2030年12月31日至2031年1月1日放假调休，共2天。2030年12月28日（周六）上班。")
    holiday_year_enter(year=YEAR, text=text)
    assert HolidayDay.objects.get(day=date(YEAR - 1, 12, 31)).kind == "closed"
    assert HolidayDay.objects.get(day=date(YEAR - 1, 12, 28)).kind == "makeup"
    assert not HolidayYear.objects.filter(year=YEAR - 1).exists()


def test_the_pre_holiday_inspection_sees_a_combined_national_day(db):
    holiday_year_enter(year=YEAR, text=NOTICE_2031)
    [holiday] = holiday_breaks_ahead(date(YEAR, 9, 28), working_days=3)  # Sunday, worked
    assert (holiday.name, holiday.starts_on) == ("National Day", date(YEAR, 10, 1))


# --- the command ----------------------------------------------------------------------------


def test_it_prints_and_saves_nothing_on_a_dry_run(db, notice_file):
    before = snapshot()
    out = StringIO()
    call_command("holidays_enter", "--year", str(YEAR), "--file", notice_file(NOTICE_2031),
                 "--dry-run", stdout=out)
    printed = out.getvalue()
    assert "春节: closed 2031-01-22 – 2031-01-29 (8 days); make-up working days " \
           "2031-01-19 周日, 2031-02-08 周六" in printed
    assert "国庆节、中秋节: closed 2031-10-01 – 2031-10-08 (8 days)" in printed
    assert "CN 2031: 6 holidays, 28 closed days, 5 make-up working days." in printed
    assert printed.endswith("--dry-run: nothing saved.\n")
    assert snapshot() == before


def test_it_saves_the_year_from_the_command(db, notice_file):
    out = StringIO()
    call_command("holidays_enter", "--year", str(YEAR), "--file", notice_file(NOTICE_2031),
                 stdout=out)
    assert "Saved CN 2031: 28 closed days, 5 make-up working days; 0 provisional" \
           in out.getvalue()
    assert HolidayYear.objects.filter(year=YEAR).exists()


@pytest.mark.parametrize(("text", "expected"), [
    (NOTICE_2031.replace("三、清明节：", "三、"), "4月5日"),
    (NOTICE_2031.replace("（周六）上班", "（周五）上班"), "2月8日"),
    (TWO_DAYS, "清明节"),
])
def test_it_exits_2_and_saves_nothing_for_text_it_cannot_take(db, notice_file, text, expected):
    before = snapshot()
    with pytest.raises(CommandError, match=expected) as caught:
        call_command("holidays_enter", "--year", str(YEAR), "--file", notice_file(text),
                     stdout=StringIO())
    assert caught.value.returncode == 2
    assert snapshot() == before


def test_it_exits_2_for_a_missing_file(db, tmp_path):
    with pytest.raises(CommandError) as caught:
        call_command("holidays_enter", "--year", str(YEAR), "--file", str(tmp_path / "none"))
    assert caught.value.returncode == 2


def test_it_puts_the_line_it_cannot_read_on_stderr(tmp_path):
    """The command line itself: exit status 2 and the line on stderr (read before any query)."""
    bad = "二、春节：1月22日至29日放假调休，共7天。"
    (tmp_path / "notice.txt").write_text(NOTICE_2031.replace(
        "二、春节：1月22日（农历除夕、周三）至29日（农历正月初七、周三）放假调休，共8天。1月19日（周日）、2月8日（周六）上班。",
        bad), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "manage.py", "holidays_enter", "--year", str(YEAR),
         "--file", str(tmp_path / "notice.txt")],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**os.environ, "ITSM_VAR_DIR": str(tmp_path / "var")})
    assert done.returncode == 2
    assert bad in done.stderr
    assert done.stdout == ""


# --- a partial year never counts as entered -------------------------------------------------


def test_the_admin_refuses_to_mark_a_partial_year_entered(demo, login):
    HolidayDay.objects.create(region="CN", day=date(YEAR, 1, 1), kind="closed", name="元旦")
    response = login(demo["admin"]).post("/admin/sla/holidayyear/add/", {
        "region": "CN", "year": YEAR, "source": "typed"})
    assert response.status_code == 200
    assert "清明节" in response.content.decode()
    assert not HolidayYear.objects.filter(year=YEAR).exists()


def test_the_admin_refuses_an_edit_that_drops_a_festival_from_an_entered_year(demo, login):
    qingming = HolidayDay.objects.get(day=date(2023, 4, 5))  # 2023's only 清明节 day
    client = login(demo["admin"])
    response = client.post(f"/admin/sla/holidayday/{qingming.pk}/change/", {
        "region": "CN", "day": "2023-04-05", "kind": "closed", "name": "公司活动"})
    assert response.status_code == 200
    assert "清明节" in response.content.decode()
    response = client.post(f"/admin/sla/holidayday/{qingming.pk}/delete/", {"post": "yes"})
    assert response.status_code == 200  # "cannot delete", with the reason
    assert "清明节" in response.content.decode()
    response = client.post("/admin/sla/holidayday/", {
        "action": "delete_selected", "_selected_action": [qingming.pk], "post": "yes"})
    assert HolidayDay.objects.get(pk=qingming.pk).name == "清明节"
    # Other edits are still fine.
    other = HolidayDay.objects.get(day=date(2023, 4, 23))
    response = client.post(f"/admin/sla/holidayday/{other.pk}/change/", {
        "region": "CN", "day": "2023-04-23", "kind": "makeup", "name": "劳动节 调休"})
    assert response.status_code == 302


@pytest.mark.parametrize(("today", "year", "advice"), [
    (at(YEAR - 1, 10, 8, 10), YEAR, f"holidays_enter --year {YEAR} --file notice.txt"),
    (at(2026, 10, 8, 10), 2026, "load_holidays --year 2026"),
])
def test_the_banner_advises_what_works_for_that_year(demo, login, today, year, advice):
    HolidayYear.objects.filter(year__in=[2026, 2027]).delete()
    HolidayYear.objects.create(region="CN", year=YEAR - 1)
    with time_machine.travel(today, tick=False):
        page = login(demo["admin"]).get("/system/").content.decode()
    assert 'data-testid="holiday-banner"' in page
    assert advice in page
    assert f"/sla/holidays/enter/?year={year}" in page


def test_the_advised_load_holidays_works(db):
    HolidayYear.objects.filter(year=2026).delete()
    call_command("load_holidays", "--year", "2026", stdout=StringIO())
    assert HolidayYear.objects.filter(year=2026).exists()


def test_a_partial_year_keeps_the_banner_up(demo, login):
    HolidayYear.objects.create(region="CN", year=YEAR - 1)
    with pytest.raises(NoticeError):
        holiday_year_enter(year=YEAR, text=TWO_DAYS)
    HolidayDay.objects.create(region="CN", day=date(YEAR, 1, 1), kind="closed", name="元旦")
    with time_machine.travel(at(YEAR - 1, 10, 8, 10), tick=False):
        page = login(demo["admin"]).get("/system/").content.decode()
    assert 'data-testid="holiday-banner"' in page and str(YEAR) in page
    holiday_year_enter(year=YEAR, text=NOTICE_2031)
    with time_machine.travel(at(YEAR - 1, 10, 8, 10), tick=False):
        page = login(demo["admin"]).get("/system/").content.decode()
    assert 'data-testid="holiday-banner"' not in page


def test_the_banner_warns_about_this_year_too(demo, login):
    HolidayYear.objects.filter(year=2026).delete()
    with time_machine.travel(at(2026, 3, 2, 10), tick=False):
        page = login(demo["admin"]).get("/system/").content.decode()
    assert 'data-testid="holiday-banner"' in page and "load_holidays --year 2026" in page


# --- Chinese names --------------------------------------------------------------------------


def test_chinesecalendar_days_are_stored_with_chinese_names(db):
    names = set(HolidayDay.objects.values_list("name", flat=True))
    assert {"元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"} <= names
    assert not names & {"Spring Festival", "National Day", "Tomb-sweeping Day"}


def test_the_migration_renames_english_names(db):
    HolidayDay.objects.filter(day=date(2026, 2, 15)).update(name="Spring Festival")
    HolidayDay.objects.filter(day=date(2026, 4, 4)).update(name="Tomb-sweeping Day")
    migration = importlib.import_module("sla.migrations.0009_chinese_holiday_names")
    from django.apps import apps

    migration.rename(apps, SimpleNamespace(connection=connection))
    assert HolidayDay.objects.get(day=date(2026, 2, 15)).name == "春节"
    assert HolidayDay.objects.get(day=date(2026, 4, 4)).name == "清明节"


def test_the_migration_names_2020s_combined_national_day(db):
    HolidayDay.objects.filter(day__year=2020).filter(name="国庆节、中秋节").update(
        name="National Day")
    migration = importlib.import_module("sla.migrations.0009_chinese_holiday_names")
    from django.apps import apps

    migration.rename(apps, SimpleNamespace(connection=connection))
    assert HolidayDay.objects.get(day=date(2020, 10, 8)).name == "国庆节、中秋节"
    assert HolidayDay.objects.get(day=date(2020, 10, 10)).name == "国庆节、中秋节"  # make-up
    assert HolidayDay.objects.get(day=date(2021, 10, 1)).name == "国庆节"


def test_every_chinesecalendar_year_has_the_seven_festivals():
    """So load_holidays never enters a partial year (it refuses one if a release had it)."""
    incomplete = {year: missing_festivals(china_days(year)[0].values())
                  for year in range(FIRST_SEVEN_FESTIVAL_YEAR, china_years_covered().stop)}
    assert {year: missing for year, missing in incomplete.items() if missing} == {}
    assert china_days(2020)[0][date(2020, 10, 1)] == "国庆节、中秋节"


def test_the_2026_notice_enters_what_the_migration_loaded(db):
    before = sorted(HolidayDay.objects.filter(day__year=2026).values_list("day", "kind", "name"))
    holiday_year_enter(year=2026, text=NOTICE_2026)
    assert sorted(HolidayDay.objects.filter(day__year=2026).values_list(
        "day", "kind", "name")) == before


def test_load_holidays_refuses_a_year_the_library_has_only_in_part(db, monkeypatch):
    import sla.holidays

    monkeypatch.setattr(sla.holidays, "china_days",
                        lambda year: ({date(year, 1, 1): "元旦"}, {}))
    before = snapshot()
    with pytest.raises(ValueError, match="清明节"):
        sla.holidays.load_china_holidays(years=[2026])
    assert snapshot() == before
