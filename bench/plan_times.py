#!/usr/bin/env python
"""Planning and execution time of every query one page runs, from PostgreSQL's own EXPLAIN
(ANALYZE, SUMMARY): finds the queries whose planning costs more than their execution.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/itsm_bench .venv/bin/python bench/plan_times.py
    .venv/bin/python bench/plan_times.py --cases c,d --repeat 5

Requests a case of queries.py once to warm up, once more to capture its queries, then EXPLAINs
each SELECT --repeat times (the last run is reported: the earlier ones warm the caches). BEGIN,
COMMIT and SET statements are listed but not explained. The planner settings a block of the
page sets (core.planner) are not in force in this separate EXPLAIN: `--hint` runs the EXPLAINs
with `join_collapse_limit = 1` to show what the hint changes.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import setup_django, subjects  # noqa: E402
from queries import CASES  # noqa: E402

# Pages queries.py does not time: the open ticket page's poll (every few seconds per open page).
EXTRA_CASES = {"live": ("ticket page poll", "desk", "GET",
                        "/tickets/{number}/changes/?version=0&after=0"),
               "api-detail": ("API ticket", "token", "GET", "/api/tickets/{ticket_id}/")}
PLANNING = re.compile(r"Planning Time: ([\d.]+)")
EXECUTION = re.compile(r"Execution Time: ([\d.]+)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", default="a,c,d,g", help="keys of queries.py's CASES (GET only), or live")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--hint", action="store_true",
                        help="EXPLAIN with join_collapse_limit = 1 (core.planner's hint)")
    args = parser.parse_args()
    setup_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from rest_framework.authtoken.models import Token

    from accounts.models import User

    subj = subjects()
    desk = User.objects.get(pk=subj["desk"]["id"])
    people = {"desk": desk, "desk-htmx": desk, "user2": User.objects.get(username="user2"),
              "enduser": User.objects.get(pk=subj["enduser"]["id"]),
              "gm": User.objects.get(username="gm"), "user": User.objects.get(username="user")}
    from tickets.models import Ticket

    fill = {"number": subj["detail"]["number"],
            "ticket_id": Ticket.objects.get(number=subj["detail"]["number"]).pk, "kpi_contract": subj["kpi"]["contract"],
            "kpi_quarter": subj["kpi"]["quarter"]}
    for key in args.cases.split(","):
        name, who, method, path = {**CASES, **EXTRA_CASES}[key]
        if method != "GET":
            print(f"({key}) {name}: skipped, not a GET")
            continue
        path = path.format(**fill)
        client = Client()
        if who == "token":
            token, _ = Token.objects.get_or_create(user=desk)
            client.defaults["HTTP_AUTHORIZATION"] = f"Token {token.key}"
        else:
            client.force_login(people[who])
        client.get(path)
        with CaptureQueriesContext(connection) as captured:
            status = client.get(path).status_code
        print(f"({key}) {name}  GET {path}  {status}, {len(captured)} statements")
        planned = executed = 0.0
        with connection.cursor() as cursor:
            if args.hint:
                cursor.execute("SET join_collapse_limit = 1")
            for query in captured.captured_queries:
                sql = query["sql"]
                if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                    print(f"    {'':>22}  {sql[:100]}")
                    continue
                for _ in range(args.repeat):
                    cursor.execute("EXPLAIN (ANALYZE, SUMMARY) " + sql)
                    plan = "\n".join(row[0] for row in cursor.fetchall())
                planning = float(PLANNING.search(plan).group(1))
                execution = float(EXECUTION.search(plan).group(1))
                planned, executed = planned + planning, executed + execution
                flag = "  <- planning > execution" if planning > max(execution, 1.0) else ""
                print(f"    plan {planning:6.2f} exec {execution:6.2f}  {sql[:90]}{flag}")
            if args.hint:
                cursor.execute("RESET join_collapse_limit")
        print(f"    total: planning {planned:.1f} ms, execution {executed:.1f} ms")


if __name__ == "__main__":
    main()
