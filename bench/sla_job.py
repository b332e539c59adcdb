#!/usr/bin/env python
"""The SLA minute job (`sla.escalation.escalations_run`) at volume: 1,000,000 open tickets.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/itsm_slabench \
        .venv/bin/python bench/sla_job.py --tickets 1000000 --due 10000

Load (skipped when the database already holds the bulk data; --reset drops it first): create
the database, `migrate`, `load_demo`, three extra contracts (BENCH-6X12, BENCH-5X8,
BENCH-7X24 on the default ladder) and a WeCom robot on DEMO-SERVER, then in ONE transaction
N open tickets (submitted / accepted / dispatched / on_site) and their clocks, loaded with
COPY (secondary indexes and foreign keys of tickets_ticket and sla_clock dropped for the load
and recreated after). Every running clock was last (re)started at the anchor instant T, with
stored deadlines computed on its calendar the way `sla.clocks._schedule` does, so all of them
lie after T and `next_check_at` = `warn_at`; `--due` of them are then moved into the past
(`due_at` 1 min … `--overdue-max` min before T, `warn_at` the warning share of the target
earlier, `next_check_at` = `warn_at`). Then VACUUM ANALYZE. T and the id ranges are kept in the
database's comment, so a later run measures against the same instant.

Measure:
  a. `escalations_run(now=…)` with nothing due (an instant before every next_check_at), median
     of --runs runs; the SQL it runs; EXPLAIN ANALYZE of its due-clock query.
  b. one run at T over the --due clocks: time, escalations and notifications made, and a second
     run that must fire nothing;
     b2. the queries per due clock, on a further batch of --profile-due clocks (counted with a
     light execute wrapper, with time spent in SQL, in rendering and in publishing), and a
     cProfile of that run (results/sla_job-b2.prof);
     b3. one run over a further --due clocks with the wall and CPU seconds inside the job's
     main functions (wrapped for the run, no profiler); with two connections at work (a
     backlog) the phases of both threads add up and CPU is the whole process's;
  c. two processes running the job at once over a fresh batch of --due clocks: each
     (clock, rule) exactly once, nothing missing, and the total time;
  d. 100,000 deadlines (`add_minutes`) on the DEMO-DESKTOP calendar via `calendar_for`.

Run again on the loaded database, it measures only, each batch made due afresh from clocks
that never escalated (T stays the same). --mode warning makes those batches cross only their
warning (one rung per clock) instead of being overdue; --steps picks measurements, e.g.

    .venv/bin/python bench/sla_job.py --mode warning --steps a,b,b2,c \
        --out bench/results/sla_job-warning.json

Notifications are published on commit to Redis (REDIS_URL, default redis://127.0.0.1:6379/0)
on the queue CELERY_QUEUE (default slabench) that nobody consumes; its keys are deleted at the
end. Results: bench/results/sla_job.json.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import multiprocessing
import os
import pstats
import random
import re
import statistics
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/itsm_slabench")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
os.environ.setdefault("CELERY_QUEUE", "slabench")
from common import CODE, RESULTS  # noqa: E402

os.environ.setdefault("ITSM_VAR_DIR", str(RESULTS / "slajob-var"))
from common import bench_env, setup_django  # noqa: E402
from cpu import wait_quiet  # noqa: E402
from generate import ensure_database, manage  # noqa: E402

DAY = 86400
CHUNK = 25_000
STATUS_WEIGHTS = [("submitted", 15), ("accepted", 20), ("dispatched", 45), ("on_site", 20)]
PRIORITY_CUM = [2, 12, 72, 100]  # P1 2 %, P2 10 %, P3 60 %, P4 28 %
ST_WEIGHTS = {"hardware": 35, "software": 30, "network": 12, "security": 12, "asset": 5,
              "meeting": 6}
SERVER_TYPES = {"hardware", "software", "network"}
CONTRACT_WEIGHTS = {"DEMO-DESKTOP": 45, "DEMO-SERVER": 35, "BENCH-6X12": 8, "BENCH-5X8": 6,
                    "BENCH-7X24": 6}
TITLES = ["电脑无法开机", "打印机卡纸", "无法上网", "VPN 无法连接", "Outlook 无法收取邮件",
          "服务器硬盘告警", "存储阵列控制器告警", "财务系统报错", "显示器黑屏", "域账号被锁定"]
EXTRA_CONTRACTS = [("BENCH-6X12", "6x12", "desktop"), ("BENCH-5X8", "5x8", "desktop"),
                   ("BENCH-7X24", "7x24", "server")]
TICKET_COLUMNS = [
    "id", "number", "kind", "channel", "priority", "title", "description", "contact_phone",
    "location", "status", "needs_on_site", "pending_reason", "status_before_pending",
    "escalated_to", "resolution_code", "resolution_notes", "first_line_resolution",
    "auto_closed", "reopen_count", "time_spent_minutes", "submission_key", "created_at",
    "updated_at", "accepted_at", "dispatched_at", "arrived_at", "resolved_at", "closed_at",
    "cancelled_at", "assignee_id", "category_id", "contract_id", "logged_by_id", "requester_id",
    "service_type_id", "site_id", "sla_due_at", "recurring_fault", "version", "message_id"]
CLOCK_COLUMNS = [
    "ticket_id", "kind", "calendar_id", "target_seconds", "warning_percent", "started_at",
    "running_since", "consumed_seconds", "paused_since", "paused_seconds", "due_at", "warn_at",
    "next_check_at", "provisional", "stopped_at", "met", "breached_at"]
N = "\\N"


def log(msg: str = "") -> None:
    print(msg, flush=True)


# ================================================================================================
# Load
# ================================================================================================
def db_meta(cur) -> dict | None:
    cur.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                "WHERE datname = current_database()")
    row = cur.fetchone()
    try:
        meta = json.loads(row[0]) if row and row[0] else None
    except ValueError:
        return None
    return meta if isinstance(meta, dict) and "anchor" in meta else None


def extra_reference_data(webhook: bool) -> None:
    """Three more contracts on the default ladder, and a chat robot on DEMO-SERVER (idempotent)."""
    from accounts.models import Department, Organisation, Site, User
    from accounts.roles import Role
    from demo.sla import DESKTOP, SERVER
    from notifications.models import ChatWebhook
    from sla.models import Contract, ContractMember, ServiceCalendar, Target
    from tickets.models import ServiceType

    provider = Organisation.objects.get(code="HUAXIN-OPS")
    client, _ = Organisation.objects.get_or_create(
        code="SLABENCH", defaults={"name": "压测客户有限公司", "kind": Organisation.Kind.CLIENT,
                                   "address": "上海市浦东新区压测路 1 号"})
    dept, _ = Department.objects.get_or_create(organisation=client, name="信息部")
    site, _ = Site.objects.get_or_create(organisation=client, name="压测大楼",
                                         defaults={"address": "上海市浦东新区压测路 1 号"})
    User.objects.get_or_create(username="slab-user", defaults={
        "name": "压测用户", "role": Role.END_USER, "organisation": client, "department": dept,
        "site": site, "email": "slab-user@slabench.example", "phone": "13600000001",
        "is_active": True})
    people = {u.username: u for u in User.objects.filter(
        username__in=["pm", "desk", "engineer", "majun", "delivery"])}
    today = date.today()
    for code, cal_code, kind in EXTRA_CONTRACTS:
        contract, created = Contract.objects.get_or_create(code=code, defaults={
            "name": f"压测合同 {code}", "client": client, "provider": provider,
            "starts_on": today - timedelta(days=120), "ends_on": today + timedelta(days=300),
            "calendar": ServiceCalendar.objects.get(code=cal_code),
            "project_manager": people["pm"]})
        if created:
            contract.sites.set([site])
            for username, duty in (("desk", ContractMember.Duty.AGENT),
                                   ("engineer", ContractMember.Duty.ENGINEER),
                                   ("majun", ContractMember.Duty.ENGINEER),
                                   ("delivery", ContractMember.Duty.DELIVERY_MANAGER)):
                ContractMember.objects.create(contract=contract, user=people[username], duty=duty)
            for st in ServiceType.objects.all():
                minutes = SERVER if kind == "server" else DESKTOP.get(st.code, (10, 20, 120))
                for priority in (1, 2, 3, 4):
                    Target.objects.create(contract=contract, service_type=st, priority=priority,
                                          response_minutes=minutes[0],
                                          arrival_minutes=minutes[1],
                                          resolution_minutes=minutes[2])
    if webhook:
        robot, _ = ChatWebhook.objects.get_or_create(
            name="slabench robot", defaults={
                "kind": ChatWebhook.Kind.WECOM,
                "url": "http://127.0.0.1:9/cgi-bin/webhook/send?key=slabench"})
        Contract.objects.get(code="DEMO-SERVER").webhooks.add(robot)


def generation_config(anchor: int) -> dict:
    """Plain data the generator processes need (they run without Django)."""
    from accounts.models import User
    from accounts.roles import CLIENT_ROLES
    from sla.holidays import calendar_days
    from sla.models import Contract, ContractMember, ServiceCalendar, Target
    from tickets.models import Category, ServiceType

    closed, makeup, confirmed = calendar_days("CN")
    calendars = {c.pk: (c.hours, c.holidays, c.time_zone) for c in ServiceCalendar.objects.all()}
    contracts = []
    for contract in Contract.objects.filter(code__in=CONTRACT_WEIGHTS):
        members = ContractMember.objects.filter(contract=contract)
        agents = [m.user_id for m in members if m.duty == ContractMember.Duty.AGENT]
        engineers = [m.user_id for m in members
                     if m.duty in (ContractMember.Duty.ENGINEER, ContractMember.Duty.SECOND_LINE)]
        requesters = [(u.pk, u.site_id or 0, u.phone) for u in User.objects.filter(
            organisation_id=contract.client_id, role__in=CLIENT_ROLES)]
        contracts.append({"id": contract.pk, "code": contract.code,
                          "weight": CONTRACT_WEIGHTS[contract.code],
                          "server": contract.code.endswith("SERVER")
                          or contract.code.endswith("7X24"),
                          "agents": agents, "engineers": engineers, "requesters": requesters})
    targets = {}
    for t in Target.objects.select_related("contract"):
        targets[f"{t.contract_id}:{t.service_type_id}:{t.priority}"] = (
            t.response_minutes, t.arrival_minutes, t.resolution_minutes, t.warning_percent,
            t.calendar_id or t.contract.calendar_id)
    service_types = [{"id": st.pk, "code": st.code, "needs_on_site": st.needs_on_site,
                      "categories": list(Category.objects.filter(service_type=st)
                                         .values_list("pk", flat=True))}
                     for st in ServiceType.objects.filter(active=True)]
    return {"anchor": anchor, "calendars": calendars, "days": (closed, makeup, confirmed),
            "contracts": contracts, "targets": targets, "service_types": service_types}


_CFG: dict = {}


def _init_worker(cfg: dict) -> None:
    from sla.calendar import BusinessCalendar  # pure Python, no Django

    _CFG.clear()
    _CFG.update(cfg)
    closed, makeup, confirmed = cfg["days"]
    cals = {}
    for pk, (hours, holidays, tz) in cfg["calendars"].items():
        if holidays.upper() == "CN":  # as sla.holidays.build_calendar does
            cals[pk] = BusinessCalendar(hours, tz, closed_days=closed, makeup_days=makeup,
                                        confirmed_years=confirmed)
        else:
            cals[pk] = BusinessCalendar(hours, tz)
    _CFG["cal"] = cals


def _ts(t: float) -> str:
    return datetime.fromtimestamp(int(t), UTC).isoformat()


def gen_chunk(task: dict) -> tuple[str, str, dict]:
    """COPY text of tickets first_id … first_id+count-1 and of their clocks, and counts."""
    cfg = _CFG
    rng = random.Random(task["seed"])
    rand, choice, choices = rng.random, rng.choice, rng.choices
    T = cfg["anchor"]
    t_dt = datetime.fromtimestamp(T, UTC)
    year_start = datetime(t_dt.year, 1, 1, tzinfo=UTC).timestamp()
    oldest = max(T - 60 * DAY, year_start + 3600)
    newest = T - 4 * 3600
    contracts = cfg["contracts"]
    c_cum = []
    acc = 0
    for c in contracts:
        acc += c["weight"]
        c_cum.append(acc)
    stypes = cfg["service_types"]
    st_all = [(s, ST_WEIGHTS.get(s["code"], 5)) for s in stypes]
    st_server = [(s, w) for s, w in st_all if s["code"] in SERVER_TYPES] or st_all
    st_lists = {False: ([s for s, _ in st_all], [w for _, w in st_all]),
                True: ([s for s, _ in st_server], [w for _, w in st_server])}
    statuses = [s for s, _ in STATUS_WEIGHTS]
    s_weights = [w for _, w in STATUS_WEIGHTS]
    targets, cals = cfg["targets"], cfg["cal"]
    t_anchor = datetime.fromtimestamp(T, UTC)
    t_iso = t_anchor.isoformat()

    tickets_out, clocks_out = [], []
    stats = Counter()
    tid, seq = task["first_id"], task["first_seq"]
    for _ in range(task["count"]):
        contract = choices(contracts, cum_weights=c_cum)[0]
        sts, stw = st_lists[contract["server"]]
        st = choices(sts, weights=stw)[0]
        pr = rand() * 100
        priority = 1 if pr < PRIORITY_CUM[0] else 2 if pr < PRIORITY_CUM[1] else (
            3 if pr < PRIORITY_CUM[2] else 4)
        status = choices(statuses, weights=s_weights)[0]
        needs_on_site = st["needs_on_site"] if rand() < 0.8 else not st["needs_on_site"]
        resp_min, arr_min, res_min, wp, cal_id = targets[
            f"{contract['id']}:{st['id']}:{priority}"]
        if status == "on_site":  # checked in: there was an arrival clock
            if arr_min:
                needs_on_site = True
            else:
                status = "dispatched"
        cal = cals[cal_id]
        created = oldest + rand() * (newest - oldest)
        c_dt = datetime.fromtimestamp(int(created), UTC)
        created = c_dt.timestamp()

        kinds = [("response", resp_min * 60)]
        if needs_on_site and arr_min:
            kinds.append(("arrival", arr_min * 60))
        kinds.append(("resolution", res_min * 60))
        # Milestones reached, stopping the response (accept) and arrival (check-in) clocks on
        # time: each lies before the clock's deadline and before T.
        resp_due = cal.add(c_dt, kinds[0][1]).timestamp()
        accepted = dispatched = arrived = None
        arr_due = None
        if status == "on_site":
            arr_due = cal.add(c_dt, kinds[1][1]).timestamp()
            arrived = created + (0.5 + 0.45 * rand()) * (min(arr_due, T - 60) - created)
            dispatched = created + (0.3 + 0.6 * rand()) * (arrived - created)
            accepted = created + (0.2 + 0.7 * rand()) * (min(dispatched, resp_due) - created)
        elif status in ("accepted", "dispatched"):
            accepted = created + (0.2 + 0.7 * rand()) * (min(resp_due, T - 60) - created)
            if status == "dispatched":
                dispatched = accepted + (0.1 + 0.8 * rand()) * (T - 60 - accepted)
        stopped = {"response": accepted, "arrival": arrived}
        if status == "submitted":
            assignee = 0
        elif status == "accepted":
            assignee = choice(contract["engineers"]) if rand() < 0.6 else 0
        else:
            assignee = choice(contract["engineers"])
        sla_due = None
        for kind, target in kinds:
            stop = stopped.get(kind)
            if stop is not None:  # stopped, met
                due = arr_due if kind == "arrival" else resp_due
                warn = cal.add(c_dt, target * wp // 100)
                clocks_out.append("\t".join((
                    str(tid), kind, str(cal_id), str(target), str(wp), c_dt.isoformat(),
                    c_dt.isoformat(), "0", N, "0", _ts(due), warn.isoformat(), N, "f",
                    _ts(stop), "t", N)) + "\n")
                stats["clocks_stopped"] += 1
                continue
            # Running, last (re)started at T with `consumed` business seconds already used:
            # exactly sla.clocks._schedule(clock, T).
            warn_share = target * wp // 100
            consumed = int(rand() * max(0, warn_share - 60))
            remaining = target - consumed
            warn_left = warn_share - consumed
            due_dt = cal.add(t_anchor, remaining)
            warn_dt = cal.add(t_anchor, warn_left)
            provisional = cal.is_provisional(t_anchor, due_dt)
            warn_iso = warn_dt.isoformat()
            clocks_out.append("\t".join((
                str(tid), kind, str(cal_id), str(target), str(wp), c_dt.isoformat(), t_iso,
                str(consumed), N, "0", due_dt.isoformat(), warn_iso, warn_iso,
                "t" if provisional else "f", N, N, N)) + "\n")
            stats["clocks_running"] += 1
            if sla_due is None or due_dt < sla_due:
                sla_due = due_dt
        updated = max(x for x in (created, accepted, dispatched, arrived) if x is not None)
        channel = "portal" if rand() < 0.5 else "phone"
        req_id, site_id, phone = choice(contract["requesters"])
        logged_by = req_id if channel == "portal" else choice(contract["agents"])
        category = choice(st["categories"]) if st["categories"] and rand() < 0.9 else None
        title = choice(TITLES)
        row = {
            "id": str(tid), "number": f"{task['year']}-{seq:06d}",
            "kind": "fault" if rand() < 0.75 else "request", "channel": channel,
            "priority": str(priority), "title": title, "description": title + "。压测数据。",
            "contact_phone": phone or "", "location": "", "status": status,
            "needs_on_site": "t" if needs_on_site else "f", "pending_reason": "",
            "status_before_pending": "", "escalated_to": "", "resolution_code": "",
            "resolution_notes": "", "first_line_resolution": "f", "auto_closed": "f",
            "reopen_count": "0", "time_spent_minutes": "0", "submission_key": N,
            "created_at": _ts(created), "updated_at": _ts(updated),
            "accepted_at": _ts(accepted) if accepted else N,
            "dispatched_at": _ts(dispatched) if dispatched else N,
            "arrived_at": _ts(arrived) if arrived else N, "resolved_at": N, "closed_at": N,
            "cancelled_at": N, "assignee_id": str(assignee) if assignee else N,
            "category_id": str(category) if category else N, "contract_id": str(contract["id"]),
            "logged_by_id": str(logged_by), "requester_id": str(req_id),
            "service_type_id": str(st["id"]), "site_id": str(site_id) if site_id else N,
            "sla_due_at": sla_due.isoformat() if sla_due else N,
            # not a recurring fault, first version, none came by e-mail
            "recurring_fault": "f", "version": "1", "message_id": ""}
        tickets_out.append("\t".join(row[c] for c in TICKET_COLUMNS) + "\n")
        stats[f"status_{status}"] += 1
        stats["assigned"] += 1 if assignee else 0
        tid += 1
        seq += 1
    stats["tickets"] = task["count"]
    return "".join(tickets_out), "".join(clocks_out), dict(stats)


def check_columns(cur, table: str, columns: list[str]) -> None:
    """Refuse to load when the table's columns changed under us (app code is edited
    concurrently): every NOT NULL column without a default must be in `columns`."""
    cur.execute("""SELECT column_name, is_nullable, column_default, is_identity
                   FROM information_schema.columns WHERE table_name = %s""", [table])
    rows = cur.fetchall()
    names = {r[0] for r in rows}
    unknown = [c for c in columns if c not in names]
    required = [r[0] for r in rows if r[1] == "NO" and r[2] is None and r[3] != "YES"
                and r[0] not in columns and r[0] != "id"]
    if unknown or required:
        sys.exit(f"{table}: the schema changed (unknown {unknown}, not loaded {required}); "
                 f"update bench/sla_job.py")


def arm(cur, anchor: int, n: int, first_clock_id: int, rng: random.Random,
        overdue_max_s: int, mode: str = "overdue") -> list[int]:
    """Make `n` running bulk clocks that never escalated come due at T; the tickets'
    sla_due_at follow. Returns the clock ids.

    overdue: due_at 1 min … overdue_max before T, warn_at the warning share of the target
    (wall time) before that, next_check_at = warn_at (the warning and one to three breach rungs
    are due). warning: warn_at = next_check_at 30 s … 5 min before T, due_at the rest of the
    target (wall time) later but at least a minute after T (only the warning rung is due)."""
    T = datetime.fromtimestamp(anchor, UTC)
    cur.execute("SELECT max(id) FROM sla_clock")
    last = cur.fetchone()[0]
    picked: list[int] = []
    while len(picked) < n:
        cands = sorted({rng.randint(first_clock_id, last) for _ in range(4 * (n - len(picked)))}
                       - set(picked))
        cur.execute("""
            SELECT c.id FROM unnest(%s::bigint[]) AS x(id) JOIN sla_clock c ON c.id = x.id
            WHERE c.stopped_at IS NULL AND c.paused_since IS NULL
              AND c.breached_at IS NULL AND c.next_check_at > %s
              AND NOT EXISTS (SELECT 1 FROM sla_escalation e WHERE e.clock_id = c.id)""",
                    [cands, T])
        found = [r[0] for r in cur.fetchall()]
        rng.shuffle(found)
        picked += found[:n - len(picked)]
    share = "make_interval(secs => c.target_seconds - c.target_seconds * c.warning_percent / 100)"
    if mode == "warning":
        warns = [T - timedelta(seconds=rng.randint(30, 300)) for _ in picked]
        cur.execute(f"""
            UPDATE sla_clock c
            SET warn_at = d.t, next_check_at = d.t,
                due_at = GREATEST(%s::timestamptz + interval '60 seconds', d.t + {share})
            FROM (SELECT unnest(%s::bigint[]) AS id, unnest(%s::timestamptz[]) AS t) d
            WHERE c.id = d.id""", [T, picked, warns])
    else:
        dues = [T - timedelta(seconds=rng.randint(60, overdue_max_s)) for _ in picked]
        cur.execute(f"""
            UPDATE sla_clock c
            SET due_at = d.t, warn_at = d.t - {share}, next_check_at = d.t - {share}
            FROM (SELECT unnest(%s::bigint[]) AS id, unnest(%s::timestamptz[]) AS t) d
            WHERE c.id = d.id""", [picked, dues])
    cur.execute("""
        UPDATE tickets_ticket t SET sla_due_at = LEAST(t.sla_due_at, x.due)
        FROM (SELECT c.ticket_id, min(c.due_at) AS due
              FROM unnest(%s::bigint[]) AS x(id) JOIN sla_clock c ON c.id = x.id
              GROUP BY c.ticket_id) x
        WHERE t.id = x.ticket_id""", [picked])
    return picked


def load(args, anchor: int) -> dict:
    from django.db import connection, transaction

    from sla.escalation import escalations_run

    t_all = time.perf_counter()
    steps = {}

    def step(name, t0):
        steps[name] = round(time.perf_counter() - t0, 1)
        log(f"  {name}: {steps[name]} s")
        return time.perf_counter()

    t = time.perf_counter()
    extra_reference_data(webhook=not args.no_webhook)
    # Demo clocks already due at T are handled now, so the batches below are all that is due.
    drained = escalations_run(now=datetime.fromtimestamp(anchor, UTC))
    log(f"  demo clocks due at T handled first: {drained} escalations")
    cfg = generation_config(anchor)
    t = step("extra contracts, config", t)

    rng = random.Random(args.seed)
    with transaction.atomic(), connection.cursor() as wrapper:
        cur = wrapper.cursor
        check_columns(cur, "tickets_ticket", TICKET_COLUMNS)
        check_columns(cur, "sla_clock", CLOCK_COLUMNS)
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cur.execute("SET LOCAL maintenance_work_mem = '1GB'")
        cur.execute("SET LOCAL max_parallel_maintenance_workers = 2")
        year = datetime.fromtimestamp(anchor, UTC).year
        cur.execute("SELECT last FROM tickets_ticketcounter WHERE year = %s", [year])
        row = cur.fetchone()
        first_seq = (row[0] if row else 0) + 1
        cur.execute("SELECT COALESCE(max(id), 0) FROM tickets_ticket")
        first_id = cur.fetchone()[0] + 1
        cur.execute("SELECT COALESCE(max(id), 0) FROM sla_clock")
        first_clock_id = cur.fetchone()[0] + 1
        cur.execute("""
                SELECT c.relname, i.relname, pg_get_indexdef(i.oid)
                FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
                JOIN pg_class c ON c.oid = x.indrelid
                WHERE c.relname IN ('tickets_ticket', 'sla_clock')
                  AND NOT x.indisunique AND NOT x.indisprimary ORDER BY 1, 2""")
        indexes = cur.fetchall()
        cur.execute("""
                SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
                FROM pg_constraint WHERE contype = 'f'
                  AND conrelid IN ('tickets_ticket'::regclass, 'sla_clock'::regclass)
                ORDER BY 1, 2""")
        fkeys = cur.fetchall()
        for table, name, _def in fkeys:
            cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for _table, name, _def in indexes:
            cur.execute(f'DROP INDEX "{name}"')
        t = step(f"drop {len(indexes)} indexes, {len(fkeys)} foreign keys", t)

        tasks, nid, nseq = [], first_id, first_seq
        for i in range(0, args.tickets, CHUNK):
            cnt = min(CHUNK, args.tickets - i)
            tasks.append({"seed": args.seed * 1_000_003 + i, "first_id": nid, "count": cnt,
                          "first_seq": nseq, "year": year})
            nid += cnt
            nseq += cnt
        stats = Counter()
        ctx = multiprocessing.get_context("spawn")
        with ctx.Pool(args.workers, initializer=_init_worker, initargs=(cfg,)) as pool:
            for k, (t_txt, c_txt, st) in enumerate(pool.imap(gen_chunk, tasks)):
                with cur.copy(f"COPY tickets_ticket ({', '.join(TICKET_COLUMNS)}) "
                              "FROM STDIN") as cp:
                    cp.write(t_txt)
                with cur.copy(f"COPY sla_clock ({', '.join(CLOCK_COLUMNS)}) "
                              "FROM STDIN") as cp:
                    cp.write(c_txt)
                stats.update(st)
                if (k + 1) % 8 == 0 or k + 1 == len(tasks):
                    el = time.perf_counter() - t
                    log(f"    {stats['tickets']:>9,} tickets "
                        f"{stats['clocks_running'] + stats['clocks_stopped']:>10,} clocks "
                        f"{el:6.1f} s")
        t = step("generate + COPY", t)
        for _table, name, definition in indexes:
            cur.execute(definition)
        t = step("recreate indexes", t)
        for table, name, definition in fkeys:
            cur.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        t = step("re-add and validate foreign keys", t)
        cur.execute("""
                INSERT INTO tickets_ticketcounter (year, last) VALUES (%s, %s)
                ON CONFLICT (year) DO UPDATE
                SET last = GREATEST(tickets_ticketcounter.last, EXCLUDED.last)""",
                    [year, nseq - 1])
        cur.execute("SELECT setval(pg_get_serial_sequence('tickets_ticket', 'id'), "
                    "(SELECT max(id) FROM tickets_ticket))")
        cur.execute("ANALYZE tickets_ticket")
        cur.execute("ANALYZE sla_clock")
        armed = arm(cur, anchor, args.due, first_clock_id, rng, args.overdue_max * 60)
        meta = {"anchor": anchor, "anchor_iso": datetime.fromtimestamp(anchor, UTC)
                .isoformat(), "first_ticket_id": first_id, "first_clock_id": first_clock_id,
                "tickets": args.tickets, "seed": args.seed, "batch_a": len(armed)}
        dbname = urlsplit(os.environ["DATABASE_URL"]).path.lstrip("/")
        cur.execute(f'COMMENT ON DATABASE "{dbname}" IS %s', [json.dumps(meta)])
        t = step(f"counters, {len(armed)} clocks made due", t)
    t = step("commit", t)
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    step("VACUUM ANALYZE", t)
    steps["total"] = round(time.perf_counter() - t_all, 1)
    return {"steps_s": steps, "stats": dict(stats)}


# ================================================================================================
# Measure
# ================================================================================================
class QueryCounter:
    """connection.execute_wrapper: counts statements by kind and table, and time in SQL."""

    _table = re.compile(r'(?:FROM|INTO|UPDATE)\s+"(\w+)"')

    def __init__(self):
        self.counts: Counter = Counter()
        self.times: Counter = Counter()
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent = time.perf_counter() - t0
            self.seconds += spent
            head = sql.lstrip()[:30].upper()
            if head.startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
                key = head.split(" ")[0] + (" SAVEPOINT" if head.startswith(("RELEASE",
                                                                              "ROLLBACK")) else "")
            else:
                m = self._table.search(sql)
                key = f"{head.split(' ')[0]} {m.group(1) if m else '?'}"
                if "FOR UPDATE" in sql:
                    key += " FOR UPDATE"
            self.counts[key] += 1
            self.times[key] += spent


class PhaseTimers:
    """Wall and CPU seconds inside the job's main functions, by wrapping them for one run (b3):
    cheap enough (a few hundred calls) not to distort what it measures, unlike cProfile."""

    TARGETS = (("sla.escalation", "_claim"), ("sla.escalation", "_plan"),
               ("sla.escalation", "_fire"), ("sla.escalation", "_save_clocks"),
               ("sla.escalation", "insert_new"), ("sla.escalation", "notifications_enqueue_many"),
               ("notifications.services", "_by_preference"),
               ("notifications.services", "insert_new"), ("notifications.inbox", "insert_new"),
               ("notifications.inbox", "in_app_add_many"),
               ("notifications.services", "_publish_many"),
               ("django.db.backends.base.base", "BaseDatabaseWrapper.commit"))

    def __init__(self):
        self.seen: dict[str, list] = {}

    @contextlib.contextmanager
    def installed(self):
        import importlib

        originals = []
        for module_name, name in self.TARGETS:
            owner = importlib.import_module(module_name)
            *path, name = name.split(".")  # a method: Class.method
            for part in path:
                owner = getattr(owner, part)
            original = owner.__dict__.get(name)
            if original is None:
                continue
            originals.append((owner, name, original))
            setattr(owner, name, self._timed(f"{module_name}.{'.'.join([*path, name])}",
                                             original))
        try:
            yield self
        finally:
            for owner, name, original in originals:
                setattr(owner, name, original)

    def _timed(self, label: str, function):
        seen = self.seen.setdefault(label, [0.0, 0.0, 0])

        def timed(*args, **kwargs):
            t0, c0 = time.perf_counter(), time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                seen[0] += time.perf_counter() - t0
                seen[1] += time.process_time() - c0
                seen[2] += 1
        return timed

    def report(self) -> dict:
        return {label: (round(wall, 3), round(cpu, 3), calls)
                for label, (wall, cpu, calls) in self.seen.items() if calls}


def counts(cur) -> dict:
    cur.execute("SELECT COALESCE(max(id), 0), count(*) FROM sla_escalation")
    e_max, e_n = cur.fetchone()
    cur.execute("SELECT COALESCE(max(id), 0), count(*) FROM notifications_notification")
    n_max, n_n = cur.fetchone()
    return {"esc_max": e_max, "esc": e_n, "notif_max": n_max, "notif": n_n}


def made_since(cur, before: dict) -> dict:
    cur.execute("""SELECT r.level, count(*) FROM sla_escalation e
                   JOIN sla_escalationrule r ON r.id = e.rule_id WHERE e.id > %s
                   GROUP BY 1 ORDER BY 1""", [before["esc_max"]])
    by_level = {f"L{lv}": n for lv, n in cur.fetchall()}
    cur.execute("""SELECT channel, count(*) FROM notifications_notification WHERE id > %s
                   GROUP BY 1 ORDER BY 1""", [before["notif_max"]])
    by_channel = dict(cur.fetchall())
    return {"escalations": sum(by_level.values()), "escalations_by_level": by_level,
            "notifications": sum(by_channel.values()), "notifications_by_channel": by_channel}


def redis_client():
    import redis

    return redis.Redis.from_url(os.environ["REDIS_URL"])


def queue_len() -> int | None:
    try:
        return redis_client().llen(os.environ["CELERY_QUEUE"])
    except Exception:  # noqa: BLE001 - a figure, not a requirement
        return None


def expected_rungs(cur, clock_ids: list[int], now: datetime) -> set[tuple[int, int]]:
    """(clock, rule) pairs that must have fired by `now`, from the clocks' instants."""
    from sla.escalation import rules_for
    from sla.models import EscalationRule

    cur.execute("""SELECT c.id, c.kind, c.warn_at, c.due_at, t.priority, t.contract_id
                   FROM unnest(%s::bigint[]) AS x(id) JOIN sla_clock c ON c.id = x.id
                   JOIN tickets_ticket t ON t.id = c.ticket_id""", [clock_ids])
    cache: dict = {}
    want = set()
    for cid, kind, warn_at, due_at, priority, contract_id in cur.fetchall():
        for rule in rules_for(contract_id, cache):
            if not rule.applies_to(kind, priority):
                continue
            instant = warn_at if rule.trigger == EscalationRule.Trigger.WARNING else (
                due_at + timedelta(minutes=rule.offset_minutes))
            if instant <= now:
                want.add((cid, rule.pk))
    return want


