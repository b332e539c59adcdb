"""The fault lifecycle of T5, transition by transition, through the services."""

import re
from datetime import timedelta

import pytest
import time_machine

from core.errors import ActionRefused, PermissionRefused
from tickets.models import Entry, Priority, Status, Ticket
from tickets.services import (
    ticket_accept,
    ticket_cancel,
    ticket_check_in,
    ticket_claim,
    ticket_comment,
    ticket_confirm,
    ticket_dispatch,
    ticket_escalate,
    ticket_log_call,
    ticket_pend,
    ticket_reopen,
    ticket_resolve,
    ticket_resume,
    tickets_close_after_silence,
)


def test_it_files_a_ticket_with_a_readable_number(file_ticket):
    ticket = file_ticket()
    assert re.fullmatch(r"\d{4}-\d{6}", ticket.number)
    assert ticket.status == Status.SUBMITTED
    assert ticket.channel == "portal"
    assert ticket.contact_phone == "13900000002"  # the requester's phone by default
    assert ticket.entries.get().action == "create"


def test_numbers_are_unique_and_consecutive(file_ticket):
    first, second = file_ticket(), file_ticket()
    assert int(second.number[-6:]) == int(first.number[-6:]) + 1


def test_an_end_user_cannot_grade_priority_or_pick_the_channel(file_ticket):
    ticket = file_ticket(priority=Priority.P1, channel="phone")
    assert ticket.priority == Priority.P3
    assert ticket.channel == "portal"


def test_an_end_user_cannot_file_for_someone_else(file_ticket):
    with pytest.raises(PermissionRefused):
        file_ticket(requester="user2", actor="user")


def test_the_requester_must_belong_to_the_contracts_client(demo, file_ticket):
    with pytest.raises(ActionRefused, match="不属于|is not a person"):
        file_ticket(requester="ht-hanmei", actor="desk")
    assert not Ticket.objects.filter(requester=demo["ht-hanmei"], contract__code="DEMO-DESKTOP")


def test_the_same_form_submitted_twice_makes_one_ticket(file_ticket):
    import uuid

    key = uuid.uuid4()
    first = file_ticket(submission_key=key)
    second = file_ticket(submission_key=key)
    assert first.pk == second.pk
    assert Ticket.objects.filter(submission_key=key).count() == 1


def test_the_whole_fault_lifecycle(demo, file_ticket):
    ticket = file_ticket()
    ticket = ticket_accept(actor=demo["desk"], ticket=ticket)
    assert ticket.status == Status.ACCEPTED and ticket.accepted_at
    ticket = ticket_dispatch(actor=demo["desk"], ticket=ticket, assignee=demo["engineer"])
    assert ticket.status == Status.DISPATCHED and ticket.assignee == demo["engineer"]
    ticket = ticket_check_in(actor=demo["engineer"], ticket=ticket)
    assert ticket.status == Status.ON_SITE and ticket.arrived_at
    ticket = ticket_resolve(actor=demo["engineer"], ticket=ticket, code="replaced",
                            notes="更换了显示器电源线", time_spent_minutes=25)
    assert ticket.status == Status.RESOLVED and ticket.resolved_at
    assert ticket.time_spent_minutes == 25
    assert not ticket.first_line_resolution
    ticket = ticket_confirm(actor=demo["user"], ticket=ticket)
    assert ticket.status == Status.CLOSED and ticket.closed_at and not ticket.auto_closed
    actions = list(ticket.entries.values_list("action", flat=True))
    assert actions == ["create", "accept", "dispatch", "check_in", "resolve", "confirm"]
    assert ticket.history.count() == 6


def test_an_illegal_transition_changes_nothing(demo, file_ticket):
    ticket = file_ticket()
    with pytest.raises(ActionRefused, match="(?i)submitted|已提交"):
        ticket_confirm(actor=demo["user"], ticket=ticket)
    ticket.refresh_from_db()
    assert ticket.status == Status.SUBMITTED
    assert ticket.entries.count() == 1


def test_an_end_user_may_not_dispatch(demo, file_ticket):
    ticket = file_ticket()
    with pytest.raises(PermissionRefused):
        ticket_dispatch(actor=demo["user"], ticket=ticket, assignee=demo["engineer"])


def test_only_the_assignee_checks_in(demo, file_ticket):
    ticket = ticket_dispatch(actor=demo["desk"], ticket=file_ticket(),
                             assignee=demo["engineer"])
    with pytest.raises(PermissionRefused):
        ticket_check_in(actor=demo["engineer2"], ticket=ticket)


