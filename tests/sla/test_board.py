from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine

from sla.models import Contract, HolidayYear
from tickets.models import Priority, ServiceType
from tickets.services import ticket_create

SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 23, 10, 0, tzinfo=SH)


def test_the_board_lists_breached_and_at_risk_clocks(demo, login):
    with time_machine.travel(T0, tick=False):
        ticket = ticket_create(actor=demo["desk"], requester=demo["ht-hanmei"],
                               contract=Contract.objects.get(code="DEMO-SERVER"),
                               service_type=ServiceType.objects.get(code="hardware"),
                               title="核心交换机", priority=Priority.P1, channel="phone")
    with time_machine.travel(T0 + timedelta(minutes=20), tick=False):
        page = login(demo["pm"]).get("/sla/board/").content.decode()
    assert ticket.number in page
    assert "DEMO-SERVER" in page
    with time_machine.travel(T0 + timedelta(minutes=20), tick=False):
        client_page = login(demo["client"]).get("/sla/board/").content.decode()
    assert ticket.number not in client_page  # another client's contract


def test_end_users_may_not_open_the_board(demo, login):
    assert login(demo["user"]).get("/sla/board/").status_code == 403
    assert login(demo["user"]).get("/sla/preview/").status_code == 403


def test_the_preview_says_when_a_new_ticket_would_be_due(demo, login):
    page = login(demo["pm"]).get("/sla/preview/", {
        "contract": "DEMO-DESKTOP", "service_type": "hardware", "priority": 2,
        "needs_on_site": "on", "start": "2026-11-23T20:50"}).content.decode()
    assert 'data-testid="preview-result"' in page
    assert "2026-11-23 21:00" in page  # response: 10 min, ends at closing time
    assert "2026-11-24 09:10" in page  # arrival: 20 min
    assert "2026-11-24 09:50" in page  # resolution: 60 min


def test_administrators_are_warned_from_october_when_next_year_is_missing(demo, login):
    HolidayYear.objects.filter(year=2027).delete()
    with time_machine.travel(datetime(2026, 10, 8, 10, 0, tzinfo=SH), tick=False):
        page = login(demo["admin"]).get("/system/").content.decode()
        assert 'data-testid="holiday-banner"' in page and "2027" in page
        assert 'data-testid="holiday-banner"' not in login(demo["pm"]).get(
            "/manage/").content.decode()
    with time_machine.travel(datetime(2026, 9, 8, 10, 0, tzinfo=SH), tick=False):
        assert 'data-testid="holiday-banner"' not in login(demo["admin"]).get(
            "/system/").content.decode()
    HolidayYear.objects.create(region="CN", year=2027)
    with time_machine.travel(datetime(2026, 10, 8, 10, 0, tzinfo=SH), tick=False):
        assert 'data-testid="holiday-banner"' not in login(demo["admin"]).get(
            "/system/").content.decode()
