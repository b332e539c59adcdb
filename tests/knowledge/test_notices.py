"""Maintenance notices: the notice period (48 h by default, per contract), the PM's emergency,
mail to the affected people through the outbox, editing tells those already told, the banner,
the calendar, and tickets filed during the window tagged."""

from datetime import timedelta

import pytest
import time_machine

from core.clock import now
from core.errors import InvalidInput, PermissionRefused
from knowledge.models import Notice, NoticePolicy, NoticeRecipient
from knowledge.selectors.notices import banner_notices, notices_visible_to, upcoming_windows
from knowledge.services.notices import notice_cancel, notice_publish, notice_update
from notifications.models import Notification
from tests.knowledge.chg_fixtures import *  # noqa: F403 - the fixtures of problems and changes
from tickets.models import ServiceType, Ticket
from tickets.services import ticket_create


@pytest.fixture
def publish(demo, desktop):
    def _publish(actor="pm", hours=49, length=2, **fields):
        start = now() + timedelta(hours=hours)
        values = {"contract": desktop, "title": "网络设备维护", "body": "核心交换机升级",
                  "starts_at": start, "ends_at": start + timedelta(hours=length), **fields}
        return notice_publish(actor=demo[actor], **values)

    return _publish


def _mails(notice):
    return Notification.objects.filter(event="notice", channel="email",
                                       dedupe_key__startswith=f"notice:{notice.pk}:")


def test_a_notice_48_hours_ahead_is_published_and_mailed(demo, publish):
    notice = publish()
    told = set(_mails(notice).values_list("recipient__username", flat=True))
    assert {"user", "user2", "client"} <= told
    assert "ht-hanmei" not in told  # 明远's contract: 恒通's people are not told
    assert notice in banner_notices(demo["user"])
    assert notice not in banner_notices(demo["ht-hanmei"])


def test_a_notice_for_one_site_tells_and_shows_to_that_site(demo, publish):
    notice = publish(sites=[demo["user"].site])
    told = set(_mails(notice).values_list("recipient__username", flat=True))
    assert {"user", "client"} <= told  # the client contact hears of every site's windows
    assert "user2" not in told  # another floor
    assert notice in banner_notices(demo["user"])
    assert notice not in banner_notices(demo["user2"])


def test_a_notice_24_hours_away_is_refused_naming_starts_at(demo, publish):
    with pytest.raises(InvalidInput) as refused:
        publish(hours=24)
    assert refused.value.field == "starts_at"
    assert not Notice.objects.filter(title="网络设备维护").exists()


def test_the_notice_period_is_a_contract_setting(demo, desktop, publish):
    NoticePolicy.objects.update_or_create(contract=desktop, defaults={"notice_hours": 72})
    with pytest.raises(InvalidInput):
        publish(hours=60)
    assert publish(hours=73).pk


def test_a_pm_may_publish_late_with_an_emergency_reason(demo, publish):
    notice = publish(hours=2, emergency_reason="核心交换机故障，需紧急更换")
    assert notice.emergency_reason


def test_only_a_pm_may_give_an_emergency_reason(demo, publish):
    with pytest.raises(InvalidInput) as refused:
        publish(actor="desk", hours=2, emergency_reason="紧急")
    assert set(refused.value.errors) == {"starts_at", "emergency_reason"}


def test_a_window_that_ends_before_it_starts_is_refused(demo, publish):
    with pytest.raises(InvalidInput) as refused:
        publish(length=-1)
    assert refused.value.field == "ends_at"


def test_client_people_and_engineers_do_not_publish(demo, publish):
    for who in ("client", "user", "engineer"):
        with pytest.raises(PermissionRefused):
            publish(actor=who)


