#!/usr/bin/env python
"""The asset register list at volume: 200,000 assets, filtered and searched (issue 5 target:
p95 under 150 ms).

    .venv/bin/python bench/assets_list.py [--assets 200000] [--runs 30]

Uses its own PostgreSQL database (default itsm_bench_register; override with DATABASE_URL),
creates and migrates it, loads the demo and generates the assets on first run (about a minute),
then times each scenario in-process through django.test.Client (DEBUG off, session login as the
desk agent, templates rendered): one warm-up, then --runs requests; prints p50/p95/max and the
query count, and EXPLAIN ANALYZE of the list query for each scenario with --explain.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/itsm_bench_register")
from common import ensure_database, setup_django, time_get  # noqa: E402

SCENARIOS = [
    ("first page, no filter", "/assets/"),
    ("contract + type + status", "/assets/?contract=DEMO-DESKTOP&type=pc&status=in_use"),
    ("site + criticality", "/assets/?contract=DEMO-DESKTOP&site={site}&criticality=core"),
    ("warranty expiring", "/assets/?warranty=expiring"),
    ("search: exact tag", "/assets/?q={tag}"),
    ("search: exact serial", "/assets/?q={serial}"),
    ("search: part of a tag", "/assets/?q=0012345"),
    ("search: Chinese name text", "/assets/?q=打印机 1999"),
    ("search: model text", "/assets/?q=OptiPlex"),
    ("search + filters", "/assets/?q=ThinkPad&type=laptop&warranty=valid"),
    ("page 20", "/assets/?contract=DEMO-DESKTOP&page=20"),
    ("API list filtered", "/api/assets/?contract=DEMO-DESKTOP&type=printer&q=LaserJet"),
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--assets", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    ensure_database(os.environ["DATABASE_URL"])
    setup_django()
    from assets_data import generate_assets
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from accounts.models import User
    from assets.models import Asset
    from sla.models import Contract

    call_command("migrate", verbosity=0)
    if not User.objects.filter(username="desk").exists():
        from demo.data import load_demo

        load_demo()
    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)
    have = Asset.objects.count()
    if have < args.assets:
        started = time.perf_counter()
        desktop, server = (Contract.objects.get(code=c) for c in ("DEMO-DESKTOP", "DEMO-SERVER"))
        missing = args.assets - have
        generate_assets(missing * 3 // 4, desktop)
        generate_assets(missing - missing * 3 // 4, server)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE assets_asset")
        print(f"generated {missing:,} assets in {time.perf_counter() - started:.0f} s")
    total = Asset.objects.count()
    sample = Asset.objects.filter(tag__startswith="GEN").order_by("pk")[total // 2]
    site = Asset.objects.filter(contract__code="DEMO-DESKTOP").exclude(site=None).first().site_id
    names = {"tag": sample.tag, "serial": sample.serial, "site": site}

    client = Client()
    client.force_login(User.objects.get(username="desk"))
    print(f"{total:,} assets; desk agent; {args.runs} runs each after one warm-up\n")
    print(f"{'scenario':34} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'queries':>8} {'rows':>5}")
    for label, template in SCENARIOS:
        url = template.format(**names)
        timed = time_get(client, url, args.runs)
        response = timed.response
        rows = response.content.count(b'name="ids"') if "/api/" not in url else \
            len(response.json()["results"])
        print(f"{label:34} {timed.p50:8.1f} {timed.p95:8.1f} {timed.max:8.1f} "
              f"{len(timed.queries):8d} {rows:5d}")
        if args.explain:
            slowest = max(timed.queries.captured_queries, key=lambda q: float(q["time"]))
            print("   slowest:", slowest["time"], "s:", slowest["sql"][:300])


if __name__ == "__main__":
    main()
