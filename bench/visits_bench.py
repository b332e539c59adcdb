"""Visits (issue 16): the engineer's 今日上门 page and the check-in with proof, measured.

    DATABASE_URL=postgres://…/itsm_x .venv/bin/python bench/visits_bench.py [--visits 200]

Needs a migrated database with the demo loaded (`manage.py migrate && manage.py load_demo`).
Everything it creates is rolled back at the end. It prints, for the engineer's day with
--visits visits planned today (each ticket on the same device, so every card shows history and
issued parts), the queries and wall time of the page, and the mean time of a check-in with the
full proof (position, matching label, no photo) through the service.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itsm.settings")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

# No collectstatic here: plain static URLs instead of the manifest (DEBUG stays off).
settings.STORAGES = {**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import User  # noqa: E402
from assets.models import Asset  # noqa: E402
from core.clock import now  # noqa: E402
from fieldservice.models import Visit  # noqa: E402
from sla.models import Contract  # noqa: E402
from tickets.models import ServiceType  # noqa: E402
from tickets.services import ticket_check_in, ticket_create, ticket_dispatch  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--visits", type=int, default=200)
    parser.add_argument("--check-ins", type=int, default=50)
    args = parser.parse_args()
    with transaction.atomic():
        people = {u.username: u for u in User.objects.filter(
            username__in=["user", "desk", "engineer"])}
        desktop = Contract.objects.get(code="DEMO-DESKTOP")
        asset = (Asset.objects.filter(contract=desktop, site__isnull=False).exclude(tag="")
                 .select_related("site").order_by("pk").first())
        asset.site.latitude, asset.site.longitude = 31.230416, 121.473701
        asset.site.save()
        hardware = ServiceType.objects.get(code="hardware")
        tickets = []
        for i in range(args.visits + args.check_ins):
            ticket = ticket_create(actor=people["user"], contract=desktop, title=f"bench {i}",
                                   service_type=hardware, site=asset.site, asset=asset)
            tickets.append(ticket_dispatch(actor=people["desk"], ticket=ticket,
                                           assignee=people["engineer"]))
        start = now()
        Visit.objects.bulk_create(
            Visit(ticket=t, engineer=people["engineer"], contract=desktop,
                  planned_at=start + timedelta(seconds=i))
            for i, t in enumerate(tickets[:args.visits]))
        client = Client()
        client.force_login(people["engineer"])
        client.get("/field/today/")
        times = []
        for _ in range(5):
            with CaptureQueriesContext(connection) as queries:
                began = time.perf_counter()
                response = client.get("/field/today/")
                times.append(time.perf_counter() - began)
        assert response.status_code == 200
        shown = response.content.decode().count('data-testid="today-visit"')
        print(f"/field/today/ with {shown} visits: "
              f"{len(queries)} queries, median {statistics.median(times) * 1000:.0f} ms")
        times = []
        for ticket in tickets[args.visits:]:
            began = time.perf_counter()
            ticket_check_in(actor=people["engineer"], ticket=ticket, latitude=31.2312,
                            longitude=121.4737, accuracy=20, scanned_tag=asset.tag)
            times.append(time.perf_counter() - began)
        print(f"check-in with position and label: mean {statistics.mean(times) * 1000:.1f} ms "
              f"over {len(times)}")
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
