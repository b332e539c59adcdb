#!/usr/bin/env python
"""Business-time arithmetic speed (sla/calendar.py): 100,000 deadlines and 100,000 business-time
measurements on the 6×12 calendar (Mon–Sat 09:00–21:00, Asia/Shanghai) with China's holidays
and make-up days, random starts over 2025–2026, random 10–2,000 minute durations.

    .venv/bin/python bench/calendar_bench.py [--n 100000] [--seed 0]

Needs no database: the days come straight from chinesecalendar (sla.holidays.china_days), as the
data migration enters them.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    opts = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itsm.settings")
    import django

    django.setup()
    from sla.calendar import BusinessCalendar
    from sla.holidays import china_days

    closed, makeup = set(), set()
    for year in (2025, 2026):
        c, m = china_days(year)
        closed |= set(c)
        makeup |= set(m)
    calendar = BusinessCalendar("mon-sat 09:00-21:00", "Asia/Shanghai", closed_days=closed,
                                makeup_days=makeup, confirmed_years=(2025, 2026))

    rng = random.Random(opts.seed)
    zone = ZoneInfo("Asia/Shanghai")
    base = datetime(2025, 1, 1, tzinfo=zone)
    span = int((datetime(2027, 1, 1, tzinfo=zone) - base).total_seconds())
    starts = [base + timedelta(seconds=rng.randrange(span)) for _ in range(opts.n)]
    minutes = [rng.randint(10, 2000) for _ in range(opts.n)]
    ends = [s + timedelta(minutes=rng.randint(10, 2000) * 3) for s in starts]

    t0 = time.perf_counter()
    calendar.add_minutes(starts[0], 1)  # builds the years' intervals once
    warm = time.perf_counter() - t0
    calendar.add_minutes(datetime(2027, 1, 10, tzinfo=zone), 1)

    add_minutes = calendar.add_minutes
    t0 = time.perf_counter()
    deadlines = [add_minutes(s, m) for s, m in zip(starts, minutes, strict=True)]
    add_s = time.perf_counter() - t0

    between = calendar.between
    t0 = time.perf_counter()
    for s, e in zip(starts, ends, strict=True):
        between(s, e)
    between_s = time.perf_counter() - t0

    # The figures are worth nothing if the answers are wrong: check a sample.
    for s, m, d in list(zip(starts, minutes, deadlines, strict=True))[:: max(1, opts.n // 1000)]:
        assert between(s, d) == m * 60, (s, m, d)

    print(f"calendar: 6x12 CN (mon-sat 09:00-21:00, Asia/Shanghai), {len(closed)} closed and "
          f"{len(makeup)} make-up days in 2025-2026")
    print(f"first call (builds a year of intervals): {warm * 1000:.1f} ms")
    print(f"add_minutes x {opts.n:,}: {add_s:.3f} s ({add_s / opts.n * 1e6:.2f} us each)")
    print(f"between     x {opts.n:,}: {between_s:.3f} s ({between_s / opts.n * 1e6:.2f} us each)")
    print("target: 100,000 deadlines under 1 s:", "met" if add_s * 100_000 / opts.n < 1 else
          "MISSED")


if __name__ == "__main__":
    main()
