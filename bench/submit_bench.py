#!/usr/bin/env python
"""The API list and the two ways of filing a ticket, one request at a time in-process
(django.test.Client, DEBUG off, the bench settings), as issue 19 measures them:

- list:   the desk's `GET /api/tickets/?open=true` with a token (50 rows);
- create: the desk's `POST /api/tickets/` with a token (a P3 call for `user`, JSON);
- portal: the end user `user` filing on the portal form (`POST /tickets/new/`, a new
  submission key each time; the redirect to the ticket is not followed).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/itsm_bench .venv/bin/python bench/submit_bench.py

For each: queries, SQL ms (as the database driver timed them), CPU ms of this process
(time.process_time: Python, the driver and the renderer, not PostgreSQL's own CPU) and wall ms,
medians over --runs after --warmup requests. The tickets it files are titled "压测工单
submit_bench" and deleted at the end (with their clocks, timeline and history rows),
so the data set stays as generate.py made it. Writes bench/results/submit_bench.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import RESULTS, setup_django  # noqa: E402

TITLE = "压测工单 submit_bench"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--cases", default="list,create,portal")
    parser.add_argument("--out", default=str(RESULTS / "submit_bench.json"))
    args = parser.parse_args()
    setup_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from rest_framework.authtoken.models import Token

    from accounts.models import User

    desk = User.objects.get(username="desk")
    user = User.objects.get(username="user")
    token, _ = Token.objects.get_or_create(user=desk)
    api = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    create_body = json.dumps({"contract": "DEMO-DESKTOP", "service_type": "hardware",
                              "title": TITLE, "description": "API create",
                              "requester": user.pk, "priority": 3, "channel": "phone"})
    portal = Client()
    portal.force_login(user)
    anonymous = Client()

    def portal_form() -> dict:
        return {"submission_key": str(uuid.uuid4()), "contract": "DEMO-DESKTOP",
                "kind": "fault", "service_type": "hardware", "title": TITLE,
                "description": "portal submit", "contact_phone": "13800000000",
                "location": "3F"}

    cases = {
        "list": (lambda: anonymous.get("/api/tickets/?open=true", **api), 200),
        "create": (lambda: anonymous.post("/api/tickets/", data=create_body,
                                          content_type="application/json", **api), 201),
        "portal": (lambda: portal.post("/tickets/new/", data=portal_form()), 302),
    }
    results = []
    sessions = set()  # PostgreSQL backends that served the requests: 1 with persistent ones
    try:
        for name in args.cases.split(","):
            call, expected = cases[name]
            for _ in range(args.warmup):
                response = call()
                assert response.status_code == expected, (name, response.status_code,
                                                          response.content[:500])
            walls, cpus, sqls, counts = [], [], [], []
            for _ in range(args.runs):
                with CaptureQueriesContext(connection) as queries:
                    cpu, wall = time.process_time(), time.perf_counter()
                    response = call()
                    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
                assert response.status_code == expected, (name, response.status_code)
                sessions.add(connection.connection.info.backend_pid)
                walls.append(wall * 1000)
                cpus.append(cpu * 1000)
                sqls.append(sum(float(q["time"]) for q in queries.captured_queries) * 1000)
                counts.append(len(queries.captured_queries))
            row = {"case": name, "runs": args.runs, "queries": sorted(set(counts)),
                   "cpu_ms": round(statistics.median(cpus), 2),
                   "sql_ms": round(statistics.median(sqls), 2),
                   "wall_ms": round(statistics.median(walls), 2)}
            if name == "list":
                row["rows"] = len(response.json()["results"])
            results.append(row)
            print(f"{name:7} queries {row['queries']}  CPU {row['cpu_ms']:6.2f} ms  "
                  f"SQL {row['sql_ms']:6.2f} ms  wall {row['wall_ms']:6.2f} ms", flush=True)
    finally:
        deleted = _delete_filed()
    load = os.getloadavg()
    print(f"deleted {deleted} tickets filed by the run; load average {load[0]:.2f} "
          f"{load[1]:.2f} {load[2]:.2f}; database sessions used: {len(sessions)} "
          f"(CONN_MAX_AGE {connection.settings_dict['CONN_MAX_AGE']})")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps({"load": load, "database_sessions": len(sessions),
                                          "requests": results}, indent=2))


def _delete_filed() -> int:
    """Delete what the run filed: the tickets (Django cascades to clocks, timeline and notice
    tags) and their history rows, which no foreign key ties to them. P3 tickets filed by the
    desk or their requester write no notification."""
    from django.db import transaction

    from tickets.models import Ticket

    with transaction.atomic():
        ids = list(Ticket.objects.filter(title=TITLE).values_list("pk", flat=True))
        Ticket.history.filter(id__in=ids).delete()
        Ticket.objects.filter(pk__in=ids).delete()
    return len(ids)


if __name__ == "__main__":
    main()
