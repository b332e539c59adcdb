"""Problems (B2): proposed once from recurring faults and P1 incidents, analysed, fixed by a
change and confirmed by the client's contact."""

from datetime import timedelta

import pytest
import time_machine
from django.test import override_settings

from core.clock import now
from core.errors import ActionRefused, InvalidInput, PermissionRefused
from knowledge.models import Problem
from knowledge.selectors.problems import problems_visible_to
from knowledge.services.changes import approval_answer, change_implement, change_submit
from knowledge.services.problems import (
    problem_accept,
    problem_analyse,
    problem_confirm,
    problem_create,
    problem_link_change,
    problems_propose,
)
from notifications.models import Notification
from tests.knowledge.chg_fixtures import *  # noqa: F403 - the fixtures of problems and changes
from tickets.models import Priority, ServiceType, Ticket
from tickets.services import ticket_create


def _proposed():
    """Proposals from recurring faults (the demo's own printer problem was opened by hand)."""
    return Problem.objects.filter(source=Problem.Source.RECURRING, proposal_key__isnull=False)


@pytest.fixture
def printer_fault(demo, desktop):
    """File a paper-jam fault on the finance printer (MY-PR-0301) as 吴芳."""
    def _file(title="打印机又卡纸了"):
        ticket = Ticket.objects.get(title="三楼财务部打印机频繁卡纸")
        return ticket_create(actor=demo["user"], contract=desktop,
                             service_type=ticket.service_type, category=ticket.category,
                             title=title, requester=demo["user"], asset=ticket.asset)

    return _file


def test_it_proposes_a_problem_from_the_second_fault_on_one_printer(printer_fault):
    ticket = printer_fault()
    problem = Problem.objects.get(source=Problem.Source.RECURRING,
                                  proposal_key__startswith=f"asset:{ticket.asset_id}:")
    assert problem.status == Problem.Status.PROPOSED
    assert set(problem.tickets.values_list("title", flat=True)) == {"三楼财务部打印机频繁卡纸",
                                                                      "打印机又卡纸了"}
    assert list(problem.assets.all()) == [ticket.asset]


def test_it_proposes_once_however_many_faults_follow(printer_fault):
    printer_fault()
    printer_fault("第三次卡纸")
    problems_propose()
    problems = _proposed()
    assert problems.count() == 1
    assert problems.get().tickets.count() == 3


@override_settings(PROBLEM_RECURRING_FAULTS=3)
def test_it_waits_for_the_configured_number_of_faults(printer_fault):
    printer_fault()
    assert not _proposed().exists()
    printer_fault("第三次卡纸")
    assert _proposed().count() == 1


def test_it_proposes_a_problem_from_a_p1_major_incident(demo, server):
    assert Problem.objects.filter(source=Problem.Source.MAJOR_INCIDENT,
                                  contract=server).count() == 1  # the demo's disk failure
    ticket = ticket_create(actor=demo["desk"], contract=server,
                           service_type=ServiceType.objects.get(code="hardware"),
                           title="交易系统全部中断", requester=demo["ht-hanmei"],
                           priority=Priority.P1)
    assert Problem.objects.get(proposal_key=f"ticket:{ticket.pk}").tickets.get() == ticket


def test_the_sweep_finds_faults_filed_without_the_signal(demo, desktop, printer_fault):
    ticket = printer_fault()
    _proposed().delete()
    assert problems_propose() >= 1
    assert Problem.objects.filter(proposal_key__startswith=f"asset:{ticket.asset_id}:").exists()


def test_it_runs_the_whole_problem_to_the_clients_confirmation(demo, desktop, printer_fault,
                                                               make_change):
    printer_fault()
    problem = _proposed().get()
    problem_accept(actor=demo["engineer"], problem=problem)
    problem = problem_analyse(actor=demo["engineer"], problem=problem,
                              root_cause="进纸辊磨损", known_error="卡纸：更换进纸辊")
    assert problem.status == Problem.Status.KNOWN_ERROR
    change = make_change(downtime=False)
    problem = problem_link_change(actor=demo["engineer"], problem=problem, change=change)
    assert problem.status == Problem.Status.FIXING
    change_submit(actor=demo["engineer"], change=change)
    for approval in change.approvals.all():
        approval_answer(actor=approval.approver, approval=approval, approve=True)
    change_implement(actor=demo["engineer"], change=change, result="已更换进纸辊")
    problem.refresh_from_db()
    assert problem.status == Problem.Status.AWAITING_CONFIRMATION
    assert Notification.objects.filter(recipient=demo["client"], event="problem").exists()
    with pytest.raises(PermissionRefused):
        problem_confirm(actor=demo["user"], problem=problem)
    problem = problem_confirm(actor=demo["client"], problem=problem, note="一周未再卡纸")
    assert problem.status == Problem.Status.CLOSED
    assert problem.confirmed_by == demo["client"]
    with pytest.raises(ActionRefused):
        problem_confirm(actor=demo["client"], problem=problem)


def test_it_refuses_a_problem_from_the_client_side(demo, desktop):
    with pytest.raises(PermissionRefused):
        problem_create(actor=demo["client"], contract=desktop, title="x")


def test_it_refuses_a_ticket_of_another_contract(demo, desktop):
    disk = Ticket.objects.get(title__startswith="交易数据库服务器")
    with pytest.raises(InvalidInput) as refused:
        problem_create(actor=demo["admin"], contract=desktop, title="x", tickets=[disk])
    assert refused.value.field == "tickets"
    assert not Problem.objects.filter(title="x").exists()


def test_the_client_contact_sees_only_their_contracts_problems(demo, desktop, server):
    visible = set(problems_visible_to(demo["client"]).values_list("contract__code", flat=True))
    assert visible == {"DEMO-DESKTOP"}
    assert not problems_visible_to(demo["user"]).exists()


@override_settings(RECURRING_FAULT_DAYS=1)
def test_it_does_not_propose_from_faults_outside_the_window(demo, desktop, printer_fault):
    with time_machine.travel(now() + timedelta(days=2), tick=False):
        printer_fault()
    assert not _proposed().exists()
