"""Ten engineers take the last parts at the same moment: the ledger never goes negative.

PostgreSQL only (SQLite serialises writers, so there is no race to test there). Each thread
works on its own database connection; the part's row lock makes them queue.
"""

import threading

import pytest
from django.db import connection, connections

from assets.models import Part, StockLocation, StockMovement
from assets.services import store as svc
from core.errors import ActionRefused
from tickets.models import Ticket

THREADS = 10
pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="concurrency is tested on PostgreSQL")


@pytest.mark.django_db(transaction=True)
def test_ten_issues_of_one_against_a_stock_of_five(demo):
    part = Part.objects.create(contract=StockLocation.objects.get(name="总部备件库").contract,
                               code="RACE-1", name="抢购配件", min_level=2)
    location = StockLocation.objects.get(name="总部备件库")
    svc.stock_receive(actor=demo["desk"], part=part, location=location, quantity=5)
    ticket = Ticket.objects.get(title="三楼财务部打印机频繁卡纸")
    barrier = threading.Barrier(THREADS)
    results: list[str] = []
    lock = threading.Lock()

    def take():
        try:
            barrier.wait(timeout=30)
            try:
                svc.stock_issue(actor=demo["desk"], part=part, location=location, quantity=1,
                                ticket=ticket)
                outcome = "ok"
            except ActionRefused:
                outcome = "refused"
            except Exception as exc:  # noqa: BLE001 — reported by the assertion below
                outcome = f"error: {exc!r}"
            with lock:
                results.append(outcome)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(results) == ["ok"] * 5 + ["refused"] * 5, results
    assert svc.balance_at(part, location) == 0
    assert StockMovement.objects.filter(part=part, kind="issue").count() == 5
    # Every prefix of the ledger, in the order written, stays at or above zero.
    running = 0
    for quantity in (StockMovement.objects.filter(part=part).order_by("pk")
                     .values_list("quantity", flat=True)):
        running += quantity
        assert running >= 0
    # Below the minimum exactly once: one request, one mail to the project manager.
    assert part.restock_requests.filter(status="open").count() == 1
