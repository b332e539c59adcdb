#!/usr/bin/env python
"""Problems, changes and maintenance notices at volume (issue 18, k18chg): the lists, the
calendar, the API and the client's home page with its banner.

    .venv/bin/python bench/changes_lists.py [--rows 100000] [--runs 30]

Uses its own PostgreSQL database (default itsm_bench_changes; override with DATABASE_URL),
creates and migrates it, loads the demo, generates --rows changes and problems and --rows/5
notices (bulk_create, no history rows: fixture volume) on first run, then times each scenario
in-process through django.test.Client (DEBUG off, templates rendered): p50/p95/max, queries.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/itsm_bench_changes")
from common import ensure_database, setup_django, time_get  # noqa: E402

SCENARIOS = [
    ("pm", "problems, first page", "/problems/"),
    ("pm", "problems, status filter", "/problems/?status=open&contract=DEMO-DESKTOP"),
    ("pm", "changes, first page", "/changes/"),
    ("pm", "changes, status filter", "/changes/?status=pending"),
    ("pm", "notices, upcoming", "/notices/"),
    ("pm", "maintenance calendar", "/notices/calendar/"),
    ("client", "client home with banner", "/client/"),
    ("user", "end user home with banner", "/portal/"),
    ("client", "API changes", "/api/changes/"),
    ("client", "API notices", "/api/notices/"),
]


def generate(rows: int) -> None:
    from core.clock import now
    from knowledge.models import Change, Notice, Problem
    from sla.models import Contract

    moment = now()
    contracts = list(Contract.objects.filter(code__in=["DEMO-DESKTOP", "DEMO-SERVER"]))
    pm = contracts[0].project_manager
    batch = 5000
    statuses = list(Change.Status.values)
    for start in range(0, rows, batch):
        Change.objects.bulk_create([
            Change(number=f"GEN-C-{i:07d}", contract=contracts[i % 2], title=f"变更 {i}",
                   reason="批量", status=statuses[i % len(statuses)], requested_by=pm,
                   created_at=moment - timedelta(minutes=i), updated_at=moment)
            for i in range(start, min(start + batch, rows))])
        Problem.objects.bulk_create([
            Problem(number=f"GEN-P-{i:07d}", contract=contracts[i % 2], title=f"问题 {i}",
                    status=Problem.Status.values[i % 7], owner=pm,
                    created_at=moment - timedelta(minutes=i), updated_at=moment)
            for i in range(start, min(start + batch, rows))])
    notices = rows // 5
    for start in range(0, notices, batch):
        # Mostly past windows (a year of history), a few hundred upcoming.
        Notice.objects.bulk_create([
            Notice(contract=contracts[i % 2], title=f"维护 {i}", body="批量",
                   starts_at=moment - timedelta(hours=(i - 300) * 3),
                   ends_at=moment - timedelta(hours=(i - 300) * 3 - 1), published_by=pm,
                   published_at=moment, updated_at=moment)
            for i in range(start, min(start + batch, notices))])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    ensure_database(os.environ["DATABASE_URL"])
    setup_django()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from accounts.models import User
    from knowledge.models import Change

    call_command("migrate", verbosity=0)
    if not User.objects.filter(username="desk").exists():
        from demo.data import load_demo

        load_demo()
    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)
    if Change.objects.filter(number__startswith="GEN-").count() < args.rows:
        started = time.perf_counter()
        generate(args.rows)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"generated {args.rows:,} changes and problems, {args.rows // 5:,} notices in "
              f"{time.perf_counter() - started:.0f} s")
    print(f"{Change.objects.count():,} changes; {args.runs} runs each after one warm-up\n")
    print(f"{'scenario':30} {'role':7} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'queries':>8}")
    clients = {}
    for role, label, url in SCENARIOS:
        if role not in clients:
            clients[role] = Client()
            clients[role].force_login(User.objects.get(username=role))
        timed = time_get(clients[role], url, args.runs)
        assert timed.response.status_code == 200, (url, timed.response.status_code)
        print(f"{label:30} {role:7} {timed.p50:8.1f} {timed.p95:8.1f} {timed.max:8.1f} "
              f"{len(timed.queries):8d}")


if __name__ == "__main__":
    main()
