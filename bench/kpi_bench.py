#!/usr/bin/env python
"""KPI dashboards, summary API, monthly report and rollup jobs at 1,000,000 tickets (issue 7).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/itsm_bench .venv/bin/python bench/kpi_bench.py

Needs the bench database with the KPI data (bench/generate.py, bench/kpi_data.py, `manage.py
migrate`, `manage.py refresh_kpi`; see bench/README.md). Target (issue 7): a quarter's dashboard
for one contract under 300 ms, the summary API at ≥ 100 requests/s, a monthly report in < 60 s.

Parts (--parts, default all), each skipped with a note when its URL or command does not exist yet:
- figures: kpi.figures summary / trend / backlog_trend of the quarter, called directly.
- api:  GET /api/kpi/summary/?contract=…&from=…&to=… as the general manager (token):
        in-process p50/p95 and queries, then wrk against gunicorn.
- api_long: the same API over 365 days and over the longest period it allows, in-process.
- page: GET /kpi/?contract=…&period=quarter&quarter=YYYY-Qn as the general manager (session):
        in-process p50/p95 and queries, then wrk against gunicorn.
- report: `manage.py service_report --contract … --month YYYY-MM --kind monthly_summary|
          monthly_repair --format pdf|xlsx`, timed (a new process each time, as cron would).
- jobs: kpi.services.rollup.refresh_recent() (the 10-minute beat job) and the nightly 45-day refresh.
- explain: EXPLAIN (ANALYZE, BUFFERS) of the slowest SELECTs of both jobs (run rolled back).

In-process: django.test.Client with the bench settings (DEBUG off), one warm-up, then --runs
requests; wall time per request and the queries of the last one. wrk: gunicorn with 4 sync
workers (as bench/run.sh), a real Redis (REDIS_URL, default redis://127.0.0.1:6379/0, queue
CELERY_QUEUE=bench whose keys are deleted at the end), wrk 2 threads / 8 connections, a warm-up
then the measured run, waiting for an idle machine first (bench/cpu.py). Results:
bench/results/kpi_bench.json (and the console).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import BENCH, CODE, RESULTS, ROOT, bench_env, setup_django  # noqa: E402

PY = str(ROOT / ".venv" / "bin" / "python")
PARTS = ("figures", "api", "api_long", "page", "report", "jobs", "explain")


def log(msg: str = "") -> None:
    print(msg, flush=True)


def pct(values: list[float], p: float) -> float:
    """Percentile by linear interpolation (values in ms)."""
    s = sorted(values)
    if not s:
        return float("nan")
    k = (len(s) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(s) - 1)
    return round(s[lo] + (s[hi] - s[lo]) * (k - lo), 1)


def stats(ms: list[float]) -> dict:
    return {"n": len(ms), "p50_ms": pct(ms, 50), "p95_ms": pct(ms, 95), "min_ms": round(min(ms), 1),
            "max_ms": round(max(ms), 1)}


def quarter_bounds(spec: str) -> tuple[date, date]:
    year, q = spec.split("-Q")
    first = date(int(year), 3 * int(q) - 2, 1)
    nxt = date(first.year + (first.month + 3 > 12), (first.month + 2) % 12 + 1, 1)
    return first, nxt - timedelta(days=1)


def last_complete_quarter(today: date) -> str:
    q = (today.month - 1) // 3 + 1
    return f"{today.year - 1}-Q4" if q == 1 else f"{today.year}-Q{q - 1}"


def last_complete_month(today: date) -> str:
    first = today.replace(day=1) - timedelta(days=1)
    return f"{first:%Y-%m}"


# --- in-process -----------------------------------------------------------------------------
SLOWEST: dict[str, list] = {}  # label → the slowest queries of the captured call


def timed_calls(call, runs: int, label: str = "") -> tuple[list[float], int, float, object]:
    """One warm-up, then `runs` calls: wall ms each, queries and SQL ms of one more call."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    result = call()
    walls = []
    for _ in range(runs):
        t = time.perf_counter()
        result = call()
        walls.append((time.perf_counter() - t) * 1000)
    with CaptureQueriesContext(connection) as ctx:
        call()
    sql_ms = sum(float(q["time"]) for q in ctx.captured_queries) * 1000
    SLOWEST[label] = sorted(([round(float(q["time"]) * 1000, 1), q["sql"][:400]]
                             for q in ctx.captured_queries), reverse=True)[:5]
    return walls, len(ctx.captured_queries), round(sql_ms, 1), result


