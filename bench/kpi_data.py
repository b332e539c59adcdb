#!/usr/bin/env python
"""Add what the KPI figures read to the 1,000,000-ticket bench database (bench/generate.py):
SLA clocks, ticket surveys and complaints for every bulk ticket.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/itsm_bench .venv/bin/python bench/kpi_data.py

generate.py makes tickets and timeline entries only. This script reads every ticket without a
clock (the bulk ones; the demo's own tickets keep theirs) and loads, in ONE transaction with COPY:

- SLA clocks (sla_clock): a response and a resolution clock for every ticket, an arrival clock
  for those that need a visit (`needs_on_site`). A clock stops when the ticket was accepted /
  arrived at / resolved; a cancelled ticket's clocks, and an arrival clock of a ticket resolved
  without a visit, stop with no verdict (`met` NULL: not needed). 93–97 % of the verdicts are met
  (a rate per contract, a little worse for P1/P2 and arrival); a breached clock has `met` false
  and `breached_at` between its start and its stop. Open tickets' clocks run (`due_at`, `warn_at`
  and `next_check_at` set; already past the deadline: `breached_at = due_at`, nothing left to
  check); a pending ticket's resolution clock is paused. Targets are per priority; deadlines of
  running clocks are approximated in wall time (7×24 calendars) or 2.3× the target (6×12), not
  computed on the calendar: the KPI reads verdicts and times, not deadlines.
- Surveys (surveys_ticketsurvey): one per resolved ticket for 95 % of them, sent when it was
  resolved, expiring 7 days later; 60 % answered (within the 7 days, never after now), overall
  score 5/4/3/2/1 = 62/28/6/2.5/1.5 %, the three other scores near it; token = md5 of the ticket.
- Complaints (surveys_complaint): ~0.4 % of the tickets (mostly resolved ones), 10 % major,
  numbered TS-YYYY-NNNNNN after the complaint counter (which is moved on), answered within 24 h
  (5 % late), resolved within ~7 working days when old enough; registered by `desk`, reviewed
  by the contract's project manager.

Secondary indexes and foreign keys of the three tables are dropped for the load and recreated
in the same transaction; then VACUUM ANALYZE. Running it again when the bulk tickets already have
clocks does nothing. Timings and counts go to bench/results/kpi_data.json.

Afterwards (see bench/README.md): `manage.py migrate` and
`manage.py refresh_kpi --from <first ticket day> --to <today>` to build the rollup.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import RESULTS, setup_django  # noqa: E402

DAY = 86400
HOUR = 3600
TABLES = ("sla_clock", "surveys_ticketsurvey", "surveys_complaint")
# Targets in business seconds per priority.
TARGETS = {
    "response": {1: 15 * 60, 2: 30 * 60, 3: 60 * 60, 4: 120 * 60},
    "arrival": {1: 2 * HOUR, 2: 4 * HOUR, 3: 8 * HOUR, 4: 16 * HOUR},
    "resolution": {1: 4 * HOUR, 2: 8 * HOUR, 3: 24 * HOUR, 4: 48 * HOUR},
}
PRIORITY_BREACH = {1: 1.5, 2: 1.2, 3: 1.0, 4: 0.8}
KIND_BREACH = {"response": 0.8, "arrival": 1.2, "resolution": 1.0}
OVERALL = [(5, 62), (4, 28), (3, 6), (2, 2.5), (1, 1.5)]
SURVEY_COMMENTS = ["", "", "", "", "", "", "", "", "工程师很专业，谢谢！", "响应很快。",
                   "处理及时，态度很好。", "希望下次能更快一些。", "问题没有彻底解决。"]
COMPLAINT_TEXTS = ["工程师上门迟到，未提前告知。", "问题多次复发，处理不彻底。", "服务台电话长时间无人接听。",
                   "工程师态度生硬。", "维修后设备仍无法正常使用。", "工单被关闭但问题未解决。"]
ANSWERS = ["已致电用户致歉并说明原因。", "已安排工程师再次上门处理。", "已与用户沟通，确认处理方案。"]
OPINIONS = ["已对相关工程师进行培训与考核。", "已优化派单流程，加强跟踪。", "问题已彻底解决，用户认可。"]
CHANNELS = [("phone", 45), ("email", 15), ("portal", 15), ("survey", 20), ("oral", 5)]


def log(msg: str) -> None:
    print(msg, flush=True)


class Timer:
    def __init__(self):
        self.t0 = self._last = time.perf_counter()
        self.steps: dict[str, float] = {}

    def step(self, name: str) -> None:
        now = time.perf_counter()
        self.steps[name] = round(now - self._last, 2)
        self._last = now
        log(f"  {name}: {self.steps[name]:.1f} s")


_DAY_CACHE: dict[int, str] = {}


def ts(t: float | None) -> str:
    """Epoch seconds → a COPY timestamptz literal (UTC), \\N for None."""
    if t is None:
        return "\\N"
    t = int(t)
    d, r = divmod(t, DAY)
    p = _DAY_CACHE.get(d)
    if p is None:
        p = _DAY_CACHE[d] = datetime.fromtimestamp(d * DAY, UTC).strftime("%Y-%m-%d ")
    h, r = divmod(r, 3600)
    m, s = divmod(r, 60)
    return f"{p}{h:02d}:{m:02d}:{s:02d}+00"


def cum(pairs):
    values, acc, out = [], 0.0, []
    for v, w in pairs:
        values.append(v)
        acc += w
        out.append(acc)
    return values, out


CLOCK_COLUMNS = ("ticket_id, kind, calendar_id, target_seconds, warning_percent, started_at, "
                 "running_since, consumed_seconds, paused_since, paused_seconds, due_at, warn_at, "
                 "next_check_at, provisional, stopped_at, met, breached_at")
SURVEY_COLUMNS = ("ticket_id, contract_id, requester_id, engineer_id, token, sent_at, expires_at, "
                  "answered_at, fixed, response_speed, attitude, ability, overall, comment, "
                  "wants_complaint")
COMPLAINT_COLUMNS = ("number, contract_id, channel, complainant_id, complainant_name, "
                     "complainant_phone, ticket_id, engineer_id, survey_id, major, description, "
                     "status, received_at, answer_due, resolution_due, answered_at, answer, "
                     "resolved_at, handling_opinion, registered_by_id, reviewer_id, "
                     "escalation_level, created_at")

TICKET_QUERY = """
    SELECT t.id, t.contract_id, t.priority, t.status, t.needs_on_site,
           extract(epoch FROM t.created_at)::float8, extract(epoch FROM t.updated_at)::float8,
           extract(epoch FROM t.accepted_at)::float8, extract(epoch FROM t.arrived_at)::float8,
           extract(epoch FROM t.resolved_at)::float8, extract(epoch FROM t.cancelled_at)::float8,
           t.assignee_id, t.requester_id,
           NOT EXISTS (SELECT 1 FROM surveys_ticketsurvey s WHERE s.ticket_id = t.id)
    FROM tickets_ticket t
    WHERE NOT EXISTS (SELECT 1 FROM sla_clock c WHERE c.ticket_id = t.id)
    ORDER BY t.id"""


def generate(rows, cfg: dict, rng: random.Random, now_ts: float):
    """COPY text of clocks and surveys for the tickets in `rows`; complaint candidates."""
    rand, expo, choices = rng.random, rng.expovariate, rng.choices
    calendars, breach_rate = cfg["calendars"], cfg["breach_rate"]
    overall_values, overall_cum = cum(OVERALL)
    clocks, surveys, complaint_tickets = [], [], []
    stats = {"clocks": 0, "met": 0, "breached": 0, "not_needed": 0, "running": 0, "paused": 0,
             "surveys": 0, "answered": 0}

    def clock(tid, kind, cal, prio, start, stop, verdict, *, contract, paused=None):
        target = TARGETS[kind][prio]
        wall = target * (1.0 if calendars[cal] == "7x24" else 2.3)
        running_since = paused_since = due = warn = check = met = breached = None
        consumed = 0
        if stop is not None:
            if verdict:
                p = breach_rate[contract] * PRIORITY_BREACH[prio] * KIND_BREACH[kind]
                if rand() < p:
                    met = "f"
                    breached = start + (stop - start) * (0.3 + 0.65 * rand())
                    stats["breached"] += 1
                else:
                    met = "t"
                    stats["met"] += 1
            else:
                stats["not_needed"] += 1
        elif paused is not None:
            paused_since = paused
            consumed = int(min(max(paused - start, 0), wall) / wall * target * 0.6)
            stats["paused"] += 1
        else:
            running_since = start
            due = start + wall
            warn = start + wall * 0.8
            if due <= now_ts:
                breached = due
            else:
                check = warn if warn > now_ts else due
            stats["running"] += 1
        stats["clocks"] += 1
        clocks.append("\t".join((
            str(tid), kind, str(cal), str(target), "80", ts(start), ts(running_since),
            str(consumed), ts(paused_since), "0", ts(due), ts(warn), ts(check), "f", ts(stop),
            met or "\\N", ts(breached))) + "\n")

    for (tid, contract, prio, status, on_site, created, updated, accepted, arrived, resolved,
         cancelled, assignee, requester, no_survey) in rows:
        cal = cfg["contract_calendar"][contract]
        # Response: stops when accepted; a ticket cancelled before that needed no response.
        if accepted is not None:
            clock(tid, "response", cal, prio, created, accepted, True, contract=contract)
        elif cancelled is not None:
            clock(tid, "response", cal, prio, created, cancelled, False, contract=contract)
        else:
            clock(tid, "response", cal, prio, created, None, False, contract=contract)
        if on_site:
            if arrived is not None:
                clock(tid, "arrival", cal, prio, created, arrived, True, contract=contract)
            elif resolved is not None or cancelled is not None:
                clock(tid, "arrival", cal, prio, created, resolved or cancelled, False,
                      contract=contract)
            else:
                clock(tid, "arrival", cal, prio, created, None, False, contract=contract)
        if resolved is not None:
            clock(tid, "resolution", cal, prio, created, resolved, True, contract=contract)
        elif cancelled is not None:
            clock(tid, "resolution", cal, prio, created, cancelled, False, contract=contract)
        elif status == "pending":
            clock(tid, "resolution", cal, prio, created, None, False, contract=contract,
                  paused=updated)
        else:
            clock(tid, "resolution", cal, prio, created, None, False, contract=contract)

        if resolved is not None and no_survey and rand() < 0.95:
            answered = None
            scores = ("\\N",) * 5
            comment = ""
            if rand() < 0.6:
                at = resolved + min(expo(1 / (0.8 * DAY)), 7 * DAY - 60)
                if at < now_ts:
                    answered = at
                    overall = choices(overall_values, cum_weights=overall_cum)[0]
                    near = [max(1, min(5, overall + choices((-1, 0, 0, 0, 1))[0]))
                            for _ in range(3)]
                    fixed = "t" if rand() < (0.97 if overall >= 3 else 0.5) else "f"
                    scores = (fixed, *(str(x) for x in near), str(overall))
                    comment = rng.choice(SURVEY_COMMENTS)
                    stats["answered"] += 1
            token = hashlib.md5(f"bench-survey-{tid}".encode()).hexdigest()  # noqa: S324
            surveys.append("\t".join((
                str(tid), str(contract), str(requester), str(assignee) if assignee else "\\N",
                token, ts(resolved), ts(resolved + 7 * DAY), ts(answered), *scores, comment,
                "f")) + "\n")
            stats["surveys"] += 1
        # Complaints: ~0.4 % of tickets, mostly about resolved ones.
        if rand() < (0.0045 if resolved is not None else 0.0012):
            complaint_tickets.append((tid, contract, created, resolved, assignee, requester))
    return "".join(clocks), "".join(surveys), complaint_tickets, stats


def complaint_rows(cands, cfg: dict, rng: random.Random, now_ts: float, counters: dict):
    """COPY text of the complaints; moves `counters` (year → last number) on."""
    rand = rng.random
    ch_values, ch_cum = cum(CHANNELS)
    out = []
    cands.sort(key=lambda c: c[3] or c[2])
    for tid, contract, created, resolved, assignee, requester in cands:
        base = resolved if resolved is not None else created
        received = min(base + HOUR + rand() * 3 * DAY, now_ts - 600)
        local = datetime.fromtimestamp(received, UTC) + timedelta(hours=8)
        year = local.year
        counters[year] = counters.get(year, 0) + 1
        number = f"TS-{year}-{counters[year]:06d}"
        answer_due = received + DAY
        resolution_due = (local + timedelta(days=9)).date().isoformat()
        answered = received + (DAY + rand() * DAY if rand() < 0.05 else HOUR + rand() * 20 * HOUR)
        resolved_at = answered + DAY * (0.5 + rand() * 6)
        if answered > now_ts:
            status, answered, resolved_at = "received", None, None
        elif resolved_at > now_ts:
            status, resolved_at = "answered", None
        else:
            status = "resolved"
        name, phone = cfg["people"].get(requester, ("", ""))
        out.append("\t".join((
            number, str(contract), rng.choices(ch_values, cum_weights=ch_cum)[0], str(requester),
            name or "用户", phone or "", str(tid), str(assignee) if assignee else "\\N", "\\N",
            "t" if rand() < 0.1 else "f", rng.choice(COMPLAINT_TEXTS), status, ts(received),
            ts(answer_due), resolution_due, ts(answered),
            rng.choice(ANSWERS) if answered else "", ts(resolved_at),
            rng.choice(OPINIONS) if resolved_at else "", str(cfg["desk"]),
            str(cfg["reviewer"][contract]) if cfg["reviewer"].get(contract) else "\\N",
            "1" if answered and answered > answer_due else "0", ts(received))) + "\n")
    return "".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    setup_django()
    from django.db import connection, transaction

    timer = Timer()
    summary: dict = {"seed": args.seed}
    with connection.cursor() as wrapper:
        cur = wrapper.cursor
        cur.execute("SELECT count(*) FROM tickets_ticket")
        n_tickets = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM sla_clock")
        n_clocks = cur.fetchone()[0]
    if n_tickets < 1000:
        sys.exit("no bulk tickets: run bench/generate.py first")
    if n_clocks > n_tickets:
        log(f"{n_clocks:,} clocks for {n_tickets:,} tickets: KPI data already loaded")
        return

    rng = random.Random(args.seed)
    now_ts = time.time()
    with transaction.atomic(), connection.cursor() as wrapper:
        cur = wrapper.cursor
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cur.execute("SET LOCAL maintenance_work_mem = '1GB'")
        cur.execute("SET LOCAL max_parallel_maintenance_workers = 2")
        cur.execute("SELECT c.id, c.calendar_id, c.project_manager_id, k.code "
                    "FROM sla_contract c JOIN sla_servicecalendar k ON k.id = c.calendar_id")
        contracts = cur.fetchall()
        cfg = {
            "contract_calendar": {c[0]: c[1] for c in contracts},
            "calendars": {c[1]: c[3] for c in contracts},
            "reviewer": {c[0]: c[2] for c in contracts},
            # Each contract's share of breached verdicts: 3–7 %.
            "breach_rate": {c[0]: 0.03 + 0.04 * rng.random() for c in contracts},
        }
        cur.execute("SELECT id FROM accounts_user WHERE username = 'desk'")
        cfg["desk"] = cur.fetchone()[0]
        cur.execute("SELECT id, name, phone FROM accounts_user")
        cfg["people"] = {r[0]: (r[1], r[2]) for r in cur.fetchall()}
        cur.execute("SELECT year, last FROM surveys_complaintcounter")
        counters = dict(cur.fetchall())

        cur.execute("""
            SELECT c.relname, i.relname, pg_get_indexdef(i.oid)
            FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
            JOIN pg_class c ON c.oid = x.indrelid
            WHERE c.relname = ANY(%s) AND NOT x.indisunique AND NOT x.indisprimary
            ORDER BY 1, 2""", [list(TABLES)])
        indexes = cur.fetchall()
        cur.execute("""
            SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
            FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)
            ORDER BY 1, 2""", [list(TABLES)])
        fkeys = cur.fetchall()
        for table, name, _def in fkeys:
            cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for _table, name, _def in indexes:
            cur.execute(f'DROP INDEX "{name}"')
        timer.step(f"reference data; drop {len(indexes)} indexes, {len(fkeys)} foreign keys")

        cur.execute(TICKET_QUERY)
        rows = cur.fetchall()
        timer.step(f"read {len(rows):,} tickets without clocks")

        totals: dict = {}
        complaint_cands = []
        batch = 100_000
        gen_s = copy_s = 0.0
        for i in range(0, len(rows), batch):
            g0 = time.perf_counter()
            clocks, surveys, cands, stats = generate(rows[i:i + batch], cfg, rng, now_ts)
            g1 = time.perf_counter()
            with cur.copy(f"COPY sla_clock ({CLOCK_COLUMNS}) FROM STDIN") as cp:
                cp.write(clocks)
            with cur.copy(f"COPY surveys_ticketsurvey ({SURVEY_COLUMNS}) FROM STDIN") as cp:
                cp.write(surveys)
            copy_s += time.perf_counter() - g1
            gen_s += g1 - g0
            complaint_cands.extend(cands)
            for k, v in stats.items():
                totals[k] = totals.get(k, 0) + v
            log(f"    {min(i + batch, len(rows)):>9,} tickets {totals['clocks']:>10,} clocks "
                f"{totals['surveys']:>9,} surveys")
        complaints = complaint_rows(complaint_cands, cfg, rng, now_ts, counters)
        with cur.copy(f"COPY surveys_complaint ({COMPLAINT_COLUMNS}) FROM STDIN") as cp:
            cp.write(complaints)
        totals["complaints"] = len(complaint_cands)
        summary["generate_s"], summary["copy_s"] = round(gen_s, 1), round(copy_s, 1)
        timer.step("generate + COPY clocks, surveys, complaints")

        for yr, last in counters.items():
            cur.execute("""
                INSERT INTO surveys_complaintcounter (year, last) VALUES (%s, %s)
                ON CONFLICT (year) DO UPDATE
                SET last = GREATEST(surveys_complaintcounter.last, EXCLUDED.last)""", [yr, last])
        for _table, name, definition in indexes:
            t = time.perf_counter()
            cur.execute(definition)
            log(f"    {name}: {time.perf_counter() - t:.1f} s")
        timer.step("recreate indexes")
        for table, name, definition in fkeys:
            cur.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        timer.step("re-add and validate foreign keys")
    timer.step("commit")
    with connection.cursor() as cur:
        for table in TABLES:
            cur.execute(f"VACUUM ANALYZE {table}")
    timer.step("VACUUM ANALYZE")
    with connection.cursor() as cur:
        sizes = {}
        for table in TABLES:
            cur.execute(f"SELECT count(*), pg_size_pretty(pg_total_relation_size('{table}')) "
                        f"FROM {table}")
            n, size = cur.fetchone()
            sizes[table] = {"rows": n, "size": size}
    verdicts = totals["met"] + totals["breached"]
    summary.update({
        "tickets": len(rows), "counts": totals, "tables": sizes,
        "met_pct": round(100 * totals["met"] / max(verdicts, 1), 2),
        "answered_pct": round(100 * totals["answered"] / max(totals["surveys"], 1), 2),
        "timings_s": timer.steps, "total_s": round(time.perf_counter() - timer.t0, 1),
    })
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "kpi_data.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False))
    log(json.dumps(summary, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