def fired_rungs(cur, clock_ids: list[int]) -> Counter:
    cur.execute("""SELECT e.clock_id, e.rule_id FROM unnest(%s::bigint[]) AS x(id)
                   JOIN sla_escalation e ON e.clock_id = x.id""", [clock_ids])
    return Counter(cur.fetchall())


# The job's steps, by (file suffix, function name), as cProfile names them.
PHASES = [("sla/escalation.py", "escalations_run"), ("sla/escalation.py", "_plan"),
          ("sla/escalation.py", "_fire"), ("sla/escalation.py", "_save_clocks"),
          ("core/bulk_insert.py", "insert_new"), ("sla/messages.py", "text"),
          ("sla/escalation.py", "_recipients"), ("sla/calendar.py", "between"),
          ("notifications/services.py", "notifications_enqueue_many"),
          ("notifications/services.py", "_by_preference"),
          ("notifications/inbox.py", "in_app_add_many"),
          ("notifications/services.py", "_publish_many"),
          ("django/db/models/query.py", "__iter__"),
          ("django/db/models/query.py", "_fetch_all"),
          ("django/db/models/base.py", "from_db"),
          ("django/db/models/sql/compiler.py", "execute_sql"),
          ("django/db/models/sql/compiler.py", "results_iter")]


def profile_phases(stats: pstats.Stats) -> dict[str, float]:
    """Cumulative seconds per step of the job (those of PHASES that ran)."""
    found: dict[str, float] = {}
    for (filename, _line, function), (_cc, _nc, _tt, cumulative, _callers) in stats.stats.items():
        for suffix, name in PHASES:
            if function == name and filename.endswith(suffix):
                key = f"{suffix}:{name}"
                found[key] = round(found.get(key, 0) + cumulative, 3)
    return dict(sorted(found.items(), key=lambda item: -item[1]))