def bench_figures(ctx: dict, runs: int) -> dict:
    from kpi import figures
    from kpi.figures import Scope

    scope = Scope(contract_ids=(ctx["contract_id"],))
    start, end = ctx["q_start"], ctx["q_end"]
    out = {}
    for name, fn in (("summary", lambda: figures.summary(scope, start, end)),
                     ("trend", lambda: figures.trend(scope, start, end)),
                     ("backlog_trend", lambda: figures.backlog_trend(scope, start, end))):
        walls, n_q, sql_ms, _ = timed_calls(fn, runs, name)
        out[name] = {**stats(walls), "queries": n_q, "sql_ms": sql_ms}
        log(f"  figures.{name}: p50 {out[name]['p50_ms']} ms, p95 {out[name]['p95_ms']} ms, "
            f"{n_q} queries, SQL {sql_ms} ms")
    return out


def bench_request(path: str, runs: int, *, user=None, token: str | None = None) -> dict:
    from django.test import Client

    client = Client()
    extra = {}
    if user is not None:
        client.force_login(user)
    if token:
        extra["HTTP_AUTHORIZATION"] = f"Token {token}"
    first = client.get(path, **extra)
    if first.status_code != 200:
        return {"status": first.status_code}
    walls, n_q, sql_ms, last = timed_calls(lambda: client.get(path, **extra), runs, path)
    return {"status": last.status_code, "bytes": len(last.content), **stats(walls),
            "queries": n_q, "sql_ms": sql_ms, "slowest_queries": SLOWEST[path]}


# --- wrk against gunicorn -----------------------------------------------------------------------
class Gunicorn:
    def __init__(self, port: int, workers: int, logfile: Path):
        self.port, self.workers, self.logfile = port, workers, logfile
        self.proc = None

    def __enter__(self):
        env = bench_env()
        self.proc = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "gunicorn"), "itsm.wsgi:application", "-w",
             str(self.workers), "-b", f"127.0.0.1:{self.port}", "--log-level", "warning",
             "--timeout", "60", "--error-logfile", str(self.logfile)],
            cwd=CODE, env=env, start_new_session=True)
        for _ in range(150):
            r = subprocess.run(["curl", "-fs", "-o", "/dev/null", f"http://127.0.0.1:{self.port}/login/"],
                               check=False)
            if r.returncode == 0:
                return self
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn died: {self.logfile.read_text()[-2000:]}")
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def __exit__(self, *exc):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)  # this gunicorn's own process group
            self.proc.wait(timeout=30)


def wait_quiet() -> str:
    r = subprocess.run([PY, str(BENCH / "cpu.py"), "wait-quiet", "0.3", "120"],
                       capture_output=True, text=True, check=False)
    return r.stdout.strip()


def run_wrk(url: str, args, *, cookie: str = "", auth: str = "") -> dict:
    env = dict(os.environ, BENCH_COOKIE=cookie, BENCH_AUTH=auth, BENCH_LUA=str(BENCH / "lua"))
    lua = str(BENCH / "lua" / "get.lua")
    # One request by hand first: 200, not a redirect to the login page.
    headers = ([f"Cookie: {cookie}"] if cookie else []) + ([f"Authorization: {auth}"] if auth else [])
    check = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{size_download}",
                            *sum((["-H", h] for h in headers), []), url],
                           capture_output=True, text=True, check=False).stdout.split()
    if not check or check[0] != "200":
        return {"error": f"{url} answered {check}"}
    base = ["wrk", f"-t{args.threads}", f"-c{args.connections}", "--timeout", "30s", "-s", lua]
    subprocess.run([*base, f"-d{args.warmup}", url], env=env, capture_output=True, check=True)
    busy = wait_quiet()
    out = subprocess.run([*base, f"-d{args.duration}", "--latency", url], env=env,
                         capture_output=True, text=True, check=True).stdout
    m = re.search(r"BENCH_JSON (\{.*\})", out)
    res = json.loads(m.group(1)) if m else {"raw": out}
    res["machine_busy_before"] = busy
    res["bytes_per_response"] = int(check[1])
    return res


