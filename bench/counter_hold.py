#!/usr/bin/env python
"""How long one filing holds the year's ticket counter row (issue 19).

Every filing takes the year's next number with an upsert on `tickets_ticketcounter`; the row
stays locked until the filing commits, so concurrent filings queue on it. This files tickets
through the portal form (django.test.Client, bench settings, DEBUG off) and measures, per
filing, the time from the counter statement to the end of the commit; with --files N the form
carries N JPEG files of --kb each (written to the configured storage).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/itsm_bench .venv/bin/python bench/counter_hold.py
    .venv/bin/python bench/counter_hold.py --files 3 --kb 1024 --runs 20

The tickets are titled 压测工单 … like run.sh's (run.sh deletes them at its end): run it on a
copy of the bench database, or run `bench/run.sh` after it.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import setup_django  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=12)
    parser.add_argument("--files", type=int, default=0, help="files on each form")
    parser.add_argument("--kb", type=int, default=256, help="size of each file")
    args = parser.parse_args()
    setup_django()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test import Client

    import tickets.services.intake as intake
    from accounts.models import User

    marks: dict[str, float] = {}
    take_number = intake.next_in_year

    def timed_next_in_year(*a, **kw):
        marks["counter"] = time.perf_counter()
        return take_number(*a, **kw)

    commit = connection.commit

    def timed_commit():
        commit()
        marks["commit"] = time.perf_counter()

    intake.next_in_year = timed_next_in_year
    connection.commit = timed_commit
    client = Client()
    client.force_login(User.objects.get(username="user"))
    jpeg = b"\xff\xd8\xff\xe0" + b"\0" * (args.kb * 1024)
    held, walls = [], []
    for run in range(args.runs + 1):  # the first one warms up
        form = {"submission_key": str(uuid.uuid4()), "contract": "DEMO-DESKTOP", "kind": "fault",
                "service_type": "hardware", "title": "压测工单 counter_hold.py",
                "description": "counter hold",
                "uploads": [SimpleUploadedFile(f"photo{i}.jpg", jpeg, content_type="image/jpeg")
                            for i in range(args.files)]}
        marks.clear()
        started = time.perf_counter()
        response = client.post("/tickets/new/", form)
        if response.status_code != 302:
            raise SystemExit(f"the form answered {response.status_code}")
        if run:
            held.append((marks["commit"] - marks["counter"]) * 1000)
            walls.append((time.perf_counter() - started) * 1000)
    print(f"{args.runs} filings, {args.files} file(s) of {args.kb} kB each: counter held "
          f"{statistics.median(held):.2f} ms median (max {max(held):.2f}), request "
          f"{statistics.median(walls):.2f} ms median")


if __name__ == "__main__":
    main()
