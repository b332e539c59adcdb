"""Many writers on one SQLite file at once, as `make run`'s web server and worker are.

Run by tests/itsm/test_sqlite_concurrency.py in a subprocess of its own (DATABASE_URL pointing at
a fresh SQLite file), so it proves the SQLite settings even when the suite runs on PostgreSQL.
It migrates, makes one contract with ten engineers, one unclaimed ticket and ten queued e-mails,
then starts twenty threads at the same instant: ten engineers claim the ticket through the real
claim service while ten workers sweep the outbox. Prints one JSON line with what happened.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from collections import Counter
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
THREADS = 10


def main() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itsm.settings")
    import django

    django.setup()

    from django.core import mail
    from django.core.management import call_command
    from django.db import connection

    from accounts.roles import Role
    from core.clock import now
    from core.errors import ActionRefused
    from notifications.models import Notification
    from notifications.services import notification_enqueue, notifications_sweep
    from tests.factories import ContractFactory, MemberFactory, UserFactory
    from tickets.models import ServiceType, Ticket
    from tickets.services import ticket_claim, ticket_create

    call_command("migrate", interactive=False, verbosity=0)
    today = now().date()
    contract = ContractFactory(starts_on=today - timedelta(days=30),
                               ends_on=today + timedelta(days=365))
    engineers = [MemberFactory(contract=contract).user for _ in range(THREADS)]
    requester = UserFactory(organisation=contract.client, role=Role.END_USER,
                            email="requester@example.com")
    hardware, _created = ServiceType.objects.get_or_create(
        code="hardware", defaults={"name": "硬件", "name_en": "Hardware"})
    ticket = ticket_create(actor=requester, contract=contract, title="打印机卡纸",
                           service_type=hardware)
    queued = [notification_enqueue(recipient=requester, event="contention",
                                   subject=f"message {n}", body="…").pk for n in range(THREADS)]

    start = threading.Barrier(2 * THREADS)
    lock = threading.Lock()
    winners, refused, errors, swept = [], [], [], []

    def claim(engineer):
        try:
            start.wait()
            ticket_claim(actor=engineer, ticket=Ticket.objects.get(pk=ticket.pk))
            with lock:
                winners.append(engineer.username)
        except ActionRefused:
            with lock:
                refused.append(engineer.username)
        except Exception as exc:  # OperationalError "database is locked" is what this looks for
            with lock:
                errors.append(f"claim: {type(exc).__name__}: {exc}")
        finally:
            connection.close()

    def sweep():
        try:
            start.wait()
            count = notifications_sweep()
            with lock:
                swept.append(count)
        except Exception as exc:
            with lock:
                errors.append(f"sweep: {type(exc).__name__}: {exc}")
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(e,)) for e in engineers]
    threads += [threading.Thread(target=sweep) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    ticket.refresh_from_db()
    subjects = Counter(m.subject for m in getattr(mail, "outbox", []))
    rows = Notification.objects.filter(pk__in=queued)
    print(json.dumps({
        "winners": winners,
        "refused": len(refused),
        "errors": errors,
        "assignee": ticket.assignee.username if ticket.assignee else None,
        "status": ticket.status,
        "sent_rows": rows.filter(status=Notification.Status.SENT).count(),
        "mails_per_subject": {s: subjects[s] for s in (f"message {n}" for n in range(THREADS))},
        "swept": sum(swept),
        "journal_mode": _pragma(connection, "journal_mode"),
    }))


def _pragma(connection, name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA {name}")
        return str(cursor.fetchone()[0])


if __name__ == "__main__":
    main()