def test_editing_keeps_the_rule_and_tells_those_already_told(demo, publish):
    notice = publish()
    told = set(NoticeRecipient.objects.filter(notice=notice).values_list("person", flat=True))
    with pytest.raises(InvalidInput) as refused:
        notice_update(actor=demo["pm"], notice=notice, starts_at=now() + timedelta(hours=10),
                      ends_at=now() + timedelta(hours=12))
    assert refused.value.field == "starts_at"
    start = now() + timedelta(hours=80)
    notice = notice_update(actor=demo["pm"], notice=notice, starts_at=start,
                           ends_at=start + timedelta(hours=1))
    assert notice.revision == 2
    again = set(Notification.objects.filter(
        event="notice", channel="email", dedupe_key__startswith=f"notice:{notice.pk}:2:")
        .values_list("recipient", flat=True))
    assert told - {p for p in told if not _has_email(p)} <= again


def _has_email(pk):
    from accounts.models import User  # noqa: PLC0415 - a helper of one test

    return bool(User.objects.get(pk=pk).email)


def test_editing_the_text_only_needs_no_new_notice_period(demo, publish):
    notice = publish()
    with time_machine.travel(now() + timedelta(hours=40), tick=False):
        notice = notice_update(actor=demo["pm"], notice=notice, body="升级并更换电源")
    assert notice.body == "升级并更换电源"


def test_cancelling_tells_those_told_and_clears_the_banner(demo, publish):
    notice = publish()
    notice_cancel(actor=demo["pm"], notice=notice)
    assert notice not in banner_notices(demo["user"])
    assert Notification.objects.filter(event="notice", recipient=demo["user"],
                                       dedupe_key=f"notice:{notice.pk}:2:{demo['user'].pk}")\
        .exists()


def test_tickets_filed_during_the_window_about_the_service_are_tagged(demo, desktop, publish):
    network = ServiceType.objects.get(code="network")
    notice = publish(service_type=network)
    template = Ticket.objects.get(title="三楼财务部打印机频繁卡纸")
    with time_machine.travel(notice.starts_at + timedelta(minutes=30), tick=False):
        about = ticket_create(actor=demo["user"], contract=desktop, service_type=network,
                              title="网络断了", requester=demo["user"])
        other = ticket_create(actor=demo["user"], contract=desktop,
                              service_type=template.service_type, title="打印机坏了",
                              requester=demo["user"])
    assert list(notice.tickets.all()) == [about]
    assert other.notices.count() == 0


def test_a_window_for_one_site_tags_that_sites_tickets_and_those_without_a_site(
        demo, desktop, publish):
    """knowledge.services.notices.notice_tag_ticket's two prepared queries (issue 19): a ticket
    at the site, or at none, is tagged; at another site it is not; nor is one filed before the
    window opens or as it closes, or on another service; a notice for every site tags them all."""
    network = ServiceType.objects.get(code="network")
    third, fifth = demo["user"].site, demo["user2"].site
    assert third and fifth and third != fifth
    one_site = publish(service_type=network, sites=[third])
    any_site = publish(service_type=None, hours=48.5, length=3)  # around the other

    def file(site, at, service_type=network):
        with time_machine.travel(at, tick=False):
            return ticket_create(actor=demo["desk"], contract=desktop, service_type=service_type,
                                 title="网络断了", requester=demo["user"], site=site)

    start, end = one_site.starts_at, one_site.ends_at
    at_site, no_site = file(third, start), file(None, start + timedelta(minutes=5))
    elsewhere = file(fifth, start + timedelta(minutes=10))
    too_early, at_close = file(third, start - timedelta(seconds=1)), file(third, end)
    printer = file(third, start, ServiceType.objects.get(code="hardware"))
    assert set(one_site.tickets.all()) == {at_site, no_site}
    assert set(any_site.tickets.all()) == {at_site, no_site, elsewhere, too_early, at_close,
                                           printer}


def test_the_calendar_lists_upcoming_windows_per_contract(demo, publish):
    notice = publish()
    days = upcoming_windows(user=demo["client"], contract="DEMO-DESKTOP")
    assert any(notice in notices for _day, notices in days)
    assert upcoming_windows(user=demo["ht-hanmei"], contract="DEMO-DESKTOP") == []


def test_the_client_contact_sees_only_their_contracts_notices(demo, publish, server):
    publish(contract=server)
    codes = set(notices_visible_to(demo["client"]).values_list("contract__code", flat=True))
    assert codes == {"DEMO-DESKTOP"}
