#!/usr/bin/env python
"""SQL queries per request for the benchmarked URLs, in-process (django.test.Client), against
the bench database with the bench settings (DEBUG off).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/itsm_bench .venv/bin/python bench/queries.py

For each URL: status, number of queries (session and auth lookups included, as in production),
the summed SQL time and the in-process wall time (median of --runs after one warm-up), and
the slowest statement. Writes bench/results/queries.json (run.sh copies it into its run folder).
The creation case files one real ticket per run.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import RESULTS, setup_django, subjects  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", default=str(RESULTS / "queries.json"))
    args = parser.parse_args()
    setup_django()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from rest_framework.authtoken.models import Token

    from accounts.models import User

    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():  # DEBUG off: manifest
        call_command("collectstatic", interactive=False, verbosity=0)
    subj = subjects()
    desk = User.objects.get(pk=subj["desk"]["id"])
    enduser = User.objects.get(pk=subj["enduser"]["id"])
    user2 = User.objects.get(username="user2")
    token, _ = Token.objects.get_or_create(user=desk)
    body = {"contract": "DEMO-DESKTOP", "service_type": "hardware", "title": "压测工单 queries.py",
            "description": "query count", "requester": subj["user"]["id"], "priority": 3,
            "channel": "phone"}
    api = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    cases = [
        ("a", "queue", desk, "get", "/tickets/queue/?view=open", {}),
        ("a2", "queue htmx refresh", desk, "get", "/tickets/queue/?view=open",
         {"HTTP_HX_REQUEST": "true"}),
        ("b", "my tickets", enduser, "get", "/tickets/mine/", {}),
        ("b2", "my tickets (few)", user2, "get", "/tickets/mine/", {}),
        ("c", "ticket detail", desk, "get", f"/tickets/{subj['detail']['number']}/", {}),
        ("d", "API list open", None, "get", "/api/tickets/?open=true", api),
        ("e", "API create", None, "post", "/api/tickets/", api),
    ]
    results = []
    for key, name, user, method, url, extra in cases:
        client = Client()
        if user is not None:
            client.force_login(user)

        def call():
            if method == "post":
                return client.post(url, data=json.dumps(body), content_type="application/json",
                                   **extra)
            return client.get(url, **extra)

        call()  # warm-up (templates, connection, caches)
        walls, sqls, counts = [], [], []
        slowest = ("", 0.0)
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as ctx:
                t = time.perf_counter()
                response = call()
                walls.append((time.perf_counter() - t) * 1000)
            times = [float(q["time"]) * 1000 for q in ctx.captured_queries]
            sqls.append(sum(times))
            counts.append(len(ctx.captured_queries))
            for q, ms in zip(ctx.captured_queries, times):
                if ms > slowest[1]:
                    slowest = (q["sql"][:300], ms)
        row = {"key": key, "name": name, "url": url, "method": method.upper(),
               "status": response.status_code, "queries": max(counts),
               "queries_each_run": counts, "sql_ms": round(statistics.median(sqls), 2),
               "wall_ms": round(statistics.median(walls), 2),
               "slowest_sql_ms": round(slowest[1], 2), "slowest_sql": slowest[0]}
        results.append(row)
        print(f"({key}) {name:20} {method.upper():4} {url:40} {response.status_code}  "
              f"{row['queries']:3} queries  SQL {row['sql_ms']:7.1f} ms  "
              f"wall {row['wall_ms']:7.1f} ms  slowest {row['slowest_sql_ms']:.1f} ms",
              flush=True)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps({"subjects": subj, "requests": results}, indent=2,
                                         ensure_ascii=False))


if __name__ == "__main__":
    main()
