#!/usr/bin/env python
"""The ticket detail page in-process (issue 19): CPU and wall time, queries, SQL time, the
share of template rendering, and how many querysets were compiled to SQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/itsm_bench .venv/bin/python bench/detail.py
    ... bench/detail.py --runs 50 --profile 25     # and the 25 costliest functions (cProfile)

The subject is bench/common.py's: the desk agent viewing the newest open ticket it may see with
five timeline entries (queries.py's case c). CPU time is this process's (time.process_time), so
PostgreSQL's own work is not in it; the machine's load skews wall time far more than CPU time.
Writes bench/results/detail.json.
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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import RESULTS, setup_django, subjects  # noqa: E402


class Counting:
    """Wraps a method to count its calls (e.g. SQLCompiler.as_sql: one per query compiled)."""

    def __init__(self, owner, name: str):
        self.owner, self.name, self.calls = owner, name, 0
        self.original = getattr(owner, name)

    def __enter__(self):
        original, counter = self.original, self

        def counted(*args, **kwargs):
            counter.calls += 1
            return original(*args, **kwargs)

        setattr(self.owner, self.name, counted)
        return self

    def __exit__(self, *exc):
        setattr(self.owner, self.name, self.original)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="print the N functions with the most cumulative time")
    parser.add_argument("--out", default=str(RESULTS / "detail.json"))
    parser.add_argument("--html", help="also write the last page to this file (to compare the "
                        "HTML of two versions: the CSRF tokens differ)")
    args = parser.parse_args()
    setup_django()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.db.models.sql.compiler import SQLCompiler
    from django.template import base as template_base
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():  # DEBUG off: manifest
        call_command("collectstatic", interactive=False, verbosity=0)
    subject = subjects()
    desk = User.objects.get(pk=subject["desk"]["id"])
    url = f"/tickets/{subject['detail']['number']}/"
    client = Client()
    client.force_login(desk)
    assert client.get(url).status_code == 200  # warm-up: templates, connection, caches

    # Template rendering: the top-level Template.render calls (nested ones are inside them).
    render_time = [0.0]
    depth = [0]
    original_render = template_base.Template.render

    def timed_render(self, context):
        depth[0] += 1
        started = time.process_time()
        try:
            return original_render(self, context)
        finally:
            depth[0] -= 1
            if depth[0] == 0:
                render_time[0] += time.process_time() - started

    cpus, walls, sqls, counts, renders, compiled = [], [], [], [], [], []
    template_base.Template.render = timed_render
    try:
        for _ in range(args.runs):
            render_time[0] = 0.0
            with CaptureQueriesContext(connection) as queries, \
                    Counting(SQLCompiler, "as_sql") as compiles:
                cpu, wall = time.process_time(), time.perf_counter()
                response = client.get(url)
                cpus.append((time.process_time() - cpu) * 1000)
                walls.append((time.perf_counter() - wall) * 1000)
            assert response.status_code == 200, response.status_code
            renders.append(render_time[0] * 1000)
            sqls.append(sum(float(q["time"]) for q in queries.captured_queries) * 1000)
            counts.append(len(queries.captured_queries))
            compiled.append(compiles.calls)
    finally:
        template_base.Template.render = original_render
    row = {"url": url, "subject": subject["detail"], "runs": args.runs,
           "cpu_ms": round(statistics.median(cpus), 2),
           "wall_ms": round(statistics.median(walls), 2),
           "template_cpu_ms": round(statistics.median(renders), 2),
           "sql_ms": round(statistics.median(sqls), 2), "queries": max(counts),
           "sql_compiled": max(compiled), "bytes": len(response.content),
           "sql": [q["sql"][:200] for q in queries.captured_queries]}
    print(f"{url}  {row['queries']} queries ({row['sql_compiled']} compiled)  "
          f"CPU {row['cpu_ms']:.1f} ms (templates {row['template_cpu_ms']:.1f})  "
          f"wall {row['wall_ms']:.1f} ms  SQL {row['sql_ms']:.1f} ms  "
          f"{row['bytes']} bytes  (medians of {args.runs})")
    for sql in row["sql"]:
        print("   ", sql[:160])
    if args.profile:
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(10):
            client.get(url)
        profile.disable()
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(args.profile)
        print("cProfile, 10 requests:\n" + out.getvalue())
    if args.html:
        Path(args.html).write_bytes(response.content)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(row, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
