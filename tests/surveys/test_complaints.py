"""The complaints register (V4): deadlines in China's working days, who may register what, the
lifecycle, the quarterly limit alert and overdue escalation."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.utils import translation

from core.errors import ActionRefused, PermissionRefused
from notifications.models import Notification
from sla.models import Contract
from surveys.api.complaints import ResolveSerializer
from surveys.forms.complaints import ResolveForm
from surveys.models import Complaint, ComplaintAlert
from surveys.selectors.complaints import complaints_visible_to, quarter_counts, reviewer_choices
from surveys.services.complaints import (
    complaint_answer,
    complaint_register,
    complaint_resolve,
    complaints_escalate_overdue,
    resolution_due_is_estimate,
    seventh_working_day,
    working_day_deadline,
)
from tickets.models import ServiceType
from tickets.services import ticket_accept, ticket_create, ticket_dispatch

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def desktop(demo):
    return Contract.objects.get(code="DEMO-DESKTOP")


@pytest.fixture
def server(demo):
    return Contract.objects.get(code="DEMO-SERVER")


@pytest.fixture
def register(demo, desktop):
    def _register(actor="desk", **fields):
        fields.setdefault("contract", desktop)
        fields.setdefault("channel", Complaint.Channel.PHONE)
        fields.setdefault("description", "工程师态度差")
        fields.setdefault("complainant_name", "吴芳")
        return complaint_register(actor=demo[actor] if actor else None, **fields)

    return _register


@pytest.fixture
def assigned_ticket(demo, desktop):
    ticket = ticket_create(actor=demo["user"], contract=desktop, title="显示器不亮",
                           service_type=ServiceType.objects.get(code="hardware"))
    ticket = ticket_accept(actor=demo["desk"], ticket=ticket)
    return ticket_dispatch(actor=demo["desk"], ticket=ticket, assignee=demo["engineer"])


# --- deadlines -----------------------------------------------------------------------------------
# 2025's National Day (chinesecalendar): closed Oct 1–8; make-up working days Sun Sep 28 and
# Sat Oct 11.
NATIONAL_DAY_2025 = (frozenset(date(2025, 10, d) for d in range(1, 9)),
                     frozenset({date(2025, 9, 28), date(2025, 10, 11)}), frozenset({2025}))


@pytest.mark.parametrize(("received", "due"), [
    # Tue before the holiday: Oct 9, 10, Sat 11 (make-up), 13, 14, 15, 16.
    (date(2025, 9, 30), date(2025, 10, 16)),
    # Fri: Sun 28 (make-up), 29, 30, Oct 9, 10, Sat 11, Mon 13.
    (date(2025, 9, 26), date(2025, 10, 13)),
    # Received during the holiday: the first working day after it counts as 1.
    (date(2025, 10, 3), date(2025, 10, 16)),
    # Fri before the make-up Saturday: Sat 11 counts, so Mon 20 rather than Tue 21.
    (date(2025, 10, 10), date(2025, 10, 20)),
    # An ordinary week: Mon → next Wed.
    (date(2025, 11, 3), date(2025, 11, 12)),
])
def test_seventh_working_day_across_national_day(received, due):
    assert seventh_working_day(received, calendar=NATIONAL_DAY_2025) == due


def test_seventh_working_day_reads_the_sla_holiday_tables(db):
    # The SLA app's data migration loads chinesecalendar's years into the tables.
    assert seventh_working_day(date(2025, 9, 30)) == date(2025, 10, 16)
    assert seventh_working_day(date(2025, 10, 10)) == date(2025, 10, 20)
    assert working_day_deadline(date(2025, 9, 30)) == (date(2025, 10, 16), False)


def test_a_year_without_holiday_data_falls_back_to_monday_to_friday():
    calendar = (frozenset(), frozenset(), frozenset({2025}))
    # 2098-12-31 is a Wednesday; 2099 has no data: Thu, Fri, Mon…Fri → Fri 2099-01-09.
    assert working_day_deadline(date(2098, 12, 31), calendar=calendar) == (
        date(2099, 1, 9), True)
    assert working_day_deadline(date(2025, 11, 3), calendar=calendar)[1] is False


# --- registering ---------------------------------------------------------------------------------
@time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI), tick=False)
def test_desk_registers_with_deadlines_number_and_engineer(demo, register, assigned_ticket):
    first = register(ticket=assigned_ticket, complainant=demo["user"], complainant_name="")
    second = register()
    assert first.number == "TS-2026-000001" and second.number == "TS-2026-000002"
    assert first.complainant_name == demo["user"].display_name
    assert first.engineer == demo["engineer"]  # the ticket's engineer by default
    assert first.answer_due == datetime(2026, 3, 3, 10, 0, tzinfo=SHANGHAI)
    assert first.resolution_due == date(2026, 3, 11)  # Mon → Wed of the next week
    assert first.registered_by == demo["desk"] and first.status == Complaint.Status.RECEIVED
    assert not resolution_due_is_estimate(first)
    assert first.history.count() == 1


@time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI), tick=False)
def test_staff_may_backdate_but_not_postdate(register):
    earlier = datetime(2026, 2, 27, 16, 0, tzinfo=SHANGHAI)  # a Friday phone call
    complaint = register(received_at=earlier)
    assert complaint.received_at == earlier
    assert complaint.answer_due == earlier + timedelta(hours=24)
    # Sat 02-28 is a make-up working day (Spring Festival 2026): 28, Mar 2, 3, 4, 5, 6, 9.
    assert complaint.resolution_due == date(2026, 3, 9)
    with pytest.raises(ActionRefused, match="future"):
        register(received_at=datetime(2026, 3, 2, 11, 0, tzinfo=SHANGHAI))
    assert Complaint.objects.count() == 1


def test_end_user_files_their_own_and_nothing_more(demo, register, desktop):
    user = demo["user"]
    mine = register(actor="user", channel=Complaint.Channel.PORTAL, complainant_name="")
    assert mine.complainant == user and mine.channel == "portal"
    assert mine.complainant_name == user.display_name and mine.registered_by == user
    for fields in ({"major": True}, {"engineer": demo["engineer"]},
                   {"received_at": datetime(2026, 1, 1, tzinfo=SHANGHAI)},
                   {"complainant": demo["user2"]}, {"channel": Complaint.Channel.PHONE}):
        fields.setdefault("channel", Complaint.Channel.PORTAL)
        with pytest.raises(PermissionRefused):
            register(actor="user", **fields)
    assert Complaint.objects.count() == 1


def test_who_may_register_where(demo, register, server, assigned_ticket):
    with pytest.raises(PermissionRefused):
        register(actor="engineer")  # no capability
    with pytest.raises(PermissionRefused):
        register(actor="user", channel="portal", contract=server)  # not their contract
    with pytest.raises(ActionRefused, match="another contract"):
        register(contract=server, ticket=assigned_ticket, complainant_name="x")
    with pytest.raises(ActionRefused):
        register(description="  ")
    with pytest.raises(ActionRefused):
        register(channel="pigeon")
    assert not Complaint.objects.exists()


def test_the_system_registers_from_a_survey(demo, register, assigned_ticket):
    complaint = register(actor=None, channel="survey", complainant=demo["user"],
                         complainant_name="", ticket=assigned_ticket)
    assert complaint.registered_by == demo["user"] and complaint.engineer == demo["engineer"]


# --- lifecycle -----------------------------------------------------------------------------------
def test_it_refuses_an_engineer_as_reviewer(demo, register):
    """One reviewer rule (REVIEWER_ROLES) for page, API and service; the service used to take
    any provider person, engineers included, while both doors offered only the desk and
    managers."""
    complaint = complaint_answer(actor=demo["desk"], complaint=register(), answer="已致电道歉")
    with pytest.raises(ActionRefused, match="reviewer"):
        complaint_resolve(actor=demo["pm"], complaint=complaint, handling_opinion="x",
                          reviewer=demo["engineer"])


def test_page_and_api_offer_the_same_reviewers(demo):
    api_choices = ResolveSerializer().fields["reviewer"].get_queryset()
    page_choices = ResolveForm().fields["reviewer"].queryset
    assert set(api_choices) == set(page_choices) == set(reviewer_choices())
    assert {p.username for p in page_choices} >= {"desk", "pm", "delivery", "gm", "admin"}
    assert not {p.username for p in page_choices} & {"engineer", "engineer2", "client", "user"}


def test_received_answered_resolved(demo, register):
    complaint = register()
    with pytest.raises(ActionRefused, match="Answer the complainant"):
        complaint_resolve(actor=demo["pm"], complaint=complaint, handling_opinion="ok")
    with pytest.raises(ActionRefused):
        complaint_answer(actor=demo["desk"], complaint=complaint, answer=" ")
    with pytest.raises(PermissionRefused):
        complaint_answer(actor=demo["engineer"], complaint=complaint, answer="x")
    complaint = complaint_answer(actor=demo["desk"], complaint=complaint, answer="已致电道歉")
    assert complaint.status == "answered" and complaint.answered_at
    with pytest.raises(ActionRefused, match="already answered"):
        complaint_answer(actor=demo["desk"], complaint=complaint, answer="again")
    with pytest.raises(ActionRefused, match="handling opinion"):
        complaint_resolve(actor=demo["pm"], complaint=complaint, handling_opinion="")
    with pytest.raises(ActionRefused, match="reviewer"):
        complaint_resolve(actor=demo["pm"], complaint=complaint, handling_opinion="x",
                          reviewer=demo["user"])
    complaint = complaint_resolve(actor=demo["pm"], complaint=complaint,
                                  handling_opinion="更换工程师，培训", reviewer=demo["delivery"])
    assert complaint.status == "resolved" and complaint.reviewer == demo["delivery"]
    with pytest.raises(ActionRefused, match="already resolved"):
        complaint_resolve(actor=demo["pm"], complaint=complaint, handling_opinion="x")
    reasons = list(complaint.history.order_by("history_date")
                   .values_list("history_change_reason", flat=True))
    assert reasons == ["registered", "answered", "resolved"]


def test_scope(demo, register, server):
    own = register(actor="user", channel="portal")
    other = register(contract=server, complainant_name="何磊")
    assert set(complaints_visible_to(demo["user"])) == {own}
    assert not complaints_visible_to(demo["user2"]).exists()
    assert not complaints_visible_to(demo["engineer"]).exists()
    assert set(complaints_visible_to(demo["client"])) == {own}
    assert set(complaints_visible_to(demo["pm"])) == {own, other}


# --- quarterly limit -----------------------------------------------------------------------------
@time_machine.travel(datetime(2026, 5, 20, 9, 0, tzinfo=SHANGHAI), tick=False)
def test_quarterly_alert_fires_once_when_the_fifth_complaint_arrives(demo, register, desktop):
    pm = desktop.project_manager
    alerts = Notification.objects.filter(recipient=pm, event="complaint.limit")
    # One from last quarter does not count.
    register(received_at=datetime(2026, 3, 31, 23, 0, tzinfo=SHANGHAI))
    for _ in range(4):
        register()
    assert not ComplaintAlert.objects.exists() and not alerts.exists()
    register()  # the fifth this quarter
    alert = ComplaintAlert.objects.get()
    assert (alert.year, alert.quarter, alert.kind, alert.count) == (2026, 2, "all", 5)
    assert alerts.count() == 1
    register()  # the sixth: no second alert
    assert ComplaintAlert.objects.count() == 1 and alerts.count() == 1
    row = next(r for r in quarter_counts(user=demo["pm"]) if r.contract == desktop)
    assert (row.total, row.limit, row.reached) == (6, 5, True)


@time_machine.travel(datetime(2026, 5, 20, 9, 0, tzinfo=SHANGHAI), tick=False)
def test_major_limit_alerts_once(demo, register):
    register(major=True)
    assert not ComplaintAlert.objects.exists()
    register(major=True)
    register(major=True)
    assert list(ComplaintAlert.objects.values_list("kind", "count")) == [("major", 2)]
    assert Notification.objects.filter(event="complaint.limit").count() == 1


# --- escalation ----------------------------------------------------------------------------------
def test_overdue_complaints_escalate_once_per_level(demo, register, desktop):
    start = datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)  # Monday; solution due Wed 03-11
    with time_machine.travel(start, tick=False):
        complaint = register()
        answered = register()
        complaint_answer(actor=demo["desk"], complaint=answered, answer="ok")
    escalations = Notification.objects.filter(event="complaint.overdue")
    with time_machine.travel(start + timedelta(hours=23), tick=False):
        assert complaints_escalate_overdue() == 0
    with time_machine.travel(start + timedelta(hours=24, minutes=5), tick=False):
        assert complaints_escalate_overdue() == 1
        assert complaints_escalate_overdue() == 0
    complaint.refresh_from_db()
    assert complaint.escalation_level == 1
    assert list(escalations.values_list("recipient__username", flat=True)) == ["pm"]
    # Wed 03-11 is the last day: still in time at 23:59 local.
    with time_machine.travel(datetime(2026, 3, 11, 23, 59, tzinfo=SHANGHAI), tick=False):
        assert complaints_escalate_overdue() == 0
    with time_machine.travel(datetime(2026, 3, 12, 0, 1, tzinfo=SHANGHAI), tick=False):
        assert complaints_escalate_overdue() == 2  # both unresolved complaints
        assert complaints_escalate_overdue() == 0
    level2 = escalations.filter(subject__contains=complaint.number).exclude(
        dedupe_key__endswith=f"level1:{desktop.project_manager_id}")
    assert set(level2.values_list("recipient__username", flat=True)) == {"pm", "delivery"}
    assert Complaint.objects.filter(escalation_level=2).count() == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks")
@pytest.mark.django_db(transaction=True)
def test_numbers_stay_gap_free_under_concurrency(demo):
    """PostgreSQL only: eight registrations at once get eight consecutive numbers."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    desktop = Contract.objects.get(code="DEMO-DESKTOP")
    desk = demo["desk"]

    def one(i):
        try:
            return complaint_register(actor=desk, contract=desktop, channel="phone",
                                      description=f"#{i}", complainant_name="甲").number
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=8) as pool:
        numbers = sorted(pool.map(one, range(8)))
    year = numbers[0][3:7]
    assert numbers == [f"TS-{year}-{n:06d}" for n in range(1, 9)]
