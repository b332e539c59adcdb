"""Two agents merge A→B and B→A at the same moment: exactly one merge happens.

PostgreSQL only (SQLite serialises writers). Both rows are locked in id order, so the second
merge waits for the first and then finds its ticket closed.
"""

import threading

import pytest
from django.db import connection, connections

from core.errors import ActionRefused
from tickets.models import Status, Ticket
from tickets.services import ticket_merge

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="concurrency is tested on PostgreSQL")


@pytest.mark.django_db(transaction=True)
def test_a_into_b_and_b_into_a_at_once_merge_once(demo, file_ticket):
    a = file_ticket(title="并发合并 A")
    b = file_ticket(title="并发合并 B")
    barrier = threading.Barrier(2)
    results: dict[str, str] = {}

    def merge(name, duplicate, survivor, actor):
        try:
            barrier.wait(timeout=30)
            try:
                ticket_merge(actor=actor, ticket=duplicate, into=survivor)
                results[name] = "merged"
            except ActionRefused as exc:
                results[name] = f"refused {exc.status_code}"
            except Exception as exc:  # noqa: BLE001 — reported by the assertion below
                results[name] = f"error: {exc!r}"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=merge, args=("a→b", a, b, demo["desk"])),
               threading.Thread(target=merge, args=("b→a", b, a, demo["admin"]))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(results.values()) == ["merged", "refused 409"], results
    a.refresh_from_db()
    b.refresh_from_db()
    merged = [t for t in (a, b) if t.merged_into_id]
    assert len(merged) == 1
    survivor = merged[0].merged_into
    assert survivor.status != Status.CLOSED and survivor.merged_into_id is None
    assert Ticket.objects.filter(pk__in=[a.pk, b.pk], status=Status.CLOSED).count() == 1
