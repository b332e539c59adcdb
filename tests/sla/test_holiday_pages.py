"""The page that enters a holiday year in one paste: preview month by month, save, refusals."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from sla.models import HolidayDay, HolidayYear
from tests.sla.test_holiday_notice import NOTICE_2031
from tests.sla.test_holidays_enter import TWO_DAYS, YEAR

SH = ZoneInfo("Asia/Shanghai")
PAGE = "/sla/holidays/enter/"
SAVE = "/sla/holidays/enter/save/"


def kind_of(page: str, day: date) -> str:
    match = re.search(rf'data-day="{day.isoformat()}" data-kind="(\w+)"', page)
    assert match, day
    return match.group(1)


def previewed(page: str) -> str:
    return re.search(r'name="previewed" value="([0-9a-f]+)"', page).group(1)


@pytest.fixture
def admin(demo, login):
    return login(demo["admin"])


def test_it_previews_the_pasted_notice_month_by_month_and_saves_nothing(admin):
    response = admin.post(PAGE, {"year": YEAR, "text": NOTICE_2031})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="holiday-save"' in page
    assert kind_of(page, date(YEAR, 1, 22)) == "closed"   # 春节
    assert kind_of(page, date(YEAR, 1, 19)) == "makeup"   # Sunday worked
    assert kind_of(page, date(YEAR, 1, 18)) == "weekend"
    assert kind_of(page, date(YEAR, 1, 20)) == "workday"
    assert kind_of(page, date(YEAR, 10, 8)) == "closed"
    assert page.count("data-day=") == 365
    assert "国庆节、中秋节" in page
    assert not HolidayYear.objects.filter(year=YEAR).exists()


def test_it_saves_the_previewed_text_and_shows_the_saved_calendar(admin):
    page = admin.post(PAGE, {"year": YEAR, "text": NOTICE_2031}).content.decode()
    response = admin.post(SAVE, {"year": YEAR, "text": NOTICE_2031,
                                 "previewed": previewed(page)})
    assert response.status_code == 302
    assert response["Location"] == f"{PAGE}?year={YEAR}"
    assert HolidayYear.objects.get(year=YEAR).source == "国务院办公厅通知（admin 录入）"
    assert HolidayDay.objects.filter(day__year=YEAR, kind="closed").count() == 28
    saved = admin.get(response["Location"]).content.decode()
    assert kind_of(saved, date(YEAR, 1, 22)) == "closed"
    assert kind_of(saved, date(YEAR, 2, 8)) == "makeup"
    assert 'data-testid="holiday-stored-status"' in saved
    assert "国务院办公厅通知（admin 录入）" in saved


def test_it_previews_again_when_the_text_changed_after_the_preview(admin):
    page = admin.post(PAGE, {"year": YEAR, "text": NOTICE_2031}).content.decode()
    changed = NOTICE_2031.replace("共3天。\n四", "共3天。\n\n四")
    response = admin.post(SAVE, {"year": YEAR, "text": changed, "previewed": previewed(page)})
    assert response.status_code == 200
    assert 'data-testid="holiday-changed"' in response.content.decode()
    assert not HolidayYear.objects.filter(year=YEAR).exists()


def test_an_unreadable_line_is_shown_and_the_text_kept(admin):
    text = NOTICE_2031.replace("（周六）上班", "（周五）上班")
    for url in (PAGE, SAVE):
        response = admin.post(url, {"year": YEAR, "text": text, "previewed": "x"})
        page = response.content.decode()
        assert response.status_code == 200
        assert 'data-testid="holiday-error"' in page
        assert "2月8日（周五）上班" in page  # the line, and the textarea as typed
        assert 'data-testid="holiday-save"' not in page
    assert not HolidayDay.objects.filter(day__year=YEAR).exists()


def test_a_year_with_two_days_only_is_refused_and_the_banner_stays(demo, login):
    HolidayYear.objects.create(region="CN", year=YEAR - 1)
    with time_machine.travel(datetime(YEAR - 1, 10, 8, 10, tzinfo=SH), tick=False):
        admin = login(demo["admin"])  # a session made at the travelled time
        preview = admin.post(PAGE, {"year": YEAR, "text": TWO_DAYS}).content.decode()
        assert 'data-testid="holiday-error"' in preview and "清明节" in preview
        assert 'data-testid="holiday-save"' not in preview
        response = admin.post(SAVE, {"year": YEAR, "text": TWO_DAYS,
                                     "previewed": previewed(preview)})
        page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="holiday-error"' in page
    assert 'data-testid="holiday-banner"' in page
    assert not HolidayYear.objects.filter(year=YEAR).exists()
    assert not HolidayDay.objects.filter(day__year=YEAR).exists()


def test_it_offers_the_first_year_not_entered(demo, login):
    HolidayYear.objects.create(region="CN", year=YEAR - 1)
    with time_machine.travel(datetime(YEAR - 1, 10, 8, 10, tzinfo=SH), tick=False):
        page = login(demo["admin"]).get(PAGE).content.decode()
    assert f'value="{YEAR}"' in page
    assert 'data-testid="holiday-stored-status"' in page


def test_only_administrators_may_enter_a_year(demo, login, client):
    for role in ("pm", "desk", "gm", "user"):
        other = login(demo[role])
        assert other.get(PAGE).status_code == 403
        assert other.post(SAVE, {"year": YEAR, "text": NOTICE_2031}).status_code == 403
    client.logout()
    assert client.post(SAVE, {"year": YEAR, "text": NOTICE_2031}).status_code == 302
    assert login(demo["admin"]).get(SAVE).status_code == 405
    assert not HolidayYear.objects.filter(year=YEAR).exists()


def test_saving_needs_the_csrf_token(demo):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(demo["admin"])
    assert strict.post(SAVE, {"year": YEAR, "text": NOTICE_2031}).status_code == 403


def test_the_system_page_and_the_holiday_lists_link_to_it(admin):
    assert PAGE in admin.get("/system/").content.decode()
    assert PAGE in admin.get("/admin/sla/holidayday/").content.decode()
    assert PAGE in admin.get("/admin/sla/holidayyear/").content.decode()
