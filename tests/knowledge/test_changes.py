"""Changes (T12): approvals by the PM and the client's APPROVE_CHANGES contact, exactly-once
reminders and escalation, standard changes, implementation and review; consents on tickets."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.clock import now
from core.errors import ActionRefused, InvalidInput, PermissionRefused
from knowledge.models import Change, ChangeApproval, Consent, Decision
from knowledge.services.changes import (
    approval_answer,
    approvals_remind,
    change_implement,
    change_review,
    change_submit,
)
from knowledge.services.consents import consent_answer, consent_ask
from notifications.models import Notification
from tests.factories import UserFactory
from tests.knowledge.chg_fixtures import *  # noqa: F403 - the fixtures of problems and changes
from tickets.models import Ticket


@pytest.fixture
def submitted(demo, make_change):
    change = make_change()
    change = change_submit(actor=demo["engineer"], change=change)
    # The demo's own change awaits approval too: leave only this one for the sweep to find.
    ChangeApproval.objects.exclude(change=change).delete()
    return change


def _approval(change, party):
    return change.approvals.get(party=party)


def test_it_asks_the_pm_and_the_clients_approver(demo, submitted):
    assert submitted.status == Change.Status.PENDING
    approvers = {a.party: a.approver.username for a in submitted.approvals.all()}
    assert approvers == {"provider": "pm", "client": "client"}
    assert Notification.objects.filter(recipient=demo["client"], event="change.approval",
                                       channel="email").count() == 1


def test_the_change_is_approved_when_both_approve(demo, submitted):
    approval_answer(actor=demo["pm"], approval=_approval(submitted, "provider"), approve=True)
    submitted.refresh_from_db()
    assert submitted.status == Change.Status.PENDING
    approval_answer(actor=demo["client"], approval=_approval(submitted, "client"), approve=True,
                    comment="同意")
    submitted.refresh_from_db()
    assert submitted.status == Change.Status.APPROVED
    assert submitted.approved_at is not None


def test_a_second_answer_is_refused_409(demo, submitted):
    approval = _approval(submitted, "client")
    approval_answer(actor=demo["client"], approval=approval, approve=True)
    with pytest.raises(ActionRefused) as refused:
        approval_answer(actor=demo["client"], approval=approval, approve=False, comment="不")
    assert refused.value.status_code == 409
    approval.refresh_from_db()
    assert approval.decision == Decision.APPROVED


@pytest.mark.parametrize("who", ["engineer", "desk", "user", "gm", "delivery"])
def test_only_the_named_approver_answers_403(demo, submitted, who):
    approval = _approval(submitted, "client")
    with pytest.raises(PermissionRefused) as refused:
        approval_answer(actor=demo[who], approval=approval, approve=True)
    assert refused.value.status_code == 403
    approval.refresh_from_db()
    assert approval.decision == Decision.PENDING


def test_the_pm_cannot_answer_for_the_client(demo, submitted):
    with pytest.raises(PermissionRefused):
        approval_answer(actor=demo["pm"], approval=_approval(submitted, "client"), approve=True)


def test_a_rejection_needs_a_reason_and_rejects_the_change(demo, submitted):
    approval = _approval(submitted, "client")
    with pytest.raises(InvalidInput) as refused:
        approval_answer(actor=demo["client"], approval=approval, approve=False)
    assert refused.value.field == "comment"
    approval_answer(actor=demo["client"], approval=approval, approve=False, comment="窗口冲突")
    submitted.refresh_from_db()
    assert submitted.status == Change.Status.REJECTED


def test_a_standard_change_skips_approval(demo, make_change):
    change = make_change(kind=Change.Kind.STANDARD)
    change = change_submit(actor=demo["engineer"], change=change)
    assert change.status == Change.Status.APPROVED
    assert not change.approvals.exists()


def test_it_refuses_a_window_that_ends_before_it_starts(demo, make_change):
    start = now() + timedelta(days=3)
    with pytest.raises(InvalidInput) as refused:
        make_change(window_start=start, window_end=start - timedelta(hours=1))
    assert refused.value.field == "window_end"
    assert not Change.objects.filter(title="升级交换机固件").exists()


def test_the_client_contact_cannot_request_a_change(demo, make_change):
    with pytest.raises(PermissionRefused):
        make_change(actor="client")


def test_reminders_and_escalation_go_exactly_once_when_run_twice(demo, submitted):
    def mails(event, who):
        return Notification.objects.filter(event=event, recipient=demo[who],
                                           channel="email").count()

    before = mails("change.approval", "client")
    assert approvals_remind() == (0, 0)
    with time_machine.travel(now() + timedelta(hours=25), tick=False):
        assert approvals_remind() == (2, 0)
        assert approvals_remind() == (0, 0)
    assert mails("change.approval", "client") == before + 1
    with time_machine.travel(now() + timedelta(hours=49), tick=False):
        assert approvals_remind() == (0, 2)
        assert approvals_remind() == (0, 0)
    assert mails("change.escalated", "pm") == 2  # the PM's own and the client's approval
    approval = _approval(submitted, "client")
    assert approval.reminded_at is not None and approval.escalated_at is not None


def test_an_answered_approval_is_never_reminded(demo, submitted):
    approval_answer(actor=demo["client"], approval=_approval(submitted, "client"), approve=True)
    with time_machine.travel(now() + timedelta(hours=60), tick=False):
        assert approvals_remind() == (1, 1)  # only the PM's own approval is still open


def test_the_reminder_sweep_reads_a_bounded_number_of_rows(demo, submitted):
    with CaptureQueriesContext(connection) as queries:
        approvals_remind()
    assert len(queries) <= 2


def test_implementation_and_review_close_the_change(demo, make_change):
    change = change_submit(actor=demo["engineer"],
                           change=make_change(kind=Change.Kind.STANDARD))
    with pytest.raises(InvalidInput):
        change_implement(actor=demo["engineer"], change=change, result=" ")
    change = change_implement(actor=demo["engineer"], change=change, result="升级完成，业务正常",
                              succeeded=True)
    assert change.status == Change.Status.IMPLEMENTED
    change = change_review(actor=demo["pm"], change=change, review="按计划完成")
    assert change.status == Change.Status.REVIEWED
    with pytest.raises(ActionRefused):
        change_review(actor=demo["pm"], change=change, review="again")


def test_a_consent_is_answered_once_by_the_requester(demo):
    ticket = Ticket.objects.get(title="三楼财务部打印机频繁卡纸")
    consent = consent_ask(actor=demo["engineer"], ticket=ticket,
                          operation=Consent.Operation.REINSTALL, details="重装系统，C 盘数据将清除")
    assert consent.approver == demo["user"]
    assert Notification.objects.filter(recipient=demo["user"], event="change.approval").exists()
    with pytest.raises(PermissionRefused):
        consent_answer(actor=demo["client"], consent=consent, approve=True)
    consent = consent_answer(actor=demo["user"], consent=consent, approve=True)
    assert consent.decision == Decision.APPROVED
    with pytest.raises(ActionRefused) as refused:
        consent_answer(actor=demo["user"], consent=consent, approve=False)
    assert refused.value.status_code == 409


def test_a_consent_goes_only_to_a_client_person(demo):
    ticket = Ticket.objects.get(title="三楼财务部打印机频繁卡纸")
    with pytest.raises(InvalidInput) as refused:
        consent_ask(actor=demo["engineer"], ticket=ticket, operation="restart", details="重启",
                    approver=demo["desk"])
    assert refused.value.field == "approver"
    assert not Consent.objects.filter(details="重启").exists()


def test_a_client_contact_holding_approve_changes_may_stand_in(demo, submitted, desktop):
    colleague = UserFactory(role="client_contact", organisation=demo["client"].organisation)
    desktop.client_contacts.add(colleague)
    approval = approval_answer(actor=colleague, approval=_approval(submitted, "client"),
                               approve=True)
    assert approval.answered_by == colleague
    assert ChangeApproval.objects.filter(decision=Decision.APPROVED).count() == 1
