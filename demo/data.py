"""Demo data matching the seed documents: a desktop contract (seed 000) and a server one (seed 003).

Idempotent: every record is found by its natural key and brought to the state below, so running
it twice leaves the same data. Later features add their own demo records here.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction

from accounts.models import Department, Organisation, Site, User
from accounts.roles import Role
from assets.models import Asset
from assets.services.inspections import rounds_generate
from core.clock import now
from core.state import demo_mark_loaded
from demo.assets import load_assets
from demo.changes import load_changes
from demo.knowledge import load_articles
from demo.sla import load_service_levels
from demo.surveys import load_survey_policies
from demo.tickets import load_catalogue, load_tickets
from sla.models import Contract, ContractMember, ServiceCalendar
from tickets.models import Ticket

DEMO_PASSWORD = "demo12345"  # noqa: S105 - the published demo credential

PROVIDER = {"code": "HUAXIN-OPS", "name": "华信运维服务有限公司", "phone": "400-800-1234",
            "departments": ["服务台", "桌面运维部", "系统运维部", "交付管理部", "总经理办公室"]}
CLIENTS = [
    {"code": "MINGYUAN", "name": "明远科技有限公司", "address": "北京市海淀区中关村大街 1 号",
     "departments": ["财务部", "人力资源部", "市场部", "信息部", "行政部"],
     "sites": [("总部大楼 3 层", "中关村大街 1 号 3 层"), ("总部大楼 5 层", "中关村大街 1 号 5 层"),
               ("北区分部", "海淀区上地十街 8 号")]},
    {"code": "HENGTONG", "name": "恒通证券股份有限公司", "address": "上海市浦东新区世纪大道 100 号",
     "departments": ["信息技术部", "运营部"],
     "sites": [("主数据中心机房", "浦东新区张江路 88 号 B1"), ("同城灾备机房", "闵行区莘庄工业区 6 号")]},
]
CALENDARS = [
    {"code": "6x12", "name": "6×12 周一至周六 9:00–21:00", "hours": "mon-sat 09:00-21:00",
     "holidays": ServiceCalendar.Holidays.CN},
    {"code": "5x8", "name": "5×8 周一至周五 9:00–18:00", "hours": "mon-fri 09:00-12:00,13:00-18:00",
     "holidays": ServiceCalendar.Holidays.CN},
    {"code": "7x24", "name": "7×24 全天候", "hours": "24x7", "holidays": ServiceCalendar.Holidays.NONE},
]

# username, name, role, organisation code, department, site, phone, employee no, can log in
PEOPLE = [
    ("admin", "王敏", Role.ADMIN, "HUAXIN-OPS", "交付管理部", None, "13800000001", "HX001", True),
    ("desk", "张丽", Role.AGENT, "HUAXIN-OPS", "服务台", None, "13800000002", "HX002", True),
    ("engineer", "刘强", Role.ENGINEER, "HUAXIN-OPS", "桌面运维部", None, "13800000003", "HX003", True),
    ("engineer2", "陈刚", Role.SECOND_LINE, "HUAXIN-OPS", "系统运维部", None, "13800000004", "HX004",
     True),
    ("pm", "李娜", Role.PROJECT_MANAGER, "HUAXIN-OPS", "交付管理部", None, "13800000005", "HX005", True),
    ("delivery", "赵伟", Role.DELIVERY_MANAGER, "HUAXIN-OPS", "交付管理部", None, "13800000006",
     "HX006", True),
    ("gm", "孙涛", Role.GENERAL_MANAGER, "HUAXIN-OPS", "总经理办公室", None, "13800000007", "HX007",
     True),
    ("gaojie", "高洁", Role.AGENT, "HUAXIN-OPS", "服务台", None, "13800000008", "HX008", False),
    ("helei", "何磊", Role.ENGINEER, "HUAXIN-OPS", "系统运维部", None, "13800000009", "HX009", False),
    ("majun", "马骏", Role.ENGINEER, "HUAXIN-OPS", "桌面运维部", None, "13800000010", "HX010", False),
    ("client", "周静", Role.CLIENT_CONTACT, "MINGYUAN", "信息部", "总部大楼 5 层", "13900000001",
     "MY0001", True),
    ("user", "吴芳", Role.END_USER, "MINGYUAN", "财务部", "总部大楼 3 层", "13900000002", "MY0002", True),
    ("user2", "郑浩", Role.END_USER, "MINGYUAN", "市场部", "总部大楼 5 层", "13900000003", "MY0003",
     True),
    ("my-wangjing", "王静", Role.END_USER, "MINGYUAN", "财务部", "总部大楼 3 层", "13900000004",
     "MY0004", False),
    ("my-lihua", "李华", Role.END_USER, "MINGYUAN", "人力资源部", "总部大楼 3 层", "13900000005",
     "MY0005", False),
    ("my-zhangwei", "张伟", Role.END_USER, "MINGYUAN", "市场部", "总部大楼 5 层", "13900000006",
     "MY0006", False),
    ("my-liuyang", "刘洋", Role.END_USER, "MINGYUAN", "行政部", "总部大楼 3 层", "13900000007",
     "MY0007", False),
    ("my-chenjie", "陈洁", Role.END_USER, "MINGYUAN", "信息部", "总部大楼 5 层", "13900000008",
     "MY0008", False),
    ("my-yangfan", "杨帆", Role.END_USER, "MINGYUAN", "市场部", "北区分部", "13900000009", "MY0009",
     False),
    ("my-huangli", "黄丽", Role.END_USER, "MINGYUAN", "财务部", "北区分部", "13900000010", "MY0010",
     False),
    ("my-zhoupeng", "周鹏", Role.END_USER, "MINGYUAN", "人力资源部", "北区分部", "13900000011",
     "MY0011", False),
    ("my-xuming", "徐明", Role.END_USER, "MINGYUAN", "行政部", "总部大楼 5 层", "13900000012",
     "MY0012", False),
    ("my-sunli", "孙丽", Role.END_USER, "MINGYUAN", "信息部", "总部大楼 5 层", "13900000013",
     "MY0013", False),
    ("ht-fengjun", "冯军", Role.CLIENT_CONTACT, "HENGTONG", "信息技术部", "主数据中心机房",
     "13700000001", "HT0001", False),
    ("ht-hanmei", "韩梅", Role.END_USER, "HENGTONG", "信息技术部", "主数据中心机房", "13700000002",
     "HT0002", False),
    ("ht-caolei", "曹磊", Role.END_USER, "HENGTONG", "运营部", "同城灾备机房", "13700000003",
     "HT0003", False),
    ("ht-dengyu", "邓宇", Role.END_USER, "HENGTONG", "信息技术部", "同城灾备机房", "13700000004",
     "HT0004", False),
    ("ht-xiena", "谢娜", Role.END_USER, "HENGTONG", "运营部", "主数据中心机房", "13700000005",
     "HT0005", False),
]

CONTRACTS = [
    {
        "code": "DEMO-DESKTOP", "name": "明远科技桌面运维服务", "client": "MINGYUAN",
        "months_ago": 7, "calendar": "6x12",
        "desk_phone": "400-800-1234", "desk_email": "desk@huaxin-ops.example",
        "scope": "个人桌面办公软硬件系统维护、桌面控制及杀毒软件安装及日常监控、网络安全访问管理、"
                 "固定资产登记、会议现场技术服务。周一至周六 9:00–21:00 提供 6×12 小时上门服务，"
                 "节假日提供电话支持。",
        "team": [("desk", ContractMember.Duty.AGENT), ("gaojie", ContractMember.Duty.AGENT),
                 ("engineer", ContractMember.Duty.ENGINEER),
                 ("majun", ContractMember.Duty.ENGINEER),
                 ("engineer2", ContractMember.Duty.SECOND_LINE),
                 ("delivery", ContractMember.Duty.DELIVERY_MANAGER)],
        "contacts": ["client"],
    },
    {
        "code": "DEMO-SERVER", "name": "恒通证券服务器运维服务", "client": "HENGTONG",
        "months_ago": 11, "calendar": "7x24",
        "desk_phone": "400-800-1235", "desk_email": "server@huaxin-ops.example",
        "scope": "数据中心服务器、存储与网络设备的 7×24 小时运维：15 分钟响应，30 分钟到场，"
                 "24 小时内修复或更换；日常巡检、备件库管理与故障升级上报。",
        "team": [("desk", ContractMember.Duty.AGENT), ("helei", ContractMember.Duty.ENGINEER),
                 ("engineer2", ContractMember.Duty.SECOND_LINE),
                 ("delivery", ContractMember.Duty.DELIVERY_MANAGER)],
        "contacts": ["ht-fengjun"],
    },
]


def _contract_period(months_ago: int) -> tuple[date, date]:
    """A one-year contract that began on the 1st of the month `months_ago` months back, so the
    demo is in force whenever it is loaded (the server one ends within weeks: a renewal to see)."""
    today = now().date()
    month_index = today.year * 12 + today.month - 1 - months_ago
    starts_on = date(month_index // 12, month_index % 12 + 1, 1)
    ends_on = date(starts_on.year + 1, starts_on.month, 1) - timedelta(days=1)
    return starts_on, ends_on


@transaction.atomic
def load_demo() -> dict[str, int]:
    """Create or refresh the demo records; returns counts of what exists afterwards."""
    orgs = {}
    provider, _ = Organisation.objects.update_or_create(
        code=PROVIDER["code"], defaults={"name": PROVIDER["name"], "phone": PROVIDER["phone"],
                                         "kind": Organisation.Kind.PROVIDER})
    orgs[provider.code] = provider
    for name in PROVIDER["departments"]:
        Department.objects.get_or_create(organisation=provider, name=name)
    for spec in CLIENTS:
        org, _ = Organisation.objects.update_or_create(
            code=spec["code"], defaults={"name": spec["name"], "address": spec["address"],
                                         "kind": Organisation.Kind.CLIENT})
        orgs[org.code] = org
        for name in spec["departments"]:
            Department.objects.get_or_create(organisation=org, name=name)
        for name, address in spec["sites"]:
            Site.objects.update_or_create(organisation=org, name=name,
                                          defaults={"address": address})

    calendars = {}
    for spec in CALENDARS:
        calendar, _ = ServiceCalendar.objects.update_or_create(
            code=spec["code"], defaults={k: v for k, v in spec.items() if k != "code"})
        calendars[calendar.code] = calendar

    people = {}
    for username, name, role, org_code, dept, site, phone, employee_no, login in PEOPLE:
        org = orgs[org_code]
        user, _ = User.objects.update_or_create(username=username, defaults={
            "name": name, "role": role, "organisation": org,
            "department": Department.objects.get(organisation=org, name=dept),
            "site": Site.objects.get(organisation=org, name=site) if site else None,
            "phone": phone, "employee_no": employee_no,
            "email": f"{username}@{org_code.lower()}.example", "is_active": True,
        })
        if login and not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        elif not login and user.has_usable_password():
            user.set_unusable_password()
            user.save(update_fields=["password"])
        people[username] = user

    for spec in CONTRACTS:
        client = orgs[spec["client"]]
        starts_on, ends_on = _contract_period(spec["months_ago"])
        contract, _ = Contract.objects.update_or_create(code=spec["code"], defaults={
            "name": spec["name"], "client": client, "provider": provider,
            "starts_on": starts_on, "ends_on": ends_on, "scope": spec["scope"],
            "calendar": calendars[spec["calendar"]], "project_manager": people["pm"],
            "desk_phone": spec["desk_phone"], "desk_email": spec["desk_email"],
        })
        contract.sites.set(client.sites.all())
        contract.client_contacts.set([people[u] for u in spec["contacts"]])
        for username, duty in spec["team"]:
            ContractMember.objects.update_or_create(contract=contract, user=people[username],
                                                    defaults={"duty": duty})
        wanted = {people[u].pk for u, _duty in spec["team"]}
        contract.members.exclude(user_id__in=wanted).delete()

    load_catalogue()
    load_service_levels()
    load_assets(people)
    load_survey_policies()
    load_tickets(people)
    load_articles(people)  # knowledge articles (issue 18)
    load_changes(people)  # problems, changes, notices (issue 18, k18chg)
    rounds_generate()
    demo_mark_loaded()
    return {
        "organisations": Organisation.objects.count(),
        "people": User.objects.count(),
        "contracts": Contract.objects.count(),
        "tickets": Ticket.objects.count(),
        "assets": Asset.objects.count(),
    }
