"""Demo service catalogue (T3) and a handful of tickets in every state, made through the services
so their timelines are real. Idempotent: each demo ticket has a fixed submission key."""

from __future__ import annotations

import uuid

from accounts.models import User
from assets.models import Asset
from sla.models import Contract
from tickets import services
from tickets.models import Category, Channel, Priority, ServiceType, Ticket

# code, Chinese, English, usually needs a visit, {category: [subcategories]}
SERVICE_TYPES = [
    ("hardware", "硬件服务", "Hardware", True, {
        ("台式机/笔记本", "Desktop / laptop"): [("无法开机", "Does not start"),
                                           ("蓝屏死机", "Blue screen / freezes")],
        ("打印机/扫描仪", "Printer / scanner"): [("卡纸", "Paper jam"),
                                            ("无法打印", "Cannot print")],
        ("显示器及外设", "Monitor and peripherals"): [],
        ("服务器", "Server"): [("硬盘故障", "Disk failure"), ("电源故障", "Power supply")],
        ("存储设备", "Storage"): [],
    }),
    ("software", "软件服务", "Software", False, {
        ("操作系统", "Operating system"): [],
        ("办公软件", "Office software"): [],
        ("电子邮件", "E-mail"): [],
        ("业务系统", "Business application"): [],
    }),
    ("network", "网络服务", "Network", True, {
        ("有线网络", "Wired network"): [],
        ("无线网络", "Wi-Fi"): [],
        ("VPN 远程接入", "VPN remote access"): [],
    }),
    ("security", "安全与防病毒", "Security and antivirus", False, {
        ("病毒查杀", "Virus removal"): [],
        ("桌面管控", "Desktop control"): [],
        ("账号与权限", "Accounts and permissions"): [],
    }),
    ("asset", "资产登记", "Asset registration", False, {
        ("新设备登记", "Register a new device"): [],
        ("资产变更", "Asset change"): [],
    }),
    ("meeting", "会议保障", "Meeting support", True, {
        ("视频会议", "Video conference"): [],
        ("投影与音响", "Projector and sound"): [],
    }),
]


def load_catalogue() -> None:
    for order, (code, name, name_en, visit, tree) in enumerate(SERVICE_TYPES):
        service_type, _ = ServiceType.objects.update_or_create(code=code, defaults={
            "name": name, "name_en": name_en, "needs_on_site": visit, "ordering": order * 10})
        for (cat, cat_en), children in tree.items():
            parent, _ = Category.objects.update_or_create(
                service_type=service_type, parent=None, name=cat, defaults={"name_en": cat_en})
            for child, child_en in children:
                Category.objects.update_or_create(service_type=service_type, parent=parent,
                                                  name=child, defaults={"name_en": child_en})


def _category(service_type: str, *path: str) -> Category:
    category = None
    for name in path:
        category = Category.objects.get(service_type__code=service_type, parent=category,
                                        name=name)
    return category


# (key, contract, requester, logged by, service type, category path, priority, title, steps)
DEMO_TICKETS = [
    ("printer-jam", "DEMO-DESKTOP", "user", "user", "hardware", ("打印机/扫描仪", "卡纸"),
     Priority.P3, "三楼财务部打印机频繁卡纸", []),
    ("outlook", "DEMO-DESKTOP", "user2", "desk", "software", ("电子邮件",), Priority.P3,
     "Outlook 无法收取邮件", ["accept", "dispatch:engineer"]),
    ("wifi", "DEMO-DESKTOP", "my-zhangwei", "desk", "network", ("无线网络",), Priority.P2,
     "五楼会议室无线网络连接不上", ["accept", "dispatch:engineer", "check_in"]),
    ("virus", "DEMO-DESKTOP", "my-liuyang", "desk", "security", ("病毒查杀",), Priority.P3,
     "电脑弹出勒索病毒提示", ["accept", "dispatch:engineer", "check_in", "resolve"]),
    ("password", "DEMO-DESKTOP", "my-lihua", "desk", "security", ("账号与权限",), Priority.P4,
     "忘记域账号密码", ["accept", "resolve"]),
    ("toner", "DEMO-DESKTOP", "user", "user", "hardware", ("打印机/扫描仪", "无法打印"),
     Priority.P3, "打印机提示碳粉不足", ["accept", "dispatch:engineer", "pend:spare_part"]),
    ("disk", "DEMO-SERVER", "ht-hanmei", "desk", "hardware", ("服务器", "硬盘故障"), Priority.P1,
     "交易数据库服务器 RAID 硬盘告警", ["accept", "dispatch:helei", "check_in"]),
    ("backup", "DEMO-SERVER", "ht-caolei", "desk", "software", ("业务系统",), Priority.P2,
     "夜间备份作业失败", []),
]


# Demo tickets raised on a registered asset (the asset page lists them).
TICKET_ASSETS = {"printer-jam": "MY-PR-0301", "toner": "MY-PR-0301", "disk": "HT-SV-0001"}


def load_tickets(people: dict[str, User]) -> None:
    for key, code, requester, logged_by, st_code, path, priority, title, steps in DEMO_TICKETS:
        contract = Contract.objects.get(code=code)
        submission_key = uuid.uuid5(uuid.NAMESPACE_URL, f"itsm-demo/{key}")
        if Ticket.objects.filter(submission_key=submission_key).exists():
            continue
        actor = people[logged_by]
        fields = {
            "contract": contract, "service_type": ServiceType.objects.get(code=st_code),
            "category": _category(st_code, *path), "title": title,
            "description": title + "。", "requester": people[requester],
            "site": people[requester].site, "submission_key": submission_key,
            "asset": Asset.objects.filter(tag=TICKET_ASSETS.get(key, "")).first(),
        }
        if actor.is_client_side:
            ticket = services.ticket_create(actor=actor, **fields)
        else:
            ticket = services.ticket_create(actor=actor, channel=Channel.PHONE,
                                            priority=priority, **fields)
        desk = people["desk"]
        for step in steps:
            action, _sep, arg = step.partition(":")
            if action == "accept":
                services.ticket_accept(actor=desk, ticket=ticket)
            elif action == "dispatch":
                services.ticket_dispatch(actor=desk, ticket=ticket, assignee=people[arg])
            elif action == "check_in":
                services.ticket_check_in(actor=ticket.assignee, ticket=ticket)
            elif action == "pend":
                services.ticket_pend(actor=ticket.assignee, ticket=ticket, reason=arg,
                                     note="已向供应商订购。")
            elif action == "resolve":
                services.ticket_resolve(actor=ticket.assignee or desk, ticket=ticket,
                                        code="fixed", notes="已处理完毕，请确认。",
                                        time_spent_minutes=20)
            ticket.refresh_from_db()
