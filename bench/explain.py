#!/usr/bin/env python
"""EXPLAIN (ANALYZE, BUFFERS) of the querysets the ticket pages and the API run, through Django.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/itsm_bench .venv/bin/python bench/explain.py

For each query: the plan, PostgreSQL's execution time, and the median wall time of running the
queryset through the ORM five times (list(qs), warm cache). A plan is FLAGGED when it
sequentially scans tickets_ticket or tickets_entry, sorts more than --sort-rows rows, discards
more than --filter-rows rows in a filter, or runs longer than --slow-ms. Output goes to stdout,
bench/results/explain.txt and bench/results/explain.json.
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

BIG_TABLES = {"tickets_ticket", "tickets_entry"}


def cases(subj: dict) -> list[tuple[str, str, object]]:
    """(name, what it stands for, queryset) — exactly what the views and API evaluate."""
    from django.db.models import Count

    from accounts.models import User
    from sla.models import ContractMember
    from sla.selectors import contracts_visible_to
    from tickets.models import OPEN_STATUSES, Ticket
    from tickets.selectors import (
        LIST_RELATED,
        QueueFilters,
        my_tickets,
        ticket_queue,
        tickets_visible_to,
    )

    desk = User.objects.get(pk=subj["desk"]["id"])
    enduser = User.objects.get(pk=subj["enduser"]["id"])
    user2 = User.objects.get(username="user2")  # demo end user, a handful of tickets
    # The bulk engineer on the fewest contracts: the selective end of the queue.
    engineer = (User.objects.filter(username__startswith="bench-eng", role="engineer")
                .annotate(n=Count("contract_memberships")).order_by("n", "pk").first())
    api = tickets_visible_to(desk).select_related(*LIST_RELATED, "logged_by")
    # tickets.selectors.engineer_workload, the query it aggregates with (run on every full
    # queue page for dispatchers).
    contracts = contracts_visible_to(desk)
    engineers = User.objects.filter(
        contract_memberships__contract__in=contracts,
        contract_memberships__duty__in=[ContractMember.Duty.ENGINEER,
                                        ContractMember.Duty.SECOND_LINE],
        is_active=True).distinct()
    workload = (Ticket.objects.filter(status__in=OPEN_STATUSES, assignee__in=engineers)
                .values_list("assignee").annotate(n=Count("pk")).values_list("assignee", "n"))
    q = lambda **kw: ticket_queue(user=desk, filters=QueueFilters(**kw))  # noqa: E731
    out = [
        ("queue open", "/tickets/queue/?view=open as desk, page 1", q()[:51]),
        ("queue unassigned", "/tickets/queue/?view=unassigned as desk", q(view="unassigned")[:51]),
        ("queue mine", "/tickets/queue/?view=mine as desk", q(view="mine")[:51]),
        ("my tickets", f"/tickets/mine/ as {enduser.username} "
                       f"({subj['enduser']['tickets']} tickets)", my_tickets(user=enduser)[:26]),
        ("API list open", "/api/tickets/?open=true as desk (cursor page of 50)",
         api.filter(status__in=OPEN_STATUSES).order_by("-created_at", "-id")[:51]),
        # --- further pages and filters people use -------------------------------------------
        ("my tickets (few)", f"/tickets/mine/ as user2 "
                             f"({Ticket.objects.filter(requester=user2).count()} tickets)",
         my_tickets(user=user2)[:26]),
        ("API list all", "/api/tickets/ as desk", api.order_by("-created_at", "-id")[:51]),
        ("queue team", "/tickets/queue/?view=team as desk", q(view="team")[:51]),
        ("queue closed", "/tickets/queue/?view=closed as desk", q(view="closed")[:51]),
        ("queue page 200", "/tickets/queue/?page=200 as desk (OFFSET 9950)", q()[9950:10001]),
        ("queue sort priority", "/tickets/queue/?sort=priority as desk", q(sort="priority")[:51]),
        ("queue sort updated", "/tickets/queue/?sort=-updated_at as desk",
         q(sort="-updated_at")[:51]),
        ("queue search", "/tickets/queue/?q=打印机 as desk (title/name search)", q(q="打印机")[:51]),
        ("queue by number", "/tickets/queue/?q=<number> as desk",
         q(q=subj["detail"]["number"])[:51]),
        ("closed search", "/tickets/queue/?view=closed&q=蓝牙耳机 as desk (no match: worst case)",
         q(view="closed", q="蓝牙耳机")[:51]),
        ("queue engineer", f"/tickets/queue/ as {engineer.username} ({engineer.n} contracts)",
         ticket_queue(user=engineer, filters=QueueFilters())[:51]),
        ("workload", "engineer_workload(desk): open tickets per engineer (queue sidebar)",
         workload),
    ]
    return out


def walk(node: dict, flags: list[str], limits: argparse.Namespace) -> None:
    kind = node.get("Node Type", "")
    rel = node.get("Relation Name", "")
    rows = node.get("Actual Rows", 0) * node.get("Actual Loops", 1)
    if kind == "Seq Scan" and rel in BIG_TABLES:
        flags.append(f"Seq Scan on {rel} ({rows:,} rows out, "
                     f"{node.get('Rows Removed by Filter', 0):,} removed)")
    if kind in ("Sort", "Incremental Sort"):
        child_rows = sum(c.get("Actual Rows", 0) * c.get("Actual Loops", 1)
                         for c in node.get("Plans", []))
        if child_rows > limits.sort_rows:
            flags.append(f"{kind} of {child_rows:,} rows ({node.get('Sort Method', '?')}, "
                         f"key {', '.join(node.get('Sort Key', []))})")
    removed = node.get("Rows Removed by Filter", 0) * node.get("Actual Loops", 1)
    if removed > limits.filter_rows and kind != "Seq Scan":
        flags.append(f"{kind} on {rel or node.get('Index Name', '?')}: {removed:,} rows "
                     f"removed by filter for {rows:,} kept")
    for child in node.get("Plans", []):
        walk(child, flags, limits)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sort-rows", type=int, default=1000)
    parser.add_argument("--filter-rows", type=int, default=10_000)
    parser.add_argument("--slow-ms", type=float, default=20.0)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", nargs="*", help="case names to run")
    limits = parser.parse_args()
    setup_django()
    from django.db import connection

    subj = subjects()
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM tickets_ticket")
        total = cur.fetchone()[0]
    RESULTS.mkdir(parents=True, exist_ok=True)
    text = [f"# EXPLAIN (ANALYZE, BUFFERS) — {total:,} tickets — subjects {json.dumps(subj)}\n"]
    summary = []
    for name, what, qs in cases(subj):
        if limits.only and name not in limits.only:
            continue
        plan_json = json.loads(qs.explain(analyze=True, buffers=True, format="json"))[0]
        plan_text = qs.explain(analyze=True, buffers=True)
        timings = []
        for _ in range(limits.runs):
            t = time.perf_counter()
            list(qs.all())  # a fresh clone: no result cache
            timings.append((time.perf_counter() - t) * 1000)
        flags = []
        walk(plan_json["Plan"], flags, limits)
        exec_ms = plan_json["Execution Time"]
        if exec_ms > limits.slow_ms:
            flags.append(f"slow: {exec_ms:.1f} ms in PostgreSQL")
        if plan_json["Planning Time"] > max(limits.slow_ms, 2 * exec_ms):
            flags.append(f"planning {plan_json['Planning Time']:.1f} ms > execution "
                         f"{exec_ms:.1f} ms")
        row = {"name": name, "what": what, "execution_ms": round(exec_ms, 2),
               "planning_ms": round(plan_json["Planning Time"], 2),
               "orm_median_ms": round(statistics.median(timings), 2),
               "rows": plan_json["Plan"].get("Actual Rows"), "flags": flags,
               "sql": str(qs.query)}
        summary.append(row)
        block = [f"\n## {name}: {what}", f"-- {row['sql']}", plan_text,
                 f"=> execution {exec_ms:.2f} ms (planning {row['planning_ms']:.2f} ms), "
                 f"ORM median {row['orm_median_ms']:.2f} ms over {limits.runs} runs"]
        block += [f"!! FLAG: {f}" for f in flags] or ["ok: no large sort, no seq scan"]
        print("\n".join(block), flush=True)
        text += block
    print("\n# Summary")
    print(f"{'query':22} {'plan ms':>8} {'exec ms':>8} {'ORM ms':>8}  flags")
    for row in summary:
        print(f"{row['name']:22} {row['planning_ms']:8.2f} {row['execution_ms']:8.2f} "
              f"{row['orm_median_ms']:8.2f}  {'; '.join(row['flags']) or '-'}")
    (RESULTS / "explain.txt").write_text("\n".join(text) + "\n")
    (RESULTS / "explain.json").write_text(json.dumps(
        {"tickets": total, "subjects": subj, "queries": summary}, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
