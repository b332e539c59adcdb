#!/usr/bin/env python
"""Global search at volume (issue 15): p50/p95 of GET /api/search/ and the queue's q.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/itsm_bench .venv/bin/python bench/search.py

Needs the bench database (bench/generate.py; its migrate step builds the trigram indexes of
tickets 0007, and the bulk load recreates them). In-process: django.test.Client with the bench
settings (DEBUG off), one warm-up, then --runs requests per case; wall time per request and the
queries of the last one. Cases: a two-character Chinese term that is common (卡纸), one that is
rarer (蓝屏) and one that is nowhere (鲸鱼), a three-character one (打印机), an English word
(Outlook), an English word that is nowhere (Ethernet), a partial ticket number; for each role:
the general manager (every contract), the desk agent (most contracts), the bulk engineer who
sees the most tickets, and the bulk data's busiest end user (department visibility on); and the
queue page's q. Results: bench/results/search.json.
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
from common import RESULTS, setup_django, subjects  # noqa: E402

TERMS = [("zh2 common", "卡纸"), ("zh2 rarer", "蓝屏"), ("zh2 absent", "鲸鱼"), ("zh3", "打印机"),
         ("en word", "Outlook"), ("en absent", "Ethernet")]


def busiest_engineer():
    """The generated engineer whose contracts hold the most tickets (the engineer's worst case)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("""
            SELECT u.id FROM accounts_user u
            JOIN sla_contractmember m ON m.user_id = u.id
            JOIN (SELECT contract_id, count(*) AS n FROM tickets_ticket GROUP BY contract_id) t
              ON t.contract_id = m.contract_id
            WHERE u.username LIKE 'bench-%%' AND u.role IN ('engineer', 'second_line')
            GROUP BY u.id ORDER BY sum(t.n) DESC, u.id LIMIT 1""")
        return cur.fetchone()[0]


def _time(client, url, runs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)  # warm-up
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
    found = len(response.json()["results"]) if url.startswith("/api/") else None
    times.sort()
    sql_ms = sum(float(q["time"]) for q in queries.captured_queries) * 1000
    return {"url": url, "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 1),
            "max_ms": round(times[-1], 1), "queries": len(queries), "sql_ms_last": round(sql_ms, 1),
            "results": found, "load_1min": round(os.getloadavg()[0], 2)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--out", default=str(RESULTS / "search.json"))
    parser.add_argument("--who", default="manager,desk,engineer,enduser",
                        help="comma-separated subset of the roles measured")
    args = parser.parse_args()
    setup_django()
    from urllib.parse import quote

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from accounts.models import User
    from tickets.models import Ticket

    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():  # DEBUG off: manifest
        call_command("collectstatic", interactive=False, verbosity=0)
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM tickets_ticket")
        tickets = cur.fetchone()[0]
        cur.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = 'tickets_entry'")
        entries = cur.fetchone()[0]
    subj = subjects()
    people = {"manager": User.objects.get(username="gm"),
              "desk": User.objects.get(username="desk"),
              "engineer": User.objects.get(pk=busiest_engineer()),
              "enduser": User.objects.get(pk=subj["enduser"]["id"])}
    number = Ticket.objects.order_by("-pk").values_list("number", flat=True)[5000]
    terms = [*TERMS, ("number part", number[-6:])]
    cases = []
    for who, person in people.items():
        if who not in args.who.split(","):
            continue
        client = Client()
        client.force_login(person)
        for label, term in terms:
            case = _time(client, f"/api/search/?q={quote(term)}", args.runs)
            cases.append({"who": who, "username": person.username, "case": label,
                          "term": term, **case})
            print(json.dumps(cases[-1], ensure_ascii=False), flush=True)
    client = Client()
    client.force_login(User.objects.get(username="desk"))
    for label, term in (("queue q zh2", "卡纸"), ("queue q en", "Outlook")):
        case = _time(client, f"/tickets/queue/?view=open&q={quote(term)}", args.runs)
        cases.append({"who": "desk", "case": label, "term": term, **case})
        print(json.dumps(cases[-1], ensure_ascii=False), flush=True)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps({"tickets": tickets, "entries_estimate": entries,
                                          "runs": args.runs, "cases": cases},
                                         ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
