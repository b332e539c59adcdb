#!/usr/bin/env python
"""Summary table of a bench/run.sh run: wrk figures, CPU per process group, queries per request.

    .venv/bin/python bench/summarize.py bench/results/run-<time>

Prints Markdown and writes summary.json into the run folder."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ORDER = ["a", "a3", "a4", "b", "b2", "c", "d", "e", "f", "f2", "g", "h"]


def main() -> None:
    out = Path(sys.argv[1])
    queries = {}
    if (out / "queries.json").exists():
        queries = {r["key"]: r for r in json.loads((out / "queries.json").read_text())["requests"]}
    rows = []
    for key in ORDER:
        meta_file = out / f"{key}.meta.json"
        if not meta_file.exists():
            continue
        meta = json.loads(meta_file.read_text())
        wrk_text = (out / f"{key}.wrk.txt").read_text()
        m = re.search(r"^BENCH_JSON (.*)$", wrk_text, re.M)
        figures = json.loads(m.group(1)) if m else {}
        before = json.loads((out / f"{key}.cpu-before.json").read_text())
        after = json.loads((out / f"{key}.cpu-after.json").read_text())
        secs = figures.get("duration_s") or 1
        # Per process: CPU used between the snapshots by those alive at the second one.
        cores = {"gunicorn": 0.0, "postgres_alive": 0.0, "redis": 0.0, "other": 0.0, "wrk": 0.0}
        for pid, (group, cpu) in after["_pids"].items():
            used = cpu - before["_pids"].get(pid, [group, 0.0])[1]
            key_ = "postgres_alive" if group == "postgres" else group
            cores[key_] = cores.get(key_, 0.0) + used / secs
        span = after["_all"] - before["_all"]
        cores["_busy"] = (after["_busy"] - before["_busy"]) / span * after["_ncpu"]
        # wrk has exited before the second snapshot: it is timed separately.
        wrk_cpu = (out / f"{key}.wrk-cpu.txt").read_text().split()[-2:]
        cores["wrk"] = sum(float(x) for x in wrk_cpu) / secs
        # PostgreSQL backends come and go (CONN_MAX_AGE, parallel workers), so per-process
        # counts miss the CPU of those that exited: take PostgreSQL as what the machine did
        # besides gunicorn, wrk, redis and other live processes ("other" > 0.05: not quiet).
        cores["postgres"] = max(0.0, cores["_busy"] - cores["gunicorn"] - cores["wrk"]
                                - cores["redis"] - cores["other"])
        cores = {k: round(v, 2) for k, v in cores.items()}
        q = queries.get(key, {})
        row = {**meta, **figures, "cpu_cores": cores, "queries": q.get("queries"),
               "sql_ms_in_process": q.get("sql_ms"), "wall_ms_in_process": q.get("wall_ms")}
        if meta["method"] == "POST":
            row["created_per_s"] = round(meta["created"] / secs, 2)
        rows.append(row)
    (out / "summary.json").write_text(json.dumps(rows, indent=2, ensure_ascii=False))

    print(f"# {out.name}\n")
    print("| | request | req/s | p50 ms | p95 ms | p99 ms | errors | SQL queries | in-process "
          "SQL / wall ms | CPU cores: gunicorn / postgres / wrk / other (machine busy) |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in rows:
        errors = sum(r.get(k, 0) for k in ("errors_connect", "errors_read", "errors_write",
                                           "errors_status", "errors_timeout"))
        rps = f"{r.get('rps', 0):.1f}"
        if "created_per_s" in r:
            rps += f" ({r['created_per_s']:.1f} created/s)"
        c = r["cpu_cores"]
        print(f"| ({r['key']}) | {r['label']} `{r['method']} {r['path']}` | {rps} | "
              f"{r.get('p50_ms', 0):.1f} | {r.get('p95_ms', 0):.1f} | {r.get('p99_ms', 0):.1f} | "
              f"{errors} | {r['queries']} | {r['sql_ms_in_process']} / {r['wall_ms_in_process']} | "
              f"{c['gunicorn']} / {c['postgres']} / {c['wrk']} / {c['other']} ({c['_busy']} of 2) |")


if __name__ == "__main__":
    main()