# --- commands and jobs ----------------------------------------------------------------------------
def time_command(argv: list[str]) -> dict:
    t = time.perf_counter()
    r = subprocess.run([PY, "manage.py", *argv], cwd=CODE, env=bench_env(), capture_output=True,
                       text=True, check=False)
    return {"s": round(time.perf_counter() - t, 2), "rc": r.returncode,
            "stderr": r.stderr[-1500:] if r.returncode else ""}


def command_exists(name: str) -> bool:
    from django.core.management import get_commands

    return name in get_commands()


def bench_reports(ctx: dict, repeat: int) -> dict:
    if not command_exists("service_report"):
        log("  service_report: command not found (not built yet) — skipped")
        return {"skipped": "manage.py service_report does not exist"}
    out = {"startup_s (manage.py check)": time_command(["check"])["s"]}
    for kind, fmt in (("monthly_summary", "pdf"), ("monthly_summary", "xlsx"),
                      ("monthly_repair", "pdf"), ("monthly_repair", "xlsx")):
        path = Path(f"/tmp/kpi-bench-report.{fmt}")
        argv = ["service_report", "--contract", ctx["contract"], "--month", ctx["month"],
                "--kind", kind, "--format", fmt, "--out", str(path)]
        runs = []
        for _ in range(repeat):
            path.unlink(missing_ok=True)
            r = time_command(argv)
            r["bytes"] = path.stat().st_size if path.exists() else 0
            runs.append(r)
            log(f"  service_report {kind} {fmt}: {r['s']} s rc={r['rc']} {r['bytes']:,} bytes"
                + (f"\n{r['stderr']}" if r["rc"] else ""))
            if r["rc"]:
                break
        secs = [r["s"] for r in runs if r["rc"] == 0]
        out[f"{kind} {fmt}"] = {"command": "manage.py " + " ".join(argv), "runs": runs,
                                "median_s": statistics.median(secs) if secs else None}
    return out


def bench_jobs(repeat: int) -> dict:
    from django.conf import settings

    from kpi.services import rollup
    from kpi.tasks import refresh_nightly

    out = {}
    for name, fn in (("refresh_recent", rollup.refresh_recent),
                     (f"refresh_nightly ({settings.KPI_NIGHTLY_DAYS} days)", refresh_nightly.run)):
        runs = []
        for _ in range(repeat):
            t = time.perf_counter()
            written = fn()
            runs.append(round(time.perf_counter() - t, 2))
        out[name] = {"runs_s": runs, "median_s": statistics.median(runs), "written": written}
        log(f"  {name}: {runs} s, wrote {written}")
    return out