def test_dispatching_to_someone_off_the_team_is_refused(demo, file_ticket):
    with pytest.raises(ActionRefused, match="team|团队"):
        ticket_dispatch(actor=demo["desk"], ticket=file_ticket(), assignee=demo["helei"])


def test_the_requester_cancels_only_before_acceptance(demo, file_ticket):
    ticket = file_ticket()
    assert ticket_cancel(actor=demo["user"], ticket=ticket).status == Status.CANCELLED
    accepted = ticket_accept(actor=demo["desk"], ticket=file_ticket())
    with pytest.raises(ActionRefused, match="service desk|服务台"):
        ticket_cancel(actor=demo["user"], ticket=accepted)


def test_pending_returns_to_the_state_before(demo, file_ticket):
    ticket = ticket_dispatch(actor=demo["desk"], ticket=file_ticket(),
                             assignee=demo["engineer"])
    ticket = ticket_check_in(actor=demo["engineer"], ticket=ticket)
    ticket = ticket_pend(actor=demo["engineer"], ticket=ticket, reason="spare_part")
    assert ticket.status == Status.PENDING and ticket.pending_reason == "spare_part"
    ticket = ticket_resume(actor=demo["engineer"], ticket=ticket)
    assert ticket.status == Status.ON_SITE and ticket.pending_reason == ""


def test_pending_needs_a_known_reason(demo, file_ticket):
    ticket = ticket_dispatch(actor=demo["desk"], ticket=file_ticket(),
                             assignee=demo["engineer"])
    with pytest.raises(ActionRefused):
        ticket_pend(actor=demo["engineer"], ticket=ticket, reason="lunch")


def test_a_reply_from_the_user_resumes_a_ticket_waiting_for_them(demo, file_ticket):
    ticket = ticket_dispatch(actor=demo["desk"], ticket=file_ticket(),
                             assignee=demo["engineer"])
    ticket_pend(actor=demo["engineer"], ticket=ticket, reason="user")
    ticket_comment(actor=demo["user"], ticket=ticket, body="我明天上午在。")
    ticket.refresh_from_db()
    assert ticket.status == Status.DISPATCHED


def test_reopening_returns_the_ticket_to_its_engineer(demo, file_ticket):
    ticket = ticket_dispatch(actor=demo["desk"], ticket=file_ticket(),
                             assignee=demo["engineer"])
    ticket = ticket_resolve(actor=demo["engineer"], ticket=ticket, code="fixed", notes="重启")
    ticket = ticket_reopen(actor=demo["user"], ticket=ticket, reason="又黑屏了")
    assert ticket.status == Status.REOPENED
    assert ticket.assignee == demo["engineer"]
    assert ticket.reopen_count == 1 and ticket.resolved_at is None
    assert ticket_check_in(actor=demo["engineer"], ticket=ticket).status == Status.ON_SITE


def test_resolving_needs_a_code_and_notes(demo, file_ticket):
    ticket = ticket_accept(actor=demo["desk"], ticket=file_ticket())
    with pytest.raises(ActionRefused):
        ticket_resolve(actor=demo["desk"], ticket=ticket, code="", notes="x")
    with pytest.raises(ActionRefused):
        ticket_resolve(actor=demo["desk"], ticket=ticket, code="fixed", notes=" ")


def test_the_desk_resolves_a_call_on_the_spot_as_first_line(demo, desktop):
    from tickets.models import ServiceType

    ticket = ticket_log_call(
        actor=demo["desk"], requester=demo["user2"], contract=desktop, channel="phone",
        service_type=ServiceType.objects.get(code="software"), title="Excel 打不开",
        priority=Priority.P4, resolve_now=True, resolution_code="advice",
        resolution_notes="指导用户修复 Office")
    assert ticket.status == Status.RESOLVED
    assert ticket.first_line_resolution
    assert ticket.channel == "phone" and ticket.logged_by == demo["desk"]
    assert ticket.requester == demo["user2"]


def test_the_desk_dispatches_a_call_at_once(demo, desktop):
    from tickets.models import ServiceType

    ticket = ticket_log_call(
        actor=demo["desk"], requester=demo["user"], contract=desktop,
        service_type=ServiceType.objects.get(code="hardware"), title="打印机卡纸",
        dispatch_to=demo["engineer"])
    assert ticket.status == Status.DISPATCHED and ticket.accepted_at
    assert not ticket.first_line_resolution


