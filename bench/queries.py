#!/usr/bin/env python
"""SQL queries and in-process time per request for the benchmarked URLs (the cases of
bench/run.sh), through django.test.Client against the bench database with the bench settings
(DEBUG off).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/itsm_bench .venv/bin/python bench/queries.py
    .venv/bin/python bench/queries.py --cases a,a3 --runs 20 --profile

For each case: status, queries (session and auth lookups included, as in production), and the
medians over --runs after one warm-up of: wall time, this process's CPU time (steadier than the
wall time on a shared machine: PostgreSQL's work is not in it), SQL time, and template time
(the outermost template render, minus the SQL run inside it; and its CPU time); Python = wall -
SQL - template.
--profile writes a cProfile of the runs per case (results/profile-<key>.txt, by own time and
by cumulative time, and the raw results/profile-<key>.prof) and prints the Python function
calls per request, a figure that does not move with the machine's load.
Writes results/queries.json (run.sh copies it into its run folder).

The POST cases (e, h) file one real ticket per run, titled 压测工单 like run.sh's, which run.sh
deletes at its end: run them on a copy of the bench database (--cases without e,h otherwise).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import statistics
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import RESULTS, setup_django, subjects  # noqa: E402

# key → (name, who, method, path); who is a key of the people below, or "token" (the desk's
# DRF token). {number}, {kpi_contract}, {kpi_quarter} come from common.subjects().
CASES = {
    "a": ("queue", "desk", "GET", "/tickets/queue/?view=open"),
    "a2": ("queue htmx refresh", "desk-htmx", "GET", "/tickets/queue/?view=open"),
    "a3": ("queue search 打印机", "desk", "GET", "/tickets/queue/?view=open&q=" + quote("打印机")),
    "a4": ("queue search 卡纸", "desk", "GET", "/tickets/queue/?view=open&q=" + quote("卡纸")),
    "b": ("my tickets", "enduser", "GET", "/tickets/mine/"),
    "b2": ("my tickets (few)", "user2", "GET", "/tickets/mine/"),
    "c": ("ticket detail", "desk", "GET", "/tickets/{number}/"),
    "c2": ("API ticket", "token", "GET", "/api/tickets/{ticket_id}/"),  # queries.py only
    "d": ("API list open", "token", "GET", "/api/tickets/?open=true"),
    "e": ("API create", "token", "POST", "/api/tickets/"),
    "f": ("API search 卡纸", "token", "GET", "/api/tickets/?q=" + quote("卡纸")),
    "f2": ("API search 打印机", "token", "GET", "/api/tickets/?q=" + quote("打印机")),
    "g": ("KPI quarter dashboard", "gm", "GET",
          "/kpi/?contract={kpi_contract}&period=quarter&quarter={kpi_quarter}"),
    "h": ("portal submit", "user", "POST", "/tickets/new/"),
}


class TemplateClock:
    """Time spent in the outermost template render of each response, without the SQL that
    ran inside it (a lazy queryset evaluated by the template counts as SQL, not template)."""

    def __init__(self, queries):
        self.queries = queries  # the CaptureQueriesContext of the request
        self.ms = 0.0
        self.cpu_ms = 0.0
        self.depth = 0

    def __enter__(self):
        from django.template.backends.django import Template

        self.original = Template.render
        clock = self

        def render(template, context=None, request=None):
            if clock.depth:
                return clock.original(template, context, request)
            clock.depth += 1
            first = len(clock.queries.captured_queries)
            started, cpu = time.perf_counter(), time.process_time()
            try:
                return clock.original(template, context, request)
            finally:
                clock.depth -= 1
                clock.cpu_ms += (time.process_time() - cpu) * 1000
                inside = clock.queries.captured_queries[first:]
                clock.ms += ((time.perf_counter() - started) * 1000
                             - sum(float(q["time"]) for q in inside) * 1000)

        Template.render = render
        return self

    def __exit__(self, *exc):
        from django.template.backends.django import Template

        Template.render = self.original


def _request_maker(key: str, client, path: str, subj: dict):
    """A function doing one request of the case (POSTs: a new ticket each time)."""
    method = CASES[key][2]
    extra = {"HTTP_HX_REQUEST": "true"} if CASES[key][1] == "desk-htmx" else {}
    if method == "GET":
        return lambda: client.get(path, **extra)
    if key == "e":
        body = {"contract": "DEMO-DESKTOP", "service_type": "hardware",
                "title": "压测工单 queries.py", "description": "query count",
                "requester": subj["user"]["id"], "priority": 3, "channel": "phone"}
        return lambda: client.post(path, data=json.dumps(body), content_type="application/json")

    def submit():  # the portal form, as bench/lua/submit.lua sends it
        return client.post(path, {
            "submission_key": str(uuid.uuid4()), "contract": "DEMO-DESKTOP", "kind": "fault",
            "service_type": "hardware", "title": "压测工单 queries.py portal",
            "description": "query count", "contact_phone": "", "location": ""})
    return submit


def measure(key: str, client, path: str, subj: dict, runs: int, profile: bool) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call = _request_maker(key, client, path, subj)
    call()  # warm-up (templates, connection, caches)
    walls, cpus, sqls, templates, template_cpus, counts = [], [], [], [], [], []
    slowest = ("", 0.0)
    # CPU time, not wall: waiting for PostgreSQL (or for a core) is not what a profile is for.
    profiler = cProfile.Profile(time.process_time) if profile else None
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx, TemplateClock(ctx) as tpl:
            cpu, wall = time.process_time(), time.perf_counter()
            if profiler:
                profiler.enable()
            response = call()
            if profiler:
                profiler.disable()
            walls.append((time.perf_counter() - wall) * 1000)
            cpus.append((time.process_time() - cpu) * 1000)
        times = [float(q["time"]) * 1000 for q in ctx.captured_queries]
        sqls.append(sum(times))
        templates.append(tpl.ms)
        template_cpus.append(tpl.cpu_ms)
        counts.append(len(ctx.captured_queries))
        for q, ms in zip(ctx.captured_queries, times, strict=True):
            if ms > slowest[1]:
                slowest = (q["sql"][:300], ms)
    calls = None
    if profiler:
        # Function calls per request: the same from run to run, so a change's effect on the
        # Python work shows on a machine too noisy for a few per cent of CPU time.
        calls = pstats.Stats(profiler).total_calls // runs
        out = io.StringIO()
        for order in ("tottime", "cumulative"):
            pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(40)
        (RESULTS / f"profile-{key}.txt").write_text(out.getvalue())
        profiler.dump_stats(RESULTS / f"profile-{key}.prof")  # for pstats / snakeviz
    wall, sql, template = (statistics.median(x) for x in (walls, sqls, templates))
    return {"status": response.status_code, "queries": max(counts), "queries_each_run": counts,
            "wall_ms": round(wall, 2), "cpu_ms": round(statistics.median(cpus), 2),
            "sql_ms": round(sql, 2), "template_ms": round(template, 2),
            "template_cpu_ms": round(statistics.median(template_cpus), 2),
            "python_ms": round(wall - sql - template, 2),
            "slowest_sql_ms": round(slowest[1], 2), "slowest_sql": slowest[0],
            "bytes": len(response.content), "calls_per_request": calls,
            "statements": [q["sql"] for q in ctx.captured_queries]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cases", default=",".join(CASES),
                        help=f"comma-separated keys of {', '.join(CASES)} (default: all)")
    parser.add_argument("--profile", action="store_true",
                        help="write results/profile-<key>.txt (cProfile of the runs)")
    parser.add_argument("--sql", action="store_true",
                        help="print the statements of each case's last run")
    parser.add_argument("--out", default=str(RESULTS / "queries.json"))
    args = parser.parse_args()
    keys = [k for k in args.cases.split(",") if k]
    unknown = set(keys) - set(CASES)
    if unknown:
        parser.error(f"unknown cases: {', '.join(sorted(unknown))}")
    setup_django()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from accounts.models import User
    from tickets.models import Ticket

    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():  # DEBUG off: manifest
        call_command("collectstatic", interactive=False, verbosity=0)
    RESULTS.mkdir(parents=True, exist_ok=True)
    subj = subjects()
    desk = User.objects.get(pk=subj["desk"]["id"])
    people = {"desk": desk, "desk-htmx": desk, "user2": User.objects.get(username="user2"),
              "enduser": User.objects.get(pk=subj["enduser"]["id"]),
              "gm": User.objects.get(username="gm"), "user": User.objects.get(username="user")}
    token, _ = Token.objects.get_or_create(user=desk)
    fill = {"number": subj["detail"]["number"], "kpi_contract": subj["kpi"]["contract"],
            "ticket_id": Ticket.objects.get(number=subj["detail"]["number"]).pk,
            "kpi_quarter": subj["kpi"]["quarter"]}
    results = []
    for key in keys:
        name, who, method, path = CASES[key]
        path = path.format(**fill)
        client = Client()
        if who == "token":
            client.defaults["HTTP_AUTHORIZATION"] = f"Token {token.key}"
        else:
            client.force_login(people[who])
        row = {"key": key, "name": name, "url": path, "method": method,
               **measure(key, client, path, subj, args.runs, args.profile)}
        results.append(row)
        print(f"({key}) {name:22} {method:4} {path[:48]:48} {row['status']}  "
              f"{row['queries']:3} queries  wall {row['wall_ms']:6.1f} ms  "
              f"CPU {row['cpu_ms']:6.1f}  SQL {row['sql_ms']:6.1f}  "
              f"template {row['template_ms']:6.1f} (CPU {row['template_cpu_ms']:5.1f})  "
              f"Python {row['python_ms']:6.1f}  "
              f"slowest SQL {row['slowest_sql_ms']:.1f}"
              + (f"  calls {row['calls_per_request']:,}" if row["calls_per_request"] else ""),
              flush=True)
        if args.sql:
            for number, statement in enumerate(row["statements"], 1):
                print(f"    {number:2}. {statement[:400]}")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps({"subjects": subj, "runs": args.runs,
                                          "requests": results}, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