def explain_jobs(top: int = 4) -> dict:
    """The slowest SELECTs of one refresh_recent() and one nightly refresh (rolled back), each
    with EXPLAIN (ANALYZE, BUFFERS)."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from kpi.services import rollup
    from kpi.tasks import refresh_nightly

    out = {}
    for name, fn in (("refresh_recent", rollup.refresh_recent),
                     ("refresh_nightly", refresh_nightly.run)):
        with transaction.atomic(), CaptureQueriesContext(connection) as ctx:
            fn()
            transaction.set_rollback(True)
        selects = sorted(((float(q["time"]) * 1000, q["sql"]) for q in ctx.captured_queries
                          if q["sql"].lstrip().upper().startswith("SELECT")), reverse=True)
        plans = []
        for ms, sql in selects[:top]:
            with connection.cursor() as cur:
                cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                plan = "\n".join(r[0] for r in cur.fetchall())
            plans.append({"ms": round(ms, 1), "sql": sql, "plan": plan})
            log(f"-- {name}: {ms:.0f} ms\n{sql[:600]}\n{plan}\n")
        out[name] = {"queries": len(ctx.captured_queries),
                     "sql_ms": round(sum(float(q["time"]) for q in ctx.captured_queries) * 1000),
                     "slowest": plans}
        log(f"  {name}: {out[name]['queries']} queries, SQL {out[name]['sql_ms']} ms")
    return out


# --- main -------------------------------------------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--parts", default=",".join(PARTS))
    parser.add_argument("--contract", help="contract code (default: the busiest bulk one)")
    parser.add_argument("--quarter", help="YYYY-Qn (default: the last complete quarter)")
    parser.add_argument("--month", help="YYYY-MM (default: the last complete month)")
    parser.add_argument("--user", default="gm", help="who reads (default gm)")
    parser.add_argument("--runs", type=int, default=30, help="in-process requests per URL")
    parser.add_argument("--repeat", type=int, default=3, help="runs of reports and jobs")
    parser.add_argument("--wrk", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--port", type=int, default=8078)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--duration", default="20s")
    parser.add_argument("--warmup", default="3s")
    parser.add_argument("--vacuum", action=argparse.BooleanOptionalAction, default=True,
                        help="VACUUM ANALYZE the rollup tables first (default: yes)")
    parser.add_argument("--out", default=str(RESULTS / "kpi_bench.json"))
    args = parser.parse_args()
    parts = [p for p in args.parts.split(",") if p]
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
    setup_django()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from rest_framework.authtoken.models import Token

    from accounts.models import User
    from core.periods import today as local_today

    if {"api", "page"} & set(parts):  # DEBUG off: pages need the manifest of the current files
        call_command("collectstatic", interactive=False, verbosity=0)
    if args.vacuum:
        # This PostgreSQL runs with autovacuum off: without it, the rollup tables keep the
        # statistics of when they were empty and the dead rows of every refresh.
        t = time.perf_counter()
        with connection.cursor() as cur:
            for table in ("kpi_dailyrollup", "kpi_backlogsnapshot", "kpi_assetfaultrollup"):
                cur.execute(f"VACUUM ANALYZE {table}")
        log(f"VACUUM ANALYZE of the rollup tables: {time.perf_counter() - t:.1f} s")
    today = local_today()
    with connection.cursor() as cur:
        if args.contract:
            cur.execute("SELECT id, code FROM sla_contract WHERE code = %s", [args.contract])
        else:
            cur.execute("""
                SELECT c.id, c.code FROM sla_contract c JOIN tickets_ticket t
                ON t.contract_id = c.id WHERE c.code NOT LIKE 'DEMO-%%'
                GROUP BY c.id, c.code ORDER BY count(*) DESC LIMIT 1""")
        contract_id, code = cur.fetchone()
    quarter = args.quarter or last_complete_quarter(today)
    q_start, q_end = quarter_bounds(quarter)
    ctx = {"contract": code, "contract_id": contract_id, "quarter": quarter, "q_start": q_start,
           "q_end": q_end, "month": args.month or last_complete_month(today)}
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM tickets_ticket WHERE contract_id = %s AND created_at "
                    ">= %s AND created_at < %s",
                    [contract_id, q_start, q_end + timedelta(days=1)])
        ctx["quarter_tickets"] = cur.fetchone()[0]
        cur.execute("SELECT (SELECT count(*) FROM kpi_dailyrollup), "
                    "(SELECT count(*) FROM kpi_dailyrollup WHERE contract_id = %s AND day "
                    "BETWEEN %s AND %s), (SELECT count(*) FROM kpi_backlogsnapshot)",
                    [contract_id, q_start, q_end])
        ctx["rollup_rows"], ctx["quarter_rollup_rows"], ctx["backlog_rows"] = cur.fetchone()
    user = User.objects.get(username=args.user)
    token, _ = Token.objects.get_or_create(user=user)
    results: dict = {"context": {k: str(v) for k, v in ctx.items()}, "user": args.user,
                     "code": str(CODE), "database": settings.DATABASES["default"]["NAME"]}
    log(f"contract {code} ({ctx['quarter_tickets']:,} tickets filed in {quarter}; "
        f"{ctx['quarter_rollup_rows']:,} rollup rows of {ctx['rollup_rows']:,}), "
        f"month {ctx['month']}, as {args.user}")

    api_path = (f"/api/kpi/summary/?contract={code}&from={q_start.isoformat()}"
                f"&to={q_end.isoformat()}")
    page_path = f"/kpi/?contract={code}&period=quarter&quarter={quarter}"
    urls = {"api": (api_path, {"token": token.key}), "page": (page_path, {"user": user})}
    ready = {}
    if "figures" in parts:
        log("== kpi.figures for the quarter (in-process)")
        results["figures"] = bench_figures(ctx, args.runs)
    for part in ("api", "page"):
        if part not in parts:
            continue
        path, who = urls[part]
        log(f"== {part}: GET {path} (in-process, {args.runs} runs)")
        r = bench_request(path, args.runs, **who)
        results[part] = {"path": path, "in_process": r}
        if r.get("status") == 200:
            ready[part] = path
            log(f"  p50 {r['p50_ms']} ms, p95 {r['p95_ms']} ms, {r['queries']} queries "
                f"(SQL {r['sql_ms']} ms), {r['bytes']:,} bytes")
        else:
            log(f"  answered {r.get('status')} — not available yet, skipped")
    if "api_long" in parts:  # the longest periods the API allows, in-process only
        for days in (365, 3 * 366):
            start = q_end - timedelta(days=days - 1)
            path = f"/api/kpi/summary/?contract={code}&from={start}&to={q_end}"
            log(f"== api, {days} days: GET {path} (in-process, {args.runs} runs)")
            r = bench_request(path, args.runs, token=token.key)
            results[f"api_{days}_days"] = {"path": path, "in_process": r}
            if r.get("status") == 200:
                log(f"  p50 {r['p50_ms']} ms, p95 {r['p95_ms']} ms, {r['queries']} queries "
                    f"(SQL {r['sql_ms']} ms)")
            else:
                log(f"  answered {r.get('status')}")
    if args.wrk and ready:
        RESULTS.mkdir(parents=True, exist_ok=True)
        log(f"== gunicorn {args.workers} sync workers, wrk -t{args.threads} "
            f"-c{args.connections} {args.warmup} warm-up + {args.duration}")
        from django.test import Client

        login = Client()
        login.force_login(user)  # a real session row, as after the login form
        session_key = login.cookies[settings.SESSION_COOKIE_NAME].value
        try:
            with Gunicorn(args.port, args.workers, RESULTS / "kpi_bench-gunicorn.log"):
                base = f"http://127.0.0.1:{args.port}"
                for part, path in ready.items():
                    kw = ({"auth": f"Token {token.key}"} if part == "api"
                          else {"cookie": f"{settings.SESSION_COOKIE_NAME}={session_key}"})
                    res = run_wrk(base + path, args, **kw)
                    results[part]["wrk"] = res
                    if "error" in res:
                        log(f"  {part}: {res['error']}")
                        continue
                    log(f"  {part}: {res.get('rps', 0):.1f} req/s, p50 {res.get('p50_ms')} ms, "
                        f"p95 {res.get('p95_ms')} ms, p99 {res.get('p99_ms')} ms, errors "
                        f"{sum(v for k, v in res.items() if k.startswith('errors_'))} "
                        f"(busy before: {res['machine_busy_before']})")
        finally:
            login.logout()
            q = os.environ.get("CELERY_QUEUE", "bench")
            subprocess.run(["redis-cli", "-u", os.environ["REDIS_URL"], "DEL", q,
                            f"_kombu.binding.{q}"], capture_output=True, check=False)
    if "report" in parts:
        log(f"== monthly report {code} {ctx['month']}")
        results["report"] = bench_reports(ctx, args.repeat)
    if "jobs" in parts:
        log("== rollup jobs")
        results["jobs"] = bench_jobs(args.repeat)
    if "explain" in parts:
        log("== EXPLAIN of the rollup jobs' slowest queries")
        results["explain"] = explain_jobs()
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str))
    log(f"results: {args.out}")


if __name__ == "__main__":
    main()