def test_a_log_call_that_fails_leaves_no_ticket(demo, desktop):
    from tickets.models import ServiceType

    before = Ticket.objects.count()
    with pytest.raises(ActionRefused):
        ticket_log_call(actor=demo["desk"], requester=demo["user"], contract=desktop,
                        service_type=ServiceType.objects.get(code="hardware"), title="x",
                        dispatch_to=demo["helei"])  # not on this contract's team
    assert Ticket.objects.count() == before


def test_engineers_claim_and_the_second_is_told(demo, file_ticket):
    ticket = file_ticket()
    ticket_claim(actor=demo["engineer"], ticket=ticket)
    with pytest.raises(ActionRefused, match="刘强"):
        ticket_claim(actor=demo["engineer2"], ticket=Ticket.objects.get(pk=ticket.pk))
    ticket.refresh_from_db()
    assert ticket.assignee == demo["engineer"] and ticket.status == Status.ACCEPTED


def test_escalating_to_second_line_hands_the_ticket_over(demo, file_ticket):
    ticket = ticket_dispatch(actor=demo["desk"], ticket=file_ticket(),
                             assignee=demo["engineer"])
    ticket = ticket_escalate(actor=demo["engineer"], ticket=ticket, target="second_line",
                             note="主板故障，需二线判断")
    assert ticket.assignee == demo["engineer2"] and ticket.escalated_to == "second_line"
    entry = ticket.entries.get(action="escalate")
    assert entry.internal


def test_escalating_to_the_project_manager_tells_them(demo, file_ticket):
    from notifications.models import Notification

    ticket = ticket_dispatch(actor=demo["desk"], ticket=file_ticket(),
                             assignee=demo["engineer"])
    ticket_escalate(actor=demo["engineer"], ticket=ticket, target="project_manager",
                    note="用户要求更换整机")
    note = Notification.objects.filter(recipient=demo["pm"], event="ticket.escalated").get()
    assert ticket.number in note.subject
    assert "用户要求更换整机" in note.body


def test_resolved_tickets_close_themselves_after_the_window(demo, file_ticket, settings):
    settings.TICKET_AUTO_CLOSE_DAYS = 3
    ticket = ticket_dispatch(actor=demo["desk"], ticket=file_ticket(),
                             assignee=demo["engineer"])
    ticket_resolve(actor=demo["engineer"], ticket=ticket, code="fixed", notes="ok")
    assert tickets_close_after_silence() == 0
    with time_machine.travel(ticket.created_at + timedelta(days=3, minutes=5)):
        assert tickets_close_after_silence() >= 1
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED and ticket.auto_closed
    assert ticket.entries.filter(action="auto_close", author__isnull=True).exists()


def test_a_reopened_ticket_does_not_close_itself(demo, file_ticket):
    ticket = ticket_dispatch(actor=demo["desk"], ticket=file_ticket(),
                             assignee=demo["engineer"])
    ticket = ticket_resolve(actor=demo["engineer"], ticket=ticket, code="fixed", notes="ok")
    ticket_reopen(actor=demo["user"], ticket=ticket, reason="没好")
    with time_machine.travel(ticket.created_at + timedelta(days=10)):
        tickets_close_after_silence()
    ticket.refresh_from_db()
    assert ticket.status == Status.REOPENED


def test_internal_notes_are_marked_and_only_staff_write_them(demo, file_ticket):
    ticket = file_ticket()
    note = ticket_comment(actor=demo["desk"], ticket=ticket, body="用户脾气急", internal=True)
    assert note.kind == Entry.Kind.NOTE and note.internal
    with pytest.raises(PermissionRefused):
        ticket_comment(actor=demo["user"], ticket=ticket, body="x", internal=True)


def test_the_engineer_acknowledges_a_dispatched_ticket(demo, file_ticket):
    ticket = ticket_dispatch(actor=demo["desk"], ticket=file_ticket(),
                             assignee=demo["engineer"])
    first_response = ticket.accepted_at
    with pytest.raises(PermissionRefused):
        ticket_accept(actor=demo["engineer2"], ticket=ticket)
    ticket = ticket_accept(actor=demo["engineer"], ticket=ticket)
    assert ticket.status == Status.ACCEPTED and ticket.assignee == demo["engineer"]
    assert ticket.accepted_at == first_response  # the response was the dispatch
    assert ticket_check_in(actor=demo["engineer"], ticket=ticket).status == Status.ON_SITE
