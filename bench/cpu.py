#!/usr/bin/env python
"""Cumulative CPU seconds per process group (gunicorn, postgres, wrk, redis, other) from /proc,
as JSON; run.sh takes one snapshot before and one after each wrk run. Linux only."""

from __future__ import annotations

import json
import os
import sys
import time

TICK = os.sysconf("SC_CLK_TCK")


def snapshot() -> dict:
    groups: dict = {}
    pids: dict[str, list] = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                stat = f.read()
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        comm = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        cpu = (int(fields[11]) + int(fields[12])) / TICK  # utime + stime
        if "gunicorn" in cmd:
            group = "gunicorn"
        elif comm.startswith("postgres") or cmd.startswith("postgres"):
            group = "postgres"
        elif comm == "wrk":
            group = "wrk"
        elif comm.startswith("redis"):
            group = "redis"
        else:
            group = "other"
        groups[group] = groups.get(group, 0.0) + cpu
        pids[f"{pid}:{fields[19]}"] = [group, cpu]  # pid and start time: one process
    with open("/proc/stat") as f:
        total = [int(x) for x in f.readline().split()[1:]]
    groups["_busy"] = (sum(total) - total[3] - total[4]) / TICK  # all but idle and iowait
    groups["_all"] = sum(total) / TICK
    groups["_ncpu"] = os.cpu_count()
    groups["_pids"] = pids
    return groups


def busy_cores(seconds: float = 2.0) -> float:
    with open("/proc/stat") as f:
        a = [int(x) for x in f.readline().split()[1:]]
    time.sleep(seconds)
    with open("/proc/stat") as f:
        b = [int(x) for x in f.readline().split()[1:]]
    d = [y - x for x, y in zip(a, b)]
    return (sum(d) - d[3] - d[4]) / max(sum(d), 1) * os.cpu_count()


def wait_quiet(max_busy: float, timeout: float) -> float:
    """Wait until the machine is idle (other work, e.g. a test suite, skews every figure)."""
    deadline = time.monotonic() + timeout
    while True:
        busy = busy_cores()
        if busy <= max_busy or time.monotonic() > deadline:
            return busy


if __name__ == "__main__":
    if sys.argv[1:2] == ["wait-quiet"]:
        max_busy = float(sys.argv[2]) if len(sys.argv) > 2 else 0.3
        timeout = float(sys.argv[3]) if len(sys.argv) > 3 else 180
        print(f"{wait_quiet(max_busy, timeout):.2f}")
    else:
        print(json.dumps(snapshot()))
