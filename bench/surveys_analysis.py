#!/usr/bin/env python
"""The satisfaction analysis page at volume: one contract-year with 200,000 answered ticket
surveys (issue 6 target: under 500 ms).

    .venv/bin/python bench/surveys_analysis.py [--surveys 200000] [--runs 20] [--explain]

Uses its own PostgreSQL database (default itsm_bench_surveys; override with DATABASE_URL),
creates and migrates it, loads the demo and, on first run, bulk-creates minimal resolved tickets
of DEMO-DESKTOP spread over last year with one answered survey each, then ANALYZE. Times the
page in-process through django.test.Client (DEBUG off, session login as pm, template rendered),
the Excel export and the API: one warm-up, then --runs requests; prints p50/p95/max and queries.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/itsm_bench_surveys")
from common import ensure_database, setup_django, time_get  # noqa: E402

CONTRACT = "DEMO-DESKTOP"
YEAR = 2025
BATCH = 5000


def generate(count: int) -> None:
    """Minimal resolved tickets (numbers BENCH-S-n) and one answered survey each, spread evenly
    over the year; scores mostly 4–5 so the figures look like a real contract."""
    import secrets
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from accounts.models import User
    from sla.models import Contract
    from surveys.models import TicketSurvey
    from tickets.models import ResolutionCode, ServiceType, Status, Ticket

    rng = random.Random(6)
    contract = Contract.objects.get(code=CONTRACT)
    service_type = ServiceType.objects.order_by("pk").first()
    requesters = list(User.objects.filter(organisation_id=contract.client_id, role="end_user"))
    engineer = User.objects.get(username="engineer")
    start = datetime(YEAR, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
    step = timedelta(days=365) / count
    have = Ticket.objects.filter(number__startswith="BENCH-S-").count()
    for offset in range(have, count, BATCH):
        tickets, surveys = [], []
        for n in range(offset, min(offset + BATCH, count)):
            at = start + step * n
            requester = requesters[n % len(requesters)]
            tickets.append(Ticket(
                number=f"BENCH-S-{n:07d}", contract=contract, service_type=service_type,
                title="bench", requester=requester, logged_by=requester, status=Status.CLOSED,
                assignee=engineer, resolution_code=next(iter(ResolutionCode)),
                created_at=at - timedelta(hours=4), updated_at=at,
                resolved_at=at, closed_at=at))
        Ticket.objects.bulk_create(tickets)
        for t in tickets:
            scores = [rng.choices((5, 4, 3, 2, 1), (60, 30, 6, 3, 1))[0] for _ in range(4)]
            surveys.append(TicketSurvey(
                ticket=t, contract=contract, requester=t.requester, engineer=engineer,
                token=secrets.token_urlsafe(32), sent_at=t.resolved_at,
                expires_at=t.resolved_at + timedelta(days=7),
                answered_at=t.resolved_at + timedelta(hours=rng.randint(1, 100)),
                fixed=rng.random() < 0.97, response_speed=scores[0], attitude=scores[1],
                ability=scores[2], overall=scores[3]))
        TicketSurvey.objects.bulk_create(surveys)
        print(f"  {offset + len(tickets):,} / {count:,}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--surveys", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    ensure_database(os.environ["DATABASE_URL"])
    setup_django()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from accounts.models import User
    from surveys.models import TicketSurvey

    call_command("migrate", verbosity=0)
    if not User.objects.filter(username="pm").exists():
        from demo.data import load_demo

        load_demo()
    # Always: the shared manifest may predate the vendored Chart.js the page links to.
    call_command("collectstatic", interactive=False, verbosity=0)
    if TicketSurvey.objects.filter(ticket__number__startswith="BENCH-S-").count() < args.surveys:
        started = time.perf_counter()
        generate(args.surveys)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE tickets_ticket")
            cursor.execute("ANALYZE surveys_ticketsurvey")
        print(f"generated in {time.perf_counter() - started:.0f} s")
    with connection.cursor() as cursor:  # statistics for the month index of migration 0003
        cursor.execute("ANALYZE surveys_ticketsurvey")
    total = TicketSurvey.objects.filter(contract__code=CONTRACT).count()
    query = f"contract={CONTRACT}&from={YEAR}-01-01&to={YEAR}-12-31"
    scenarios = [("analysis page, one year", f"/surveys/analysis/?{query}"),
                 ("analysis page, one month", f"/surveys/analysis/?contract={CONTRACT}"
                                              f"&from={YEAR}-06-01&to={YEAR}-06-30"),
                 ("Excel export, one year", f"/surveys/analysis/?{query}&format=xlsx"),
                 ("API, one year", f"/api/surveys/analysis/?{query}")]
    client = Client()
    client.force_login(User.objects.get(username="pm"))
    print(f"{total:,} surveys on {CONTRACT}; pm; {args.runs} runs each after one warm-up\n")
    print(f"{'scenario':28} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'queries':>8}")
    for label, url in scenarios:
        timed = time_get(client, url, args.runs)
        print(f"{label:28} {timed.p50:8.1f} {timed.p95:8.1f} {timed.max:8.1f} "
              f"{len(timed.queries):8d}")
        if args.explain:
            slowest = max(timed.queries.captured_queries, key=lambda q: float(q["time"]))
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN ANALYZE " + slowest["sql"])
                print("\n".join(r[0] for r in cursor.fetchall()))


if __name__ == "__main__":
    main()
