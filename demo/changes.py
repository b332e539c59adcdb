"""Demo problems, changes, consents and maintenance notices (issue 18, k18chg): the printer's
paper jams analysed as a problem with its fixing change awaiting the client's approval, a
maintenance window three days ahead on the desktop contract, and a consent to reinstall asked
of 吴芳. Written as rows (no e-mails), dated from the clock, idempotent."""

from __future__ import annotations

from datetime import timedelta

from accounts.models import User
from core.clock import now
from knowledge.models import Change, ChangeApproval, Consent, Notice, NoticePolicy, Problem
from knowledge.services.changes import change_number_next as change_number
from knowledge.services.problems import problem_number_next as problem_number
from sla.models import Contract
from tickets.models import ServiceType, Ticket

PROBLEM_TITLE = "财务部打印机反复卡纸"
CHANGE_TITLE = "更换财务部打印机进纸组件并调整纸张类型设置"
NOTICE_TITLE = "总部大楼网络设备维护"


def load_changes(people: dict[str, User]) -> None:
    moment = now().replace(second=0, microsecond=0)
    desktop = Contract.objects.get(code="DEMO-DESKTOP")
    for contract in Contract.objects.filter(code__in=["DEMO-DESKTOP", "DEMO-SERVER"]):
        NoticePolicy.objects.get_or_create(contract=contract)
    printer_ticket = Ticket.objects.filter(title="三楼财务部打印机频繁卡纸").first()
    window = moment.replace(hour=20, minute=0) + timedelta(days=4)

    change = Change.objects.filter(title=CHANGE_TITLE, contract=desktop).first()
    if change is None:
        change = Change.objects.create(
            number=change_number(moment.year), contract=desktop, kind=Change.Kind.NORMAL,
            title=CHANGE_TITLE, reason="进纸辊磨损，且驱动中纸张类型设为“普通纸”而实际使用再生纸。",
            scope="财务部激光打印机 MY-PR-0301",
            config_before="纸张类型：普通纸；进纸辊：原装（已使用 3 年）",
            config_after="纸张类型：再生纸；进纸辊：新件", risk=Change.Risk.LOW,
            risk_notes="更换期间打印机停用约 30 分钟。", test_plan="连续打印 100 页再生纸无卡纸。",
            rollback_plan="装回原进纸辊并恢复原设置。", window_start=window,
            window_end=window + timedelta(hours=1), downtime=False,
            status=Change.Status.PENDING, requested_by=people["engineer"],
            submitted_at=moment, created_at=moment, updated_at=moment)
        for party, approver in ((ChangeApproval.Party.PROVIDER, people["pm"]),
                                (ChangeApproval.Party.CLIENT, people["client"])):
            ChangeApproval.objects.create(change=change, party=party, approver=approver,
                                          remind_at=moment + timedelta(hours=24),
                                          escalate_at=moment + timedelta(hours=48))

    if not Problem.objects.filter(title=PROBLEM_TITLE, contract=desktop).exists():
        problem = Problem.objects.create(
            number=problem_number(moment.year), contract=desktop, title=PROBLEM_TITLE,
            description="财务部打印机在一个月内多次卡纸。", source=Problem.Source.RECURRING,
            status=Problem.Status.FIXING, owner=people["engineer"],
            root_cause="进纸辊磨损；驱动纸张类型与实际使用的再生纸不符。",
            workaround="打印前将纸张扇开，并手动选择“再生纸”。",
            known_error="财务部打印机卡纸：检查进纸辊并确认纸张类型设置。", fix_change=change,
            created_by=people["engineer"], created_at=moment, updated_at=moment)
        if printer_ticket is not None:
            problem.tickets.add(printer_ticket)
            if printer_ticket.asset_id:
                problem.assets.add(printer_ticket.asset_id)

    if not Notice.objects.filter(title=NOTICE_TITLE, contract=desktop).exists():
        starts = moment.replace(hour=22, minute=0) + timedelta(days=3)
        Notice.objects.create(
            contract=desktop, title=NOTICE_TITLE,
            body="总部大楼核心交换机固件升级，期间网络中断约 2 小时。请提前保存工作。",
            starts_at=starts, ends_at=starts + timedelta(hours=2),
            service_type=ServiceType.objects.filter(code="network").first(),
            contact="运维服务台 400-800-1234", published_by=people["pm"],
            published_at=moment, updated_at=moment)

    if printer_ticket is not None and not Consent.objects.filter(ticket=printer_ticket).exists():
        Consent.objects.create(
            ticket=printer_ticket, operation=Consent.Operation.RESTART,
            details="需要重启打印机并清除打印队列，未打印的文档需重新发送。",
            asked_by=people["engineer"], approver=printer_ticket.requester, asked_at=moment)
