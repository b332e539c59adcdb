"""Shared by the benchmark scripts: the environment they run Django in, the subjects they
measure (the desk agent, a bulk end user with many tickets, a ticket with five entries), and
timing a page through the test client."""

from __future__ import annotations

import os
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
# The application code measured: this checkout by default, or another tree (e.g. a snapshot of
# a commit made with `git archive`) when the working tree is mid-edit.
CODE = Path(os.environ.get("BENCH_CODE") or ROOT).resolve()
RESULTS = BENCH / "results"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/itsm_bench"
DEMO_PASSWORD = "demo12345"  # the published demo credential; bulk users get the same
BULK_PREFIX = "bench-"       # usernames of generated people start with this


def bench_env(base: dict | None = None) -> dict:
    """Production-like settings (DEBUG off) against the bench database; every bench artefact
    (var dir, broker files, static files) stays under bench/results/."""
    env = dict(os.environ if base is None else base)
    env.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    env.setdefault("DEBUG", "false")
    env.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789abcdef")
    env.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
    env.setdefault("SECURE_SSL_REDIRECT", "false")
    env.setdefault("SESSION_COOKIE_SECURE", "false")
    env.setdefault("CSRF_COOKIE_SECURE", "false")
    env.setdefault("SECURE_HSTS_SECONDS", "0")
    env.setdefault("CELERY_QUEUE", "bench")
    env.setdefault("ITSM_VAR_DIR", str(RESULTS / "var"))
    env.setdefault("STATIC_ROOT", str(RESULTS / "static"))  # run.sh uses a temporary one
    env.setdefault("LOG_LEVEL", "WARNING")
    return env


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database of a DATABASE_URL if it does not exist yet."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    dbname = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))


def setup_django() -> None:
    os.environ.update(bench_env())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itsm.settings")
    # Some libraries put the working directory first on sys.path: make it the measured tree.
    os.chdir(CODE)
    sys.path.insert(0, str(CODE))
    import django

    django.setup()


@dataclass
class Timing:
    """Wall times (ms, sorted) of repeated GETs, with the last run's queries and response."""

    timings: list[float]
    queries: object  # django.test.utils.CaptureQueriesContext
    response: object

    @property
    def p50(self) -> float:
        return statistics.median(self.timings)

    @property
    def p95(self) -> float:
        return self.timings[max(int(len(self.timings) * 0.95) - 1, 0)]

    @property
    def max(self) -> float:
        return self.timings[-1]


def time_get(client, url: str, runs: int) -> Timing:
    """One warm-up GET of ``url`` (it must answer 200), then ``runs`` timed GETs through the
    test client, counting the queries of each (Django set up)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    timings = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
    return Timing(sorted(timings), queries, response)


def subjects() -> dict:
    """Who and what the benchmarks use; deterministic for a given data set (Django set up)."""
    from django.db import connection

    from accounts.models import User
    from core.periods import quarter_of, today
    from sla.selectors import contracts_visible_to
    from tickets.models import OPEN_STATUSES

    desk = User.objects.get(username="desk")
    user = User.objects.get(username="user")
    with connection.cursor() as cur:
        # The bulk end user who filed the most tickets ("my tickets" worst realistic case).
        cur.execute("""
            SELECT u.id, u.username, count(*) AS n
            FROM tickets_ticket t JOIN accounts_user u ON u.id = t.requester_id
            WHERE u.username LIKE %s AND u.role = 'end_user'
            GROUP BY u.id, u.username ORDER BY n DESC, u.id LIMIT 1""", [BULK_PREFIX + "%"])
        row = cur.fetchone()
        enduser = {"id": row[0], "username": row[1], "tickets": row[2]} if row else None
        # The newest open ticket the desk may see with exactly five timeline entries (an open
        # one: its page also renders the action forms, e.g. dispatch with the engineer list).
        contract_ids = list(contracts_visible_to(desk).values_list("pk", flat=True))
        cur.execute("""
            SELECT number, status, n FROM (
                SELECT t.id, t.number, t.status, t.created_at,
                       (SELECT count(*) FROM tickets_entry e WHERE e.ticket_id = t.id) AS n
                FROM (SELECT id, number, status, created_at FROM tickets_ticket
                      WHERE contract_id = ANY(%s) AND status = ANY(%s)
                      ORDER BY created_at DESC LIMIT 2000) t) s
            ORDER BY n = 5 DESC, created_at DESC, id DESC LIMIT 1""",
                    [contract_ids, [str(s) for s in OPEN_STATUSES]])
        number, status, entries = cur.fetchone()
        # The KPI quarter dashboard: the bulk contract with the most tickets (kpi_bench.py's
        # default), the last complete quarter.
        cur.execute("""
            SELECT c.code FROM sla_contract c JOIN tickets_ticket t ON t.contract_id = c.id
            WHERE c.code NOT LIKE 'DEMO-%%' GROUP BY c.code ORDER BY count(*) DESC, c.code
            LIMIT 1""")
        row = cur.fetchone()
    year, quarter = quarter_of(today())
    year, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
    return {
        "desk": {"id": desk.pk, "username": desk.username},
        "user": {"id": user.pk, "username": user.username},
        "enduser": enduser,
        "detail": {"number": number, "status": status, "entries": entries},
        "kpi": {"contract": row[0] if row else "DEMO-DESKTOP", "quarter": f"{year}-Q{quarter}"},
    }


if __name__ == "__main__":  # print the subjects as JSON (used by run.sh)
    import json

    setup_django()
    print(json.dumps(subjects()))
