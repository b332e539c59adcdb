#!/usr/bin/env python
"""Bulk actions of the queue (issue 15.3) on 200 tickets, against PostgreSQL.

    .venv/bin/python bench/bulk.py            # --tickets 200 --runs 3

Creates the database itsm_bench_bulk if missing (DATABASE_URL overrides), migrates it, loads
the demo, then each run files --tickets fresh tickets on DEMO-DESKTOP (not timed) and times
`tickets_bulk` as the desk agent, one action after the other on all of them: dispatch to the
desktop engineer, change priority, add an internal note, pend (waiting for a vendor), resolve
as duplicate. Each row goes through the single action's locked service in its own
transaction, as the API and the queue page do. Target: every action under 5 s for 200
tickets. Prints the seconds and queries of each action (the median of the runs) as JSON, with
the machine's load average: the wall time means little on a machine busy with other work, so
it also prints the CPU seconds the action cost — this process plus its PostgreSQL backend
(/proc, same host) — which other work on the machine hardly changes.

Notifications are published on commit to Redis (REDIS_URL, default redis://127.0.0.1:6379/0)
on the queue CELERY_QUEUE (default bench) that nobody consumes.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import bench_env, ensure_database  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/itsm_bench_bulk"
TARGET_SECONDS = 5.0


def setup() -> None:
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    ensure_database(os.environ["DATABASE_URL"])
    os.environ.update(bench_env())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itsm.settings")
    root = Path(__file__).resolve().parent.parent
    os.chdir(root)
    sys.path.insert(0, str(root))
    import django

    django.setup()
    from django.core.management import call_command

    from core.state import demo_is_loaded

    call_command("migrate", verbosity=0)
    if not demo_is_loaded():
        call_command("load_demo", verbosity=0)


def _backend_cpu(pid: int) -> float:
    """CPU seconds (user + system) of the PostgreSQL backend serving this connection."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # another host: not measured
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def one_run(count: int) -> dict:
    from django.db import connection

    from accounts.models import User
    from sla.models import Contract
    from tickets.models import ServiceType
    from tickets.services import ticket_create, tickets_bulk

    desk = User.objects.get(username="desk")
    engineer = User.objects.get(username="engineer")
    requester = User.objects.get(username="user")
    contract = Contract.objects.get(code="DEMO-DESKTOP")
    hardware = ServiceType.objects.get(code="hardware")
    ids = [ticket_create(actor=desk, contract=contract, service_type=hardware,
                         requester=requester, title=f"批量基准 {n}").pk for n in range(count)]
    steps = [("dispatch", {"assignee": engineer}), ("priority", {"priority": 2}),
             ("comment", {"body": "批量备注", "internal": True}),
             ("pend", {"reason": "vendor"}), ("resolve", {"notes": "同一故障，作为重复解决"})]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    figures = {}
    for action, fields in steps:
        queries = []
        with connection.execute_wrapper(lambda execute, *a: queries.append(1) or execute(*a)):
            cpu, db_cpu = time.process_time(), _backend_cpu(backend)
            started = time.perf_counter()
            results = tickets_bulk(actor=desk, action=action, ids=ids, fields=fields)
            seconds = time.perf_counter() - started
            cpu, db_cpu = time.process_time() - cpu, _backend_cpu(backend) - db_cpu
        refused = [r for r in results if not r["ok"]]
        assert not refused, (action, refused[:3])
        figures[action] = {"seconds": round(seconds, 3), "queries": len(queries),
                           "cpu_python": round(cpu, 3), "cpu_postgres": round(db_cpu, 3)}
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    setup()
    runs = [one_run(args.tickets) for _ in range(args.runs)]
    summary = {action: {"seconds_median": statistics.median(r[action]["seconds"] for r in runs),
                        "seconds_max": max(r[action]["seconds"] for r in runs),
                        "queries": runs[-1][action]["queries"],
                        "cpu_python_median": statistics.median(r[action]["cpu_python"]
                                                               for r in runs),
                        "cpu_postgres_median": statistics.median(r[action]["cpu_postgres"]
                                                                 for r in runs),
                        "under_target": max(r[action]["seconds"] for r in runs) < TARGET_SECONDS}
               for action in runs[0]}
    print(json.dumps({"tickets": args.tickets, "runs": args.runs,
                      "load_average": os.getloadavg(), "cpus": os.cpu_count(),
                      "actions": summary},
                     indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
