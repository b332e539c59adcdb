#!/usr/bin/env python
"""Generate a benchmark data set: the demo data plus realistic volume.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/itsm_bench \
        .venv/bin/python bench/generate.py --tickets 1000000

Steps: create the database if missing, `manage.py migrate`, `manage.py load_demo`, then in ONE
transaction: ~20 contracts of 14 more clients (departments, sites, a client IT contact each),
~2,000 end users, 60 engineers and 8 agents on contract teams (all with the demo password), and
N tickets with ~5 timeline entries each, loaded with COPY. Secondary indexes and foreign keys of
tickets_ticket / tickets_entry are dropped for the load and recreated afterwards (PostgreSQL
re-validates every foreign key when it is added back). Finally VACUUM ANALYZE.

Bulk tickets get no rows in tickets_historicalticket (simple_history) and no notifications.
Running it again on a database that already has the bulk data does nothing; --reset drops and
recreates the database first.
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import random
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import BULK_PREFIX, CODE, DEMO_PASSWORD, RESULTS, bench_env  # noqa: E402

DAY = 86400
YEARS = 3
CHUNK = 50_000          # tickets per generated chunk (one COPY of tickets + one of entries)
MARKER_ORG = "BC01"     # the first bulk client: present means the bulk data is loaded

OPEN = ("submitted", "accepted", "dispatched", "on_site", "pending", "reopened")

# --- reference data ---------------------------------------------------------------------------
CLIENTS = [  # code, name, address
    ("BC01", "东方航运集团有限公司", "上海市虹口区东大名路 1 号"),
    ("BC02", "华北电力设计院有限公司", "北京市西城区黄寺大街 24 号"),
    ("BC03", "金桥商业银行股份有限公司", "天津市和平区南京路 75 号"),
    ("BC04", "瑞丰财产保险股份有限公司", "深圳市福田区益田路 6001 号"),
    ("BC05", "天元制药股份有限公司", "杭州市滨江区江南大道 588 号"),
    ("BC06", "博远教育集团", "南京市鼓楼区汉中路 180 号"),
    ("BC07", "新城置业发展有限公司", "成都市高新区天府大道 1199 号"),
    ("BC08", "宏达汽车零部件有限公司", "长春市绿园区西新工业园 8 号"),
    ("BC09", "安泰物流股份有限公司", "武汉市东西湖区临空港大道 99 号"),
    ("BC10", "中科精密仪器有限公司", "合肥市蜀山区望江西路 800 号"),
    ("BC11", "海川文化传媒有限公司", "广州市天河区珠江新城华夏路 10 号"),
    ("BC12", "嘉禾医院", "西安市雁塔区长安南路 300 号"),
    ("BC13", "百川食品股份有限公司", "郑州市金水区农业路 66 号"),
    ("BC14", "星辰半导体有限公司", "苏州市工业园区星湖街 328 号"),
]
DEPARTMENTS = ["财务部", "人力资源部", "市场部", "信息部", "行政部", "研发部", "生产部", "采购部",
               "法务部", "客服中心", "销售部", "审计部", "质量部", "物流部"]
SITE_NAMES = [("总部大楼 {n} 层", "总部大楼"), ("研发中心", "科技园 2 号楼"), ("生产基地", "经济开发区"),
              ("数据中心机房", "B1 层机房"), ("营业部", "市中心营业厅"), ("仓储中心", "物流园 A 区")]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏辉建国红梅志强晓东海燕丹宁佳琪子豪欣怡宇航浩然雨婷思远"

# Titles per service type, by category name (None: any category of the type).
TITLES = {
    "hardware": ["电脑无法开机", "笔记本电池无法充电", "电脑频繁蓝屏", "打印机卡纸", "打印机无法打印",
                 "扫描仪无法识别", "显示器黑屏", "键盘部分按键失灵", "鼠标失灵", "电脑运行缓慢需检查硬件",
                 "服务器硬盘告警", "服务器电源模块故障", "存储阵列控制器告警", "UPS 告警", "投影仪无信号"],
    "software": ["Outlook 无法收取邮件", "Office 激活失败", "系统更新后无法登录", "财务系统报错",
                 "OA 流程无法提交", "浏览器无法打开业务系统", "数据库连接超时", "备份作业失败",
                 "ERP 客户端安装", "WPS 文档打不开", "共享盘无法访问", "中间件服务异常重启"],
    "network": ["无法上网", "无线网络连接不上", "VPN 无法连接", "网速很慢", "网口不通",
                "会议室无线信号弱", "交换机端口告警", "新工位需要开通网络"],
    "security": ["电脑中病毒", "杀毒软件过期", "域账号被锁定", "忘记域账号密码", "申请系统权限",
                 "U 盘被禁用需开通", "收到可疑钓鱼邮件", "桌面管控客户端异常"],
    "asset": ["新电脑登记", "资产标签脱落", "设备调拨登记", "报废设备回收", "资产盘点差异"],
    "meeting": ["视频会议保障", "会议室投影调试", "领导会议音响保障", "远程会议连不上", "年会现场技术支持"],
}
DETAILS = ["今天上午开始出现，影响正常办公。", "重启后问题依旧。", "同部门其他同事也有类似情况。",
           "比较着急，下午有会议要用。", "已经持续两天了。", "具体报错见截图。", "联系电话见工单。",
           "请尽快安排工程师处理。", "只是偶尔出现。", "换了一台电脑也一样。"]
REPLIES = ["您好，已收到，工程师稍后联系您。", "请问方便什么时候上门处理？", "已远程处理，请重启后再试。",
           "请提供一下报错截图。", "问题已定位，正在处理中。", "已更换配件，请确认是否正常。",
           "好的，谢谢。", "还是不行，麻烦再看一下。", "下午两点以后都可以。"]
NOTES = ["怀疑主板故障，需要备件。", "用户电脑为 2019 年采购，已过保。", "已联系厂商 400 报修。",
         "与上周同类问题，建议统一排查。", "需二线协助检查服务器日志。"]
RESOLUTIONS = {"fixed": "已修复，测试正常。", "replaced": "已更换故障部件，运行正常。",
               "configured": "已调整配置，问题解决。", "workaround": "已提供临时解决办法。",
               "advice": "已指导用户操作。", "no_fault": "现场检查未发现故障。",
               "vendor": "厂商已处理完毕。", "duplicate": "与已有工单重复。"}
RESOLUTION_WEIGHTS = [("fixed", 40), ("replaced", 12), ("configured", 18), ("workaround", 8),
                      ("advice", 12), ("no_fault", 5), ("vendor", 3), ("duplicate", 2)]
PEND_REASONS = [("spare_part", "已订购备件，等待到货。"), ("vendor", "等待厂商回复。"),
                ("user", "用户出差，约定返回后处理。")]

PRIORITY_CUM = [2, 12, 72, 100]                      # P1 2%, P2 10%, P3 60%, P4 28%
RESPONSE_MEAN = {1: 600, 2: 1200, 3: 2400, 4: 3600}  # seconds to accept
CHANNELS = [("portal", 45), ("phone", 35), ("email", 8), ("im", 8), ("walk_in", 2),
            ("monitoring", 1.5), ("inspection", 0.5)]
KINDS = [("fault", 70), ("request", 25), ("consultation", 5)]
OPEN_STATUS_WEIGHTS = [("submitted", 16), ("accepted", 12), ("dispatched", 25), ("on_site", 12),
                       ("pending", 30), ("reopened", 5)]
FRESH_STATUS_WEIGHTS = [("submitted", 55), ("accepted", 20), ("dispatched", 18), ("on_site", 5),
                        ("pending", 2), ("reopened", 0)]
# Asia/Shanghai hour of day and weekday weights for when tickets are filed.
HOUR_WEIGHTS = [1, 1, 1, 1, 1, 1, 2, 4, 10, 16, 16, 14, 8, 12, 16, 16, 14, 10, 6, 4, 3, 2, 2, 1]
WEEKDAY_WEIGHTS = [1.0, 1.0, 1.0, 1.0, 0.95, 0.3, 0.2]


def log(msg: str) -> None:
    print(msg, flush=True)


class Timer:
    def __init__(self):
        self.t0 = time.perf_counter()
        self.steps: dict[str, float] = {}
        self._last = self.t0

    def step(self, name: str) -> float:
        now = time.perf_counter()
        self.steps[name] = round(now - self._last, 2)
        self._last = now
        log(f"  {name}: {self.steps[name]:.1f} s")
        return self.steps[name]


# --- database creation, migrate, demo -------------------------------------------------------------
def ensure_database(url: str, reset: bool) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    dbname = parts.path.lstrip("/")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname]).fetchone()
        if exists and reset:
            log(f"dropping database {dbname}")
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(dbname)))
            exists = None
        if not exists:
            log(f"creating database {dbname}")
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))


def manage(*args: str) -> None:
    subprocess.run([sys.executable, str(CODE / "manage.py"), *args], cwd=CODE, env=bench_env(),
                   check=True)


# --- reference data (ORM) -------------------------------------------------------------------------
def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def create_reference_data(rng: random.Random, now_ts: float, end_users: int, engineers: int
                          ) -> dict:
    """Clients, departments, sites, contracts, people and teams; returns what the ticket
    generator needs as plain data (ids, weights, names)."""
    from django.contrib.auth.hashers import make_password

    from accounts.models import Department, Organisation, Site, User
    from accounts.roles import Role
    from sla.models import Contract, ContractMember, ServiceCalendar
    from tickets.models import Category, ServiceType

    password = make_password(DEMO_PASSWORD)  # hashed once, shared by every bulk person
    joined = datetime.fromtimestamp(now_ts - (YEARS + 1) * 365 * DAY, UTC)
    provider = Organisation.objects.get(code="HUAXIN-OPS")
    pdept = {d.name: d for d in provider.departments.all()}
    calendars = {c.code: c for c in ServiceCalendar.objects.all()}
    demo = {u.username: u for u in User.objects.filter(
        username__in=["desk", "gaojie", "engineer", "majun", "engineer2", "helei", "pm",
                      "delivery"])}
    serial = iter(range(1, 1_000_000))

    def person(username, role, org, dept=None, site=None, **extra):
        n = next(serial)
        return User(username=username, password=password, name=person_name(rng), role=role,
                    organisation=org, department=dept, site=site, email=f"{username}@example.com",
                    phone=f"1{rng.choice('3589')}{n:09d}", employee_no=f"B{n:06d}",
                    language="en" if rng.random() < 0.05 else "zh-hans", date_joined=joined,
                    is_active=True, **extra)

    # Provider staff: 4 project managers, 8 agents, 60 engineers (a quarter second-line).
    staff = [person(f"{BULK_PREFIX}pm{i:02d}", Role.PROJECT_MANAGER, provider, pdept["交付管理部"])
             for i in range(1, 5)]
    staff += [person(f"{BULK_PREFIX}agent{i:02d}", Role.AGENT, provider, pdept["服务台"])
              for i in range(1, 9)]
    n_second = engineers // 4
    staff += [person(f"{BULK_PREFIX}eng{i:02d}",
                     Role.SECOND_LINE if i <= n_second else Role.ENGINEER, provider,
                     pdept["系统运维部"] if i <= n_second or i % 2 else pdept["桌面运维部"])
              for i in range(1, engineers + 1)]
    User.objects.bulk_create(staff)
    pms = [u for u in staff if u.role == Role.PROJECT_MANAGER]
    agents = [u for u in staff if u.role == Role.AGENT]
    second = [u for u in staff if u.role == Role.SECOND_LINE]
    engs = [u for u in staff if u.role == Role.ENGINEER]

    # Clients with departments and sites; 6 have a desktop and a server contract, 8 one of them.
    orgs = Organisation.objects.bulk_create([
        Organisation(code=code, name=name, address=address, kind=Organisation.Kind.CLIENT,
                     phone=f"0{rng.randint(10, 99)}-{rng.randint(10000000, 99999999)}")
        for code, name, address in CLIENTS])
    depts, sites = {}, {}
    for org in orgs:
        depts[org.code] = Department.objects.bulk_create([
            Department(organisation=org, name=name)
            for name in rng.sample(DEPARTMENTS, rng.randint(4, 8))])
        picks = rng.sample(SITE_NAMES, rng.randint(2, 4))
        sites[org.code] = Site.objects.bulk_create([
            Site(organisation=org, name=name.format(n=rng.randint(2, 20)), address=address)
            for name, address in picks])
    specs = []  # (org, kind)
    for i, org in enumerate(orgs):
        if i < 6:
            specs += [(org, "desktop"), (org, "server")]
        else:
            specs.append((org, "desktop" if i % 3 else "server"))
    contract_start = date.fromtimestamp(now_ts - (YEARS * 365 + 40) * DAY)
    contract_end = date.fromtimestamp(now_ts + 300 * DAY)
    contracts = []
    for org, kind in specs:
        contracts.append(Contract(
            code=f"{org.code}-{kind.upper()}",
            name=f"{org.name}{'桌面运维服务' if kind == 'desktop' else '服务器运维服务'}",
            client=org, provider=provider, starts_on=contract_start, ends_on=contract_end,
            scope="桌面终端、外设与办公网络运维" if kind == "desktop" else "服务器、存储与网络设备运维",
            calendar=calendars["6x12" if kind == "desktop" else "7x24"],
            project_manager=rng.choice(pms + [demo["pm"]]),
            desk_phone="400-800-1234", desk_email="desk@huaxin-ops.example",
            department_visibility=rng.random() < 0.25))
    Contract.objects.bulk_create(contracts)
    for contract in contracts:
        contract.sites.set(sites[contract.client.code])
    # Ticket volume per contract: a few big ones, a long tail (Zipf-like).
    order = list(range(len(contracts)))
    rng.shuffle(order)
    weights = {contracts[i].pk: 1 / (rank + 1) ** 0.8 for rank, i in enumerate(order)}
    # The central desk (demo `desk`, `gaojie`) answers for 12 of the 20 bulk contracts; every
    # contract also has one or two bulk agents.
    desk_served = set(rng.sample([c.pk for c in contracts], 12))

    members = []
    teams = {}
    eng_cycle = iter(rng.sample(engs, len(engs)) * 4)
    second_cycle = iter(rng.sample(second, len(second)) * 4)
    for contract in contracts:
        team_agents = rng.sample(agents, rng.choice((1, 2)))
        if contract.pk in desk_served:
            team_agents = [demo["desk"], demo["gaojie"], *team_agents]
        team_engs = []
        for _ in range(rng.randint(4, 7)):
            e = next(eng_cycle)
            if e not in team_engs:
                team_engs.append(e)
        team_second = []
        for _ in range(rng.choice((1, 2))):
            e = next(second_cycle)
            if e not in team_second:
                team_second.append(e)
        members += [ContractMember(contract=contract, user=u, duty=ContractMember.Duty.AGENT)
                    for u in team_agents]
        members += [ContractMember(contract=contract, user=u, duty=ContractMember.Duty.ENGINEER)
                    for u in team_engs]
        members += [ContractMember(contract=contract, user=u,
                                   duty=ContractMember.Duty.SECOND_LINE) for u in team_second]
        members.append(ContractMember(contract=contract, user=demo["delivery"],
                                      duty=ContractMember.Duty.DELIVERY_MANAGER))
        teams[contract.pk] = (team_agents, team_engs, team_second)
    ContractMember.objects.bulk_create(members)

    # End users: 150 more for the demo client 明远科技, 50 for 恒通证券, the rest spread over the
    # bulk clients by their ticket volume; one client IT contact per bulk client.
    org_weight = {}
    for c in contracts:
        org_weight[c.client_id] = org_weight.get(c.client_id, 0) + weights[c.pk]
    total_w = sum(org_weight.values())
    demo_orgs = {o.code: o for o in Organisation.objects.filter(code__in=["MINGYUAN", "HENGTONG"])}
    for o in demo_orgs.values():
        depts[o.code] = list(o.departments.all())
        sites[o.code] = list(o.sites.all())
    quota = {demo_orgs["MINGYUAN"].pk: 150, demo_orgs["HENGTONG"].pk: 50}
    rest = end_users - sum(quota.values())
    for org in orgs:
        quota[org.pk] = max(40, round(rest * org_weight[org.pk] / total_w))
    people = []
    all_orgs = list(orgs) + list(demo_orgs.values())
    for org in all_orgs:
        for _ in range(quota[org.pk]):
            n = len(people) + 1
            people.append(person(f"{BULK_PREFIX}u{n:05d}", Role.END_USER, org,
                                 rng.choice(depts[org.code]), rng.choice(sites[org.code])))
    contacts = [person(f"{BULK_PREFIX}contact-{org.code.lower()}", Role.CLIENT_CONTACT, org,
                       rng.choice(depts[org.code]), rng.choice(sites[org.code])) for org in orgs]
    User.objects.bulk_create(people + contacts)
    by_org = {}
    for u in people:
        by_org.setdefault(u.organisation_id, []).append(u)
    for contract in contracts:
        contract.client_contacts.set([c for c in contacts if c.organisation_id == contract.client_id])

    # What the generator needs, as plain data. Demo contracts take tickets only since they began.
    demo_contracts = list(Contract.objects.filter(code__in=["DEMO-DESKTOP", "DEMO-SERVER"])
                          .prefetch_related("members__user"))
    demo_people = {o.pk: list(User.objects.filter(organisation=o, role=Role.END_USER))
                   for o in demo_orgs.values()}

    def requesters(org_id, extra=()):
        users = list(extra) + by_org.get(org_id, [])
        # Heavy-tailed: a few people (secretaries, front desks) file a large share.
        w = [min(rng.paretovariate(1.1), 60.0) for _ in users]
        cum, acc = [], 0.0
        for x in w:
            acc += x
            cum.append(acc)
        return [(u.pk, u.site_id or 0, u.phone) for u in users], cum

    info = []
    for contract in contracts:
        team_agents, team_engs, team_second = teams[contract.pk]
        reqs, cum = requesters(contract.client_id)
        info.append({
            "id": contract.pk, "code": contract.code, "kind": "server" if contract.code.endswith(
                "SERVER") else "desktop",
            "start": now_ts - (YEARS * 365 + 40) * DAY, "weight": weights[contract.pk],
            "agents": [u.pk for u in team_agents],
            "agent_pairs": [(u.pk, u.name) for u in team_agents],
            "engineers": [(u.pk, u.name) for u in team_engs],
            "second_line": [(u.pk, u.name) for u in team_second],
            "requesters": reqs, "req_cum": cum})
    for contract in demo_contracts:
        by_duty = {}
        for m in contract.members.all():
            by_duty.setdefault(m.duty, []).append(m.user)
        reqs, cum = requesters(contract.client_id, demo_people[contract.client_id])
        start = datetime.combine(contract.starts_on, datetime.min.time(), UTC)
        info.append({
            "id": contract.pk, "code": contract.code,
            "kind": "server" if contract.code.endswith("SERVER") else "desktop",
            "start": start.timestamp() + DAY,
            "weight": 0.35 if contract.code == "DEMO-DESKTOP" else 0.15,
            "agents": [u.pk for u in by_duty.get("agent", [])],
            "agent_pairs": [(u.pk, u.name) for u in by_duty.get("agent", [])],
            "engineers": [(u.pk, u.name) for u in by_duty.get("engineer", [])],
            "second_line": [(u.pk, u.name) for u in by_duty.get("second_line", [])],
            "requesters": reqs, "req_cum": cum})

    service_types = {}
    for st in ServiceType.objects.all():
        cats = list(Category.objects.filter(service_type=st).values_list("pk", flat=True))
        service_types[st.code] = {"id": st.pk, "needs_on_site": st.needs_on_site,
                                  "categories": cats}
    return {"contracts": info, "service_types": service_types,
            "counts": {"clients": len(orgs), "contracts": len(contracts),
                       "end_users": len(people), "client_contacts": len(contacts),
                       "provider_staff": len(staff),
                       "desk_contracts": len(desk_served) + 2}}


# --- ticket generation (worker processes: no Django) --------------------------------------------
_CFG: dict = {}


def _init_worker(cfg: dict) -> None:
    _CFG.clear()
    _CFG.update(cfg)
    _CFG["_day_cache"] = {}


def _cum(pairs):
    values, cum, acc = [], [], 0.0
    for v, w in pairs:
        acc += w
        values.append(v)
        cum.append(acc)
    return values, cum


def gen_chunk(task: dict) -> tuple[str, str, dict]:
    """Tickets first_id.. first_id+count-1 filed between t0 and t1, numbered year-first_seq..;
    returns the COPY text of the tickets, of their entries, and counts."""
    cfg = _CFG
    rng = random.Random(task["seed"])
    now_ts = cfg["now"]
    contracts = cfg["contracts"]
    stypes = cfg["service_types"]
    day_cache = cfg["_day_cache"]
    choices, rand, randint, expo = rng.choices, rng.random, rng.randint, rng.expovariate

    def ts(t: float) -> str:
        t = int(t)
        d, r = divmod(t, DAY)
        p = day_cache.get(d)
        if p is None:
            p = day_cache[d] = datetime.fromtimestamp(d * DAY, UTC).strftime(
                "%Y-%m-%d ")
        h, r = divmod(r, 3600)
        m, s = divmod(r, 60)
        return f"{p}{h:02d}:{m:02d}:{s:02d}+00"

    # When: business-hours weighted, by rejection sampling inside [t0, t1).
    t0, t1, count = task["t0"], task["t1"], task["count"]
    hw_max = max(HOUR_WEIGHTS)
    times = []
    while len(times) < count:
        t = t0 + rand() * (t1 - t0)
        local = t + 8 * 3600
        w = HOUR_WEIGHTS[int(local % DAY) // 3600] / hw_max * WEEKDAY_WEIGHTS[
            (int(local // DAY) + 3) % 7]
        if rand() < w:
            times.append(t)
    times.sort()

    # Which contracts are in force, and their cumulative weights, per distinct start time.
    periods = []
    for start in sorted({c["start"] for c in contracts}, reverse=True):
        cands = [c for c in contracts if c["start"] <= start]
        periods.append((start, cands, list(_cum((c, c["weight"]) for c in cands)[1])))
    ch_values, ch_cum = _cum(CHANNELS)
    kind_values, kind_cum = _cum(KINDS)
    open_values, open_cum = _cum(OPEN_STATUS_WEIGHTS)
    fresh_values, fresh_cum = _cum(FRESH_STATUS_WEIGHTS)
    res_values, res_cum = _cum(RESOLUTION_WEIGHTS)
    st_desktop = _cum([("hardware", 35), ("software", 30), ("network", 12), ("security", 12),
                       ("asset", 5), ("meeting", 6)])
    st_server = _cum([("hardware", 40), ("software", 40), ("network", 20)])

    tickets_out, entries_out = [], []
    stats = {"tickets": 0, "entries": 0, "status": {}, "priority": {}}
    tid = task["first_id"]
    year, seq = task["year"], task["first_seq"]
    for c_at in times:
        # --- what -----------------------------------------------------------------------------
        for start, cands, cum in periods:
            if start <= c_at:
                break
        contract = choices(cands, cum_weights=cum)[0]
        req_id, site_id, phone = choices(contract["requesters"],
                                         cum_weights=contract["req_cum"])[0]
        st_vals, st_cum = st_server if contract["kind"] == "server" else st_desktop
        st_code = choices(st_vals, cum_weights=st_cum)[0]
        st = stypes[st_code]
        category = rng.choice(st["categories"]) if st["categories"] and rand() < 0.9 else None
        pr = rand() * 100
        priority = 1 if pr < PRIORITY_CUM[0] else 2 if pr < PRIORITY_CUM[1] else (
            3 if pr < PRIORITY_CUM[2] else 4)
        channel = choices(ch_values, cum_weights=ch_cum)[0]
        if contract["kind"] == "server" and rand() < 0.15:
            channel = "monitoring"
        kind = choices(kind_values, cum_weights=kind_cum)[0]
        title = rng.choice(TITLES[st_code])
        description = title + "。" + rng.choice(DETAILS)
        agents = contract["agents"]
        logged_by = req_id if channel == "portal" else rng.choice(agents)
        needs_on_site = st["needs_on_site"] if rand() < 0.8 else not st["needs_on_site"]
        location = f"{randint(1, 20)} 楼 {randint(1, 40):02d} 号工位" if rand() < 0.5 else ""

        # --- how far it got ---------------------------------------------------------------
        age_days = (now_ts - c_at) / DAY
        if age_days < 3.5 and rand() < 0.4:   # fixed, waiting for the requester's confirmation
            target = "resolved"
        elif rand() < 0.01 + 0.9 * math.exp(-age_days / 49):
            if age_days < 0.1:
                target = choices(fresh_values, cum_weights=fresh_cum)[0]
            else:
                target = choices(open_values, cum_weights=open_cum)[0]
        elif rand() < 0.04:
            target = "cancelled"
        else:
            target = "closed"

        # Events as (offset seconds, kind, action, from, to, body, detail, internal, author,
        # minutes); stamps as offsets.
        ev = []
        stamp = {}
        off = 0.0
        status = "submitted"
        assignee = 0
        dispatched = False
        escalated = ""
        pending_reason = before_pending = ""
        resolution_code = resolution_notes = ""
        first_line = auto_closed = False
        reopen_count = minutes = 0

        def add(action, to, author, body="", detail="", kind_="event", internal=False, mins=0):
            ev.append((off, kind_, action, status, to, body, detail, internal, author, mins))

        ev.append((0.0, "event", "create", "", "submitted", "", "", False, logged_by, 0))
        if target != "submitted":
            off += expo(1 / RESPONSE_MEAN[priority])
            accept_by_engineer = rand() < 0.15 and contract["engineers"]
            if accept_by_engineer:
                eng = rng.choice(contract["engineers"])
                add("accept", "accepted", eng[0])
                assignee = eng[0]
            else:
                add("accept", "accepted", rng.choice(agents))
            status = "accepted"
            stamp["accepted_at"] = off
        if target == "cancelled":
            off += expo(1 / 3600)
            add("cancel", "cancelled", req_id if rand() < 0.6 else rng.choice(agents),
                body="问题已自行解决，取消工单。")
            status = "cancelled"
            stamp["cancelled_at"] = off
        elif target not in ("submitted", "accepted"):
            first_line = (target in ("closed", "resolved", "reopened") and channel != "portal"
                          and rand() < 0.4 and not assignee)
            if not first_line:
                off += rand() * 3600 + 300
                if assignee:  # the engineer who accepted it takes it on
                    who = next(e for e in contract["engineers"] if e[0] == assignee)
                elif rand() < 0.05 or not contract["engineers"]:  # fixed remotely by the desk
                    who = rng.choice(contract["agent_pairs"])
                else:
                    who = rng.choice(contract["engineers"])
                add("dispatch", "dispatched", rng.choice(agents), detail=who[1])
                assignee = who[0]
                dispatched = True
                status = "dispatched"
                stamp["dispatched_at"] = off
                if target == "on_site" or (target != "dispatched" and needs_on_site
                                           and rand() < (0.5 if target == "pending" else 0.75)):
                    off += 1200 + rand() * 6000
                    add("check_in", "on_site", assignee)
                    status = "on_site"
                    stamp["arrived_at"] = off
            if rand() < 0.12 and target != "dispatched":  # a reply or an internal note
                off += rand() * 7200
                if rand() < 0.5:
                    ev.append((off, "reply", "", "", "", rng.choice(REPLIES), "", False, req_id,
                               0))
                else:
                    ev.append((off, "note", "", "", "", rng.choice(NOTES), "", True,
                               assignee or rng.choice(agents), 0))
            if target == "pending":
                reason, note = rng.choice(PEND_REASONS)
                off += rand() * 3 * 3600
                add("pend", "pending", assignee or rng.choice(agents), body=note, detail=reason)
                before_pending, pending_reason = status, reason
                status = "pending"
            elif target in ("closed", "resolved", "reopened"):
                if dispatched and rand() < 0.06:   # waited for a part, then resumed
                    reason, note = rng.choice(PEND_REASONS)
                    off += rand() * 3 * 3600
                    add("pend", "pending", assignee, body=note, detail=reason)
                    status = "pending"
                    off += DAY * (0.5 + rand() * 5)
                    add("resume", "dispatched", assignee)
                    status = "dispatched"
                if dispatched and contract["second_line"] and rand() < 0.03:
                    off += rand() * 7200
                    sl = rng.choice(contract["second_line"])
                    add("escalate", "dispatched", assignee, body="需要二线工程师协助。",
                        detail=f"second_line:{sl[1]}", internal=True)
                    assignee, escalated, status = sl[0], "second_line", "dispatched"
                off += 600 + expo(1 / (4 * 3600 if dispatched else 900))
                resolution_code = choices(res_values, cum_weights=res_cum)[0]
                resolution_notes = RESOLUTIONS[resolution_code]
                spent = randint(5, 30) if not dispatched else randint(15, 240)
                minutes += spent
                add("resolve", "resolved", assignee or rng.choice(agents), body=resolution_notes,
                    detail=resolution_code, mins=spent)
                status = "resolved"
                stamp["resolved_at"] = off
                if target == "reopened" or (target == "closed" and rand() < 0.02):
                    off += 1800 + rand() * 2 * DAY
                    add("reopen", "reopened", req_id, body="问题又出现了，请再看一下。")
                    status, first_line = "reopened", False
                    reopen_count = 1
                    stamp.pop("resolved_at")
                    if target == "closed":
                        off += 600 + expo(1 / (4 * 3600))
                        spent = randint(15, 120)
                        minutes += spent
                        add("resolve", "resolved", assignee or rng.choice(agents),
                            body=resolution_notes, detail=resolution_code, mins=spent)
                        status = "resolved"
                        stamp["resolved_at"] = off
                if target == "closed":
                    if rand() < 0.6:
                        off += 600 + rand() * 2 * DAY
                        add("confirm", "closed", req_id)
                    else:
                        off = stamp["resolved_at"] + 3 * DAY + rand() * 3600
                        add("auto_close", "closed", 0, detail="3")
                        auto_closed = True
                    status = "closed"
                    stamp["closed_at"] = off

        # Squeeze the timeline before now; a ticket not yet closed by now is resolved instead.
        limit = now_ts - c_at - 60
        if off > limit:
            if status == "closed" and stamp["resolved_at"] < limit:
                ev.pop()
                stamp.pop("closed_at")
                status, auto_closed = "resolved", False
                off = ev[-1][0]
            else:
                scale = max(limit, 0) / off
                ev = [(e[0] * scale, *e[1:]) for e in ev]
                stamp = {k: v * scale for k, v in stamp.items()}
                off *= scale
        first_line = first_line and not dispatched and status in ("resolved", "closed")

        # --- rows -------------------------------------------------------------------------
        year_seq = f"{year}-{seq:06d}"
        seq += 1
        st_stats = stats["status"]
        st_stats[status] = st_stats.get(status, 0) + 1
        stats["priority"][priority] = stats["priority"].get(priority, 0) + 1

        def ostamp(name):
            v = stamp.get(name)
            return "\\N" if v is None else ts(c_at + v)

        tickets_out.append("\t".join((
            str(tid), year_seq, kind, channel, str(priority), title, description, phone,
            location, status, "t" if needs_on_site or "arrived_at" in stamp else "f", pending_reason,
            before_pending, escalated, resolution_code, resolution_notes,
            "t" if first_line else "f", "t" if auto_closed else "f", str(reopen_count),
            str(minutes), "\\N", ts(c_at), ts(c_at + off), ostamp("accepted_at"),
            ostamp("dispatched_at"), ostamp("arrived_at"), ostamp("resolved_at"),
            ostamp("closed_at"), ostamp("cancelled_at"), str(assignee) if assignee else "\\N",
            str(category) if category else "\\N", str(contract["id"]), str(logged_by),
            str(req_id), str(st["id"]), str(site_id) if site_id else "\\N", "f", "1",
            "")) + "\n")  # message_id: none of these came by e-mail
        for e in ev:
            entries_out.append("\t".join((
                e[1], e[2], e[3], e[4], e[5], e[6], "t" if e[7] else "f", str(e[9]),
                ts(c_at + e[0]), str(e[8]) if e[8] else "\\N", str(tid))) + "\n")
        stats["entries"] += len(ev)
        tid += 1
    stats["tickets"] = len(times)
    stats["last_seq"] = seq - 1
    return "".join(tickets_out), "".join(entries_out), stats


TICKET_COLUMNS = (
    "id, number, kind, channel, priority, title, description, contact_phone, location, status, "
    "needs_on_site, pending_reason, status_before_pending, escalated_to, resolution_code, "
    "resolution_notes, first_line_resolution, auto_closed, reopen_count, time_spent_minutes, "
    "submission_key, created_at, updated_at, accepted_at, dispatched_at, arrived_at, "
    "resolved_at, closed_at, cancelled_at, assignee_id, category_id, contract_id, logged_by_id, "
    "requester_id, service_type_id, site_id, recurring_fault, version, message_id")
ENTRY_COLUMNS = ("kind, action, from_status, to_status, body, detail, internal, "
                 "time_spent_minutes, created_at, author_id, ticket_id")


def plan_chunks(n: int, now_ts: float, first_id: int, counters: dict, seed: int) -> list[dict]:
    """Split [now - 3 years, now) at UTC year boundaries and into chunks of ~CHUNK tickets,
    so each chunk knows its ticket ids and its first number of the year."""
    start = now_ts - YEARS * 365 * DAY
    bounds = [start]
    year = datetime.fromtimestamp(start, UTC).year + 1
    while True:
        b = datetime(year, 1, 1, tzinfo=UTC).timestamp()
        if b >= now_ts:
            break
        bounds.append(b)
        year += 1
    bounds.append(now_ts - 120)
    total = bounds[-1] - bounds[0]
    tasks, next_id, made = [], first_id, 0
    for i in range(len(bounds) - 1):
        a, b = bounds[i], bounds[i + 1]
        seg_n = (n - made if i == len(bounds) - 2
                 else round(n * (b - a) / total))
        made += seg_n
        yr = datetime.fromtimestamp(a, UTC).year
        seq = counters.get(yr, 0) + 1
        k = max(1, math.ceil(seg_n / CHUNK))
        for j in range(k):
            cnt = seg_n // k + (1 if j < seg_n % k else 0)
            ta, tb = a + (b - a) * j / k, a + (b - a) * (j + 1) / k
            tasks.append({"seed": seed * 100_003 + len(tasks), "t0": ta, "t1": tb, "count": cnt,
                          "first_id": next_id, "year": yr, "first_seq": seq})
            next_id += cnt
            seq += cnt
    return tasks


# --- main ---------------------------------------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--end-users", type=int, default=2000)
    parser.add_argument("--engineers", type=int, default=60)
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--workers", type=int, default=2,
                        help="generator processes (they share the 2 cores with PostgreSQL)")
    parser.add_argument("--now", type=float, default=None,
                        help="epoch seconds the data ends at (default: now); with the same "
                             "seed and --now the data set is identical")
    parser.add_argument("--reset", action="store_true", help="drop and recreate the database")
    args = parser.parse_args()

    os.environ.update(bench_env())
    url = os.environ["DATABASE_URL"]
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("DATABASE_URL must be a postgres:// URL")
    RESULTS.mkdir(parents=True, exist_ok=True)
    timer = Timer()
    log(f"database {urlsplit(url).path.lstrip('/')} on {urlsplit(url).hostname}")
    ensure_database(url, args.reset)
    timer.step("create database")
    manage("migrate", "--no-input", "-v", "0")
    timer.step("migrate")
    manage("load_demo")
    timer.step("load_demo")

    from common import setup_django

    setup_django()
    from django.db import connection, transaction

    from accounts.models import Organisation

    if Organisation.objects.filter(code=MARKER_ORG).exists():
        log("bulk data already present (use --reset to regenerate); nothing to do")
        return

    rng = random.Random(args.seed)
    now_ts = args.now or time.time()
    summary = {"tickets_requested": args.tickets, "seed": args.seed}
    with transaction.atomic():
        cfg = create_reference_data(rng, now_ts, args.end_users, args.engineers)
        cfg["now"] = now_ts
        summary["reference"] = cfg["counts"]
        timer.step("reference data (ORM)")
        with connection.cursor() as wrapper:
            cur = wrapper.cursor  # the psycopg cursor, in Django's transaction
            # Check the deferred foreign keys of the rows just made now: ALTER TABLE refuses to
            # run with trigger events pending.
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cur.execute("SET LOCAL maintenance_work_mem = '1GB'")
            cur.execute("SET LOCAL max_parallel_maintenance_workers = 2")
            cur.execute("SELECT year, last FROM tickets_ticketcounter")
            counters = dict(cur.fetchall())
            cur.execute("SELECT COALESCE(max(id), 0) FROM tickets_ticket")
            first_id = cur.fetchone()[0] + 1
            # Secondary indexes and foreign keys off for the load (unique ones stay).
            cur.execute("""
                SELECT c.relname, i.relname, pg_get_indexdef(i.oid)
                FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
                JOIN pg_class c ON c.oid = x.indrelid
                WHERE c.relname IN ('tickets_ticket', 'tickets_entry')
                  AND NOT x.indisunique AND NOT x.indisprimary ORDER BY 1, 2""")
            indexes = cur.fetchall()
            cur.execute("""
                SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
                FROM pg_constraint WHERE contype = 'f'
                  AND conrelid IN ('tickets_ticket'::regclass, 'tickets_entry'::regclass)
                ORDER BY 1, 2""")
            fkeys = cur.fetchall()
            for table, name, _def in fkeys:
                cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            for _table, name, _def in indexes:
                cur.execute(f'DROP INDEX "{name}"')
            timer.step(f"drop {len(indexes)} indexes, {len(fkeys)} foreign keys")

            tasks = plan_chunks(args.tickets, now_ts, first_id, counters, args.seed)
            stats = {"tickets": 0, "entries": 0, "status": {}, "priority": {}}
            last_seq = {}
            copy_wait = 0.0
            ctx = multiprocessing.get_context("spawn")
            with ctx.Pool(args.workers, initializer=_init_worker, initargs=(cfg,)) as pool:
                for i, (t_txt, e_txt, st) in enumerate(pool.imap(gen_chunk, tasks)):
                    w0 = time.perf_counter()
                    with cur.copy(f"COPY tickets_ticket ({TICKET_COLUMNS}) FROM STDIN") as cp:
                        cp.write(t_txt)
                    with cur.copy(f"COPY tickets_entry ({ENTRY_COLUMNS}) FROM STDIN") as cp:
                        cp.write(e_txt)
                    copy_wait += time.perf_counter() - w0
                    stats["tickets"] += st["tickets"]
                    stats["entries"] += st["entries"]
                    for key in ("status", "priority"):
                        for k, v in st[key].items():
                            stats[key][k] = stats[key].get(k, 0) + v
                    yr = tasks[i]["year"]
                    last_seq[yr] = max(last_seq.get(yr, 0), st["last_seq"])
                    if (i + 1) % 4 == 0 or i + 1 == len(tasks):
                        elapsed = time.perf_counter() - timer._last
                        log(f"    {stats['tickets']:>9,} tickets {stats['entries']:>10,} entries"
                            f"  {elapsed:6.1f} s  ({stats['tickets'] / elapsed:,.0f} tickets/s)")
            summary["copy_seconds_in_main"] = round(copy_wait, 1)
            timer.step("generate + COPY tickets and entries")

            for _table, name, definition in indexes:
                t = time.perf_counter()
                cur.execute(definition)
                log(f"    {name}: {time.perf_counter() - t:.1f} s")
            timer.step("recreate indexes")
            for table, name, definition in fkeys:
                cur.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            timer.step("re-add and validate foreign keys")

            for yr, last in last_seq.items():
                cur.execute("""
                    INSERT INTO tickets_ticketcounter (year, last) VALUES (%s, %s)
                    ON CONFLICT (year) DO UPDATE
                    SET last = GREATEST(tickets_ticketcounter.last, EXCLUDED.last)""", [yr, last])
            for table in ("tickets_ticket", "tickets_entry"):
                cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                            f"(SELECT max(id) FROM {table}))")
            timer.step("counters and sequences")
    timer.step("commit")
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    timer.step("VACUUM ANALYZE")

    with connection.cursor() as cur:
        cur.execute("SELECT pg_size_pretty(pg_database_size(current_database())), "
                    "pg_size_pretty(pg_total_relation_size('tickets_ticket')), "
                    "pg_size_pretty(pg_total_relation_size('tickets_entry'))")
        db_size, t_size, e_size = cur.fetchone()
        cur.execute("SELECT year, last FROM tickets_ticketcounter ORDER BY year")
        summary["counters"] = dict(cur.fetchall())
    from common import subjects

    n = stats["tickets"]
    summary.update({
        "tickets": n, "entries": stats["entries"],
        "entries_per_ticket": round(stats["entries"] / max(n, 1), 2),
        "status_pct": {k: round(100 * v / n, 2) for k, v in sorted(stats["status"].items())},
        "priority_pct": {f"P{k}": round(100 * v / n, 2)
                         for k, v in sorted(stats["priority"].items())},
        "open_pct": round(100 * sum(v for k, v in stats["status"].items() if k in OPEN) / n, 2),
        "sizes": {"database": db_size, "tickets_ticket": t_size, "tickets_entry": e_size},
        "timings_s": timer.steps, "total_s": round(time.perf_counter() - timer.t0, 1),
        "subjects": subjects(),
    })
    (RESULTS / "generate.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False))
    log(json.dumps(summary, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