def explain(sql: str) -> str:
    from django.db import connection, transaction

    with transaction.atomic():
        with connection.cursor() as cur:
            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = "\n".join(r[0] for r in cur.fetchall())
        transaction.set_rollback(True)  # the FOR UPDATE locks go with it
    return plan


def plan_verdict(plan: str) -> str:
    uses = "clock_next_check" in plan
    scans = sorted(set(re.findall(r"Seq Scan on (sla_clock|tickets_ticket)\b", plan)))
    if uses and not scans:
        return "uses partial index clock_next_check; no scan of sla_clock or tickets_ticket"
    return f"CHECK: clock_next_check used={uses}, sequential scans of {scans or 'nothing'}"


def _concurrent_worker(anchor: int, barrier, results) -> None:
    setup_django()
    from django.db import connection

    from sla.escalation import escalations_run

    with connection.cursor() as cur:  # connect before the start line
        cur.execute("SELECT 1")
    barrier.wait()
    t0 = time.time()
    fired = escalations_run(now=datetime.fromtimestamp(anchor, UTC))
    results.put({"pid": os.getpid(), "fired": fired, "start": t0, "end": time.time()})


def measure(args, meta: dict) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    import sla.escalation as esc
    from sla.clocks import calendar_for
    from sla.holidays import calendar_days_clear
    from sla.models import Contract

    anchor = meta["anchor"]
    T = datetime.fromtimestamp(anchor, UTC)
    rng = random.Random(args.seed + int(time.time()))
    out: dict = {"anchor": meta["anchor_iso"], "mode": args.mode}
    steps = set(args.steps.split(","))
    cur = connection.cursor()

    cur.execute("""SELECT (SELECT count(*) FROM tickets_ticket WHERE status = ANY(%s)),
                          (SELECT count(*) FROM sla_clock),
                          (SELECT count(*) FROM sla_clock WHERE next_check_at IS NOT NULL),
                          pg_size_pretty(pg_relation_size('clock_next_check')),
                          pg_size_pretty(pg_total_relation_size('sla_clock'))""",
                [["submitted", "accepted", "dispatched", "on_site", "pending", "reopened"]])
    open_t, clocks, pending, idx_size, clock_size = cur.fetchone()
    out["data"] = {"open_tickets": open_t, "clocks": clocks, "clocks_with_next_check": pending,
                   "clock_next_check_size": idx_size, "sla_clock_size": clock_size}
    t0 = time.perf_counter()
    for _ in range(1000):
        cur.execute("SELECT 1")
    out["data"]["select_1_us"] = round((time.perf_counter() - t0) * 1000, 1)
    log(f"data: {open_t:,} open tickets, {clocks:,} clocks, {pending:,} with a next check "
        f"(index clock_next_check {idx_size}, sla_clock {clock_size}); T = {meta['anchor_iso']}; "
        f"a round trip (SELECT 1 through Django) takes {out['data']['select_1_us']} µs")

    # --- a. nothing due ------------------------------------------------------------------------
    cur.execute("SELECT min(next_check_at) FROM sla_clock")
    before_all = cur.fetchone()[0] - timedelta(seconds=1)
    esc.escalations_run(now=before_all)  # warm: connection, imports, caches
    with CaptureQueriesContext(connection) as ctx:
        fired = esc.escalations_run(now=before_all)
    assert fired == 0
    sqls = [q["sql"] for q in ctx.captured_queries]
    out["a_sql"] = sqls
    due_sql = next(s for s in sqls if '"sla_clock"' in s and "FOR UPDATE" in s)
    if "a" in steps:
        times = []
        busy = wait_quiet(0.5, args.quiet_wait)
        for _ in range(args.runs):
            t0 = time.perf_counter()
            esc.escalations_run(now=before_all)
            times.append((time.perf_counter() - t0) * 1000)
        plan_a = explain(due_sql)
        out["a"] = {"now": before_all.isoformat(), "runs": args.runs,
                    "median_ms": round(statistics.median(times), 2), "min_ms": round(min(times), 2),
                    "max_ms": round(max(times), 2), "queries": len(sqls), "busy_cores": busy,
                    "plan": plan_a, "verdict": plan_verdict(plan_a)}
        log(f"\n[a] nothing due (now = {before_all.isoformat()}): median "
            f"{out['a']['median_ms']} ms over {args.runs} runs (min {out['a']['min_ms']}, max "
            f"{out['a']['max_ms']}), {len(sqls)} SQL statement(s); other load {busy:.2f} cores")
        for s in sqls:
            log("    SQL: " + s)
        log("    EXPLAIN ANALYZE:\n      " + plan_a.replace("\n", "\n      "))
        log(f"    -> {out['a']['verdict']}")

    # --- b. the --due clocks at T, --b-runs times ----------------------------------------------
    if "b" in steps:
        runs_b = []
        for run in range(args.b_runs):
            cur.execute("SELECT count(*) FROM sla_clock WHERE next_check_at <= %s", [T])
            due_now = cur.fetchone()[0]
            if due_now < args.due:  # a rerun: the load's batch was handled before
                arm(cur.cursor, anchor, args.due - due_now, meta["first_clock_id"], rng,
                    args.overdue_max * 60, args.mode)
                cur.execute("ANALYZE sla_clock")
            # What autovacuum would have done after the previous runs' rows (it may be off on
            # a bench server): without it the job's per-batch look-up of fired rungs is
            # planned from the statistics of an empty sla_escalation.
            cur.execute("ANALYZE sla_escalation")
            cur.execute("SELECT id FROM sla_clock WHERE next_check_at <= %s", [T])
            batch_b = [r[0] for r in cur.fetchall()]
            plan_b = explain(esc_sql_at(due_sql, before_all, T))
            log(f"\n[b] run {run + 1}/{args.b_runs}: {len(batch_b):,} clocks due at T")
            if run == 0:
                log("    EXPLAIN ANALYZE of the due-clock query with them due:\n      "
                    + plan_b.replace("\n", "\n      "))
            before = counts(cur)
            q0 = queue_len()
            busy = wait_quiet(0.5, args.quiet_wait)
            load_before = os.getloadavg()[0]
            qc = QueryCounter()
            with connection.execute_wrapper(qc):
                t0, c0 = time.perf_counter(), time.process_time()
                fired = esc.escalations_run(now=T)
                b_s, b_cpu = time.perf_counter() - t0, time.process_time() - c0
            made = made_since(cur, before)
            q1 = queue_len()
            want = expected_rungs(cur, batch_b, T)
            got = fired_rungs(cur, batch_b)
            t0 = time.perf_counter()
            again = esc.escalations_run(now=T)
            again_s = time.perf_counter() - t0
            after_again = counts(cur)
            cur.execute("SELECT count(*) FROM sla_clock WHERE next_check_at <= %s", [T])
            left = cur.fetchone()[0]
            b = {"due_clocks": len(batch_b), "seconds": round(b_s, 2),
                 "cpu_seconds": round(b_cpu, 2), "sql_seconds": round(qc.seconds, 2),
                 "statements": sum(qc.counts.values()), "fired": fired, **made,
                 "ms_per_clock": round(b_s * 1000 / max(len(batch_b), 1), 3),
                 "published": None if q0 is None else q1 - q0,
                 "expected_rungs": len(want), "missing": len(want - set(got)),
                 "unexpected": len(set(got) - want), "busy_cores": busy,
                 "loadavg_1min": round(load_before, 2),
                 "rerun": {"fired": again, "seconds": round(again_s, 3),
                           "new_escalations": after_again["esc"] - before["esc"] - made[
                               "escalations"],
                           "new_notifications": after_again["notif"] - before["notif"] - made[
                               "notifications"]},
                 "still_due": left, "plan": plan_b, "verdict": plan_verdict(plan_b)}
            runs_b.append(b)
            log(f"    one run: {b_s:.2f} s wall, {b_cpu:.2f} s CPU in this process, "
                f"{b['statements']} SQL statements ({qc.seconds:.2f} s waiting on them) "
                f"({b['ms_per_clock']} ms per due clock), fired {fired:,}; "
                f"rows: {made['escalations']:,} escalations {made['escalations_by_level']}, "
                f"{made['notifications']:,} notifications {made['notifications_by_channel']}, "
                f"{b['published']} messages published to Redis; other load {busy:.2f} cores, "
                f"load average {load_before:.2f}")
            log(f"    expected rungs {len(want):,}, missing {b['missing']}, unexpected "
                f"{b['unexpected']}; still due after the run: {left}")
            log(f"    second run: fired {again}, new escalations {b['rerun']['new_escalations']}, "
                f"new notifications {b['rerun']['new_notifications']}, {again_s * 1000:.1f} ms")
        out["b"] = runs_b[0] if len(runs_b) == 1 else {
            "runs": runs_b, **{f"median_{k}": statistics.median(r[k] for r in runs_b)
                               for k in ("seconds", "cpu_seconds", "sql_seconds", "statements")}}
        if len(runs_b) > 1:
            log(f"\n[b] median of {len(runs_b)} runs: {out['b']['median_seconds']:.2f} s wall, "
                f"{out['b']['median_cpu_seconds']:.2f} s CPU, {out['b']['median_sql_seconds']:.2f} s "
                f"in SQL, {out['b']['median_statements']} statements")

    # --- b2. where the time goes ----------------------------------------------------------------
    if "b2" in steps:
        profile = arm(cur.cursor, anchor, args.profile_due, meta["first_clock_id"], rng,
                      args.overdue_max * 60, args.mode)
        before = counts(cur)
        qc = QueryCounter()
        busy = wait_quiet(0.5, args.quiet_wait)
        profiler = cProfile.Profile()
        with connection.execute_wrapper(qc):
            t0, c0 = time.perf_counter(), time.process_time()
            profiler.runcall(esc.escalations_run, now=T)
            p_s, p_cpu = time.perf_counter() - t0, time.process_time() - c0
        made = made_since(cur, before)
        n = len(profile)
        total_q = sum(qc.counts.values())
        stats = pstats.Stats(profiler)
        phases = profile_phases(stats)
        out["b2"] = {"due_clocks": n, "seconds": round(p_s, 2), "cpu_seconds": round(p_cpu, 2),
                     **made, "queries": total_q,
                     "queries_per_clock": round(total_q / n, 3),
                     "by_statement": {k: v for k, v in qc.counts.most_common()},
                     "us_per_statement": {k: round(qc.times[k] * 1e6 / v)
                                          for k, v in qc.counts.items()},
                     "sql_seconds": round(qc.seconds, 2), "phases_cumulative_s": phases,
                     "busy_cores": busy}
        p = out["b2"]
        log(f"\n[b2] profile (cProfile, which slows Python ~2x) on {n:,} more due clocks: "
            f"{total_q:,} statements = {p['queries_per_clock']} per due clock "
            f"({made['escalations']:,} escalations, {made['notifications']:,} notifications) "
            f"in {p_s:.2f} s wall, {p_cpu:.2f} s CPU; waiting on SQL {p['sql_seconds']} s; "
            f"other load {busy:.2f} cores")
        for k, v in qc.counts.most_common():
            log(f"    {v:>8,}  {v / n:7.3f}/clock  {qc.times[k] * 1e6 / v:8.0f} µs each  {k}")
        log("    cumulative time of the job's steps (they nest: SQL is inside them):")
        for name, seconds in phases.items():
            log(f"    {seconds:8.3f} s  {name}")
        profiler.dump_stats(RESULTS / "sla_job-b2.prof")  # pstats / snakeviz: callers, callees
        buffer = io.StringIO()
        pstats.Stats(profiler, stream=buffer).sort_stats("tottime").print_stats(15)
        log("    top functions by own time:\n" + "\n".join(
            "      " + line for line in buffer.getvalue().splitlines() if line.strip()))

    # --- b3. where the time goes, without a profiler's distortion ------------------------------
    if "b3" in steps:
        batch_3 = arm(cur.cursor, anchor, args.due, meta["first_clock_id"], rng,
                      args.overdue_max * 60, args.mode)
        cur.execute("ANALYZE sla_escalation")
        from django.urls import reverse
        reverse("tickets:detail", args=["0"])  # a worker's first run loads the URLconf (~0.9 s)
        busy = wait_quiet(0.5, args.quiet_wait)
        timers = PhaseTimers()
        qc = QueryCounter()
        with timers.installed(), connection.execute_wrapper(qc):
            t0, c0 = time.perf_counter(), time.process_time()
            esc.escalations_run(now=T)
            b3_s, b3_cpu = time.perf_counter() - t0, time.process_time() - c0
        out["b3"] = {"due_clocks": len(batch_3), "seconds": round(b3_s, 2),
                     "cpu_seconds": round(b3_cpu, 2), "sql_seconds": round(qc.seconds, 2),
                     "phases": timers.report(), "busy_cores": busy}
        log(f"\n[b3] phases of one run over {len(batch_3):,} due clocks: {b3_s:.2f} s wall, "
            f"{b3_cpu:.2f} s CPU, {qc.seconds:.2f} s in SQL; other load {busy:.2f} cores "
            "(inclusive: a phase holds the SQL it runs and the phases it calls)")
        for name, (wall, cpu, calls) in out["b3"]["phases"].items():
            log(f"    {wall:7.3f} s wall {cpu:7.3f} s CPU {calls:6,} calls  {name}")

    # --- c. two concurrent runs over a fresh batch ----------------------------------------------
    if "c" in steps:
        batch_c = arm(cur.cursor, anchor, args.due, meta["first_clock_id"], rng,
                      args.overdue_max * 60, args.mode)
        before = counts(cur)
        want = expected_rungs(cur, batch_c, T)
        connection.close()
        ctx = multiprocessing.get_context("spawn")
        barrier = ctx.Barrier(2)
        results = ctx.Queue()
        busy = wait_quiet(0.5, args.quiet_wait)
        procs = [ctx.Process(target=_concurrent_worker, args=(anchor, barrier, results))
                 for _ in range(2)]
        for pr in procs:
            pr.start()
        res = [results.get(timeout=900) for _ in procs]
        for pr in procs:
            pr.join()
        cur = connection.cursor()
        made = made_since(cur, before)
        got = fired_rungs(cur, batch_c)
        cur.execute("""SELECT count(*) FROM (SELECT clock_id, rule_id FROM sla_escalation
                       GROUP BY 1, 2 HAVING count(*) > 1) d""")
        dup_all = cur.fetchone()[0]
        cur.execute("""SELECT count(*) FROM (SELECT dedupe_key FROM notifications_notification
                       WHERE id > %s GROUP BY 1 HAVING count(*) > 1) d""", [before["notif_max"]])
        dup_notif = cur.fetchone()[0]
        start, end = min(r["start"] for r in res), max(r["end"] for r in res)
        out["c"] = {"due_clocks": len(batch_c), "seconds": round(end - start, 2), **made,
                    "per_process": [{"fired": r["fired"], "seconds": round(r["end"] - r["start"], 2)}
                                    for r in res],
                    "fired_sum": sum(r["fired"] for r in res), "expected_rungs": len(want),
                    "duplicates": sum(1 for v in got.values() if v > 1) + dup_all,
                    "duplicate_notifications": dup_notif,
                    "missing": len(want - set(got)), "unexpected": len(set(got) - want),
                    "busy_cores": busy}
        c = out["c"]
        log(f"\n[c] two processes at once over {len(batch_c):,} due clocks: {c['seconds']} s in all; "
            f"fired {[r['fired'] for r in res]} (sum {c['fired_sum']:,}), rows "
            f"{made['escalations']:,} escalations, {made['notifications']:,} notifications; "
            f"expected {len(want):,}, duplicates {c['duplicates']}, missing {c['missing']}, "
            f"unexpected {c['unexpected']}, duplicate notifications {dup_notif}")

    # --- a'. nothing due at T, after the batches -----------------------------------------------
    if "a" in steps:
        times = []
        esc.escalations_run(now=T)
        for _ in range(args.runs):
            t0 = time.perf_counter()
            esc.escalations_run(now=T)
            times.append((time.perf_counter() - t0) * 1000)
        out["a_after"] = {"now": T.isoformat(), "median_ms": round(statistics.median(times), 2),
                          "min_ms": round(min(times), 2), "max_ms": round(max(times), 2)}
        log(f"\n[a'] nothing due at T after the batches: median {out['a_after']['median_ms']} ms")

    # --- d. 100,000 deadlines on the DEMO-DESKTOP calendar ----------------------------------
    if "d" in steps:
        sc = Contract.objects.select_related("calendar").get(code="DEMO-DESKTOP").calendar
        drng = random.Random(args.seed)
        starts = [T + timedelta(seconds=drng.randrange(-300 * DAY, 30 * DAY))
                  for _ in range(args.deadlines)]
        minutes = [drng.randint(10, 2000) for _ in range(args.deadlines)]
        calendar_days_clear()
        t0 = time.perf_counter()
        cal = calendar_for(sc)
        cal.add_minutes(starts[0], 1)
        cold_ms = (time.perf_counter() - t0) * 1000
        for s in starts[:: max(1, len(starts) // 50)]:  # build every year touched
            cal.add_minutes(s, 1)
        t0 = time.perf_counter()
        for s, m in zip(starts, minutes, strict=True):
            cal.add_minutes(s, m)
        d_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        for s, m in zip(starts, minutes, strict=True):
            calendar_for(sc).add_minutes(s, m)
        d2_s = time.perf_counter() - t0
        out["d"] = {"n": args.deadlines, "calendar": f"{sc.code} {sc.hours} {sc.holidays}",
                    "seconds": round(d_s, 3), "us_each": round(d_s * 1e6 / args.deadlines, 2),
                    "seconds_with_calendar_for": round(d2_s, 3),
                    "cold_first_call_ms": round(cold_ms, 1)}
        log(f"\n[d] {args.deadlines:,} add_minutes on {out['d']['calendar']}: {d_s:.3f} s "
            f"({out['d']['us_each']} µs each); calling calendar_for(...) each time: {d2_s:.3f} s; "
            f"first call (holiday days read, year built) {cold_ms:.1f} ms")
    return out


def esc_sql_at(sql: str, old: datetime, new: datetime) -> str:
    """The captured due-clock query with its instant replaced."""
    for fmt in (old.isoformat(), old.isoformat().replace("T", " ")):
        if fmt in sql:
            return sql.replace(fmt, new.isoformat())
    # psycopg renders the instant as e.g. '2026-11-23T21:00:00+00:00'::timestamptz
    stamp = re.search(r"'(\d{4}-\d\d-\d\d[ T][\d:.]+(?:[+-]\d\d(?::\d\d)?)?)'", sql)
    if stamp:
        return sql.replace(stamp.group(1), new.isoformat())
    raise RuntimeError("cannot find the instant in the due-clock query: " + sql)


# ================================================================================================
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=10_000,
                        help="clocks due at once in b and again in c")
    parser.add_argument("--b-runs", type=int, default=1,
                        help="runs of b, each over a fresh batch of --due clocks (median given)")
    parser.add_argument("--profile-due", type=int, default=1000,
                        help="clocks of the profiled batch (b2)")
    parser.add_argument("--overdue-max", type=int, default=180,
                        help="due clocks' deadlines lie 1 … this many minutes before T")
    parser.add_argument("--mode", choices=["overdue", "warning"], default="overdue",
                        help="batches made due in b, b2 and c (after the load's own): overdue "
                             "(default; the load's batch is always overdue) or warning only")
    parser.add_argument("--steps", default="a,b,b2,b3,c,d",
                        help="measurements to run (comma-separated subset of a,b,b2,b3,c,d)")
    parser.add_argument("--quiet-wait", type=float, default=45,
                        help="seconds to wait at most, before b, b2 and c, for other work on "
                             "the machine to drop under 0.5 busy cores (the busy cores found "
                             "are reported)")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--deadlines", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-webhook", action="store_true",
                        help="no chat robot on DEMO-SERVER (breaches then make e-mail only)")
    parser.add_argument("--reset", action="store_true", help="drop and recreate the database")
    parser.add_argument("--out", default=str(RESULTS / "sla_job.json"))
    args = parser.parse_args()

    os.environ.update(bench_env())
    url = os.environ["DATABASE_URL"]
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("DATABASE_URL must be a postgres:// URL")
    RESULTS.mkdir(parents=True, exist_ok=True)
    Path(os.environ["ITSM_VAR_DIR"]).mkdir(parents=True, exist_ok=True)
    log(f"database {urlsplit(url).path.lstrip('/')}; code {CODE} "
        f"({git_state()}); Redis queue {os.environ['CELERY_QUEUE']}")
    result: dict = {"args": vars(args), "code": git_state()}
    ensure_database(url, args.reset)
    setup_django()
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT to_regclass('sla_clock')")
        migrated = cur.fetchone()[0] is not None
        meta = db_meta(cur) if migrated else None
    if meta is None:
        t0 = time.perf_counter()
        manage("migrate", "--no-input", "-v", "0")
        manage("load_demo")
        log(f"migrate + load_demo: {time.perf_counter() - t0:.1f} s")
        connection.close()
        anchor = int(time.time())
        log(f"loading {args.tickets:,} open tickets, T = "
            f"{datetime.fromtimestamp(anchor, UTC).isoformat()}")
        result["load"] = load(args, anchor)
        with connection.cursor() as cur:
            meta = db_meta(cur)
    else:
        log(f"bulk data present ({meta['tickets']:,} tickets, T = {meta['anchor_iso']}): "
            "measuring only (--reset reloads)")
        if meta["tickets"] != args.tickets:
            log(f"  note: loaded with --tickets {meta['tickets']}, not {args.tickets}")
    result["meta"] = meta
    try:
        result["measure"] = measure(args, meta)
    finally:
        try:
            r = redis_client()
            q = os.environ["CELERY_QUEUE"]
            result["redis_left_deleted"] = r.llen(q)
            # kombu's Redis transport keeps the queue's bindings in one of these sets.
            r.delete(q, f"_kombu.binding.{q}", f"_kombu.binding_permanent.{q}")
            log(f"\nRedis: deleted {q} ({result['redis_left_deleted']:,} unconsumed messages) "
                f"and its kombu binding keys")
        except Exception as exc:  # noqa: BLE001
            log(f"Redis cleanup failed: {exc}")
    Path(args.out).write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str))
    log(f"results: {args.out}")


def git_state() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=CODE,
                              capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "sla", "notifications",
                                "tickets", "itsm", "templates"], cwd=CODE,
                               capture_output=True, text=True).stdout.strip()
        return head + (" + uncommitted changes in app code" if dirty else "")
    except (subprocess.CalledProcessError, FileNotFoundError):
        return (CODE / ".bench-commit").read_text().strip() if (
            CODE / ".bench-commit").exists() else "?"


if __name__ == "__main__":
    main()
