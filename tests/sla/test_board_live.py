"""The SLA board refreshes itself (issue 15, point 8): the page polls; a poll gets the live part
only, with the time it was read."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine

from sla.models import Contract
from tickets.models import Priority, ServiceType
from tickets.services import ticket_create

SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 23, 10, 0, tzinfo=SH)


def test_the_board_polls_itself(demo, login, settings):
    settings.LIVE_POLL_SECONDS = 11
    page = login(demo["pm"]).get("/sla/board/").content.decode()
    assert 'id="sla-live" hx-get="/sla/board/" hx-trigger="every 11s"' in page


def test_a_poll_gets_the_live_part_with_a_new_breach(demo, login):
    with time_machine.travel(T0, tick=False):
        ticket = ticket_create(actor=demo["desk"], requester=demo["ht-hanmei"],
                               contract=Contract.objects.get(code="DEMO-SERVER"),
                               service_type=ServiceType.objects.get(code="hardware"),
                               title="核心交换机", priority=Priority.P1, channel="phone")
    with time_machine.travel(T0 + timedelta(minutes=20), tick=False):
        part = login(demo["pm"]).get("/sla/board/", HTTP_HX_REQUEST="true").content.decode()
    assert ticket.number in part
    assert "<html" not in part and 'id="sla-live"' not in part
    assert "10:20" in part  # as of
