"""Read replicas (issue 20.6): marked read-only views read from the "replica" alias, nothing is
ever written there, and without DATABASE_REPLICA_URL nothing changes.

The replica here is a real second connection to the test database (what a streaming replica
looks like to Django: another server with the same rows), added for the test only; the data is
committed (transactional tests) so both connections see it.
"""

import copy
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.replicas import REPLICA, ReplicaRouter, replica_reads
from sla.models import Contract
from tickets.models import Ticket

ROOT = Path(__file__).resolve().parents[2]
WRITES = ("INSERT", "UPDATE", "DELETE", "CREATE", "ALTER", "DROP", "TRUNCATE")


@pytest.fixture
def replica(transactional_db, settings):
    """A second connection to the test database under the alias "replica", and the router.
    Made by hand and handed to the connection handler (not declared in DATABASES), which is
    what lets a test case that knows only "default" use it."""
    primary = connections["default"]
    second = primary.__class__(copy.deepcopy(primary.settings_dict), alias=REPLICA)
    connections[REPLICA] = second
    settings.DATABASE_ROUTERS = ["core.replicas.ReplicaRouter"]
    try:
        yield second
    finally:
        second.close()
        del connections[REPLICA]


def _statements(context) -> list[str]:
    return [query["sql"].lstrip().split(None, 1)[0].upper() for query in context.captured_queries]


def test_it_keeps_the_default_without_a_replica_url():
    assert "replica" not in settings.DATABASES
    assert settings.DATABASE_ROUTERS == []


def test_it_configures_the_replica_from_its_url(tmp_path):
    environment = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL"}}
    environment.update(ITSM_VAR_DIR=str(tmp_path),
                       DATABASE_URL="postgres://itsm@primary:5432/itsm",
                       DATABASE_REPLICA_URL="postgres://reader@standby:5432/itsm")
    code = ("import django; django.setup(); from django.conf import settings as s; "
            "r = s.DATABASES['replica']; "
            "print(r['HOST'], r['USER'], r['TEST']['MIRROR'], *s.DATABASE_ROUTERS)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=60,
                            env={**environment, "DJANGO_SETTINGS_MODULE": "itsm.settings"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["standby", "reader", "default",
                                     "core.replicas.ReplicaRouter"]


def test_it_routes_reads_only_inside_a_marked_view_and_never_writes(replica):
    router = ReplicaRouter()
    seen = []

    @replica_reads
    def view(request):
        seen.append((router.db_for_read(Ticket), router.db_for_write(Ticket)))
        with transaction.atomic():  # a service's transaction reads its own writes
            seen.append((router.db_for_read(Ticket), router.db_for_write(Ticket)))
        return "response"

    assert router.db_for_read(Ticket) == "default"
    assert view(None) == "response"
    assert seen == [("replica", "default"), ("default", "default")]
    assert router.db_for_read(Ticket) == "default"  # the mark ends with the view
    assert router.allow_migrate("default", "tickets") is True
    assert router.allow_migrate("replica", "tickets") is False


def test_it_serves_the_dashboard_from_the_replica(replica, demo, login):
    client = login(demo["pm"])
    with CaptureQueriesContext(connections["default"]) as primary, \
            CaptureQueriesContext(replica) as standby:
        response = client.get(reverse("kpi:dashboard"))
    assert response.status_code == 200
    assert len(standby) > 0
    assert set(_statements(standby)) <= {"SELECT", "WITH"}
    # The session and the user were read by the middleware, before the view: on the primary.
    assert any("django_session" in q["sql"] for q in primary.captured_queries)
    assert not any("django_session" in q["sql"] for q in standby.captured_queries)


def test_it_leaves_unmarked_pages_on_the_primary(replica, demo, login):
    client = login(demo["desk"])
    with CaptureQueriesContext(replica) as standby:
        response = client.get(reverse("tickets:queue"))
    assert response.status_code == 200
    assert len(standby) == 0


def test_it_streams_an_export_from_the_replica_and_records_it_on_the_primary(replica, demo,
                                                                             login):
    client = login(demo["pm"])
    contract = Contract.objects.filter(code__isnull=False).order_by("pk").first()
    with CaptureQueriesContext(connections["default"]) as primary, \
            CaptureQueriesContext(replica) as standby:
        response = client.get(reverse("assets:export"),
                              {"contract": contract.code, "format": "csv"})
        before_streaming = len(standby)
        body = b"".join(response.streaming_content)
    assert response.status_code == 200 and body.count(b"\n") > 1
    # The rows were read while the response streamed, after the view had returned.
    assert len(standby) > before_streaming
    assert any("assets_asset" in q["sql"] for q in standby.captured_queries[before_streaming:])
    assert set(_statements(standby)) <= {"SELECT", "WITH", "DECLARE", "CLOSE"}
    # The export's security event is a write: on the primary, never on the replica.
    assert "INSERT" in _statements(primary)
    assert not set(_statements(standby)) & set(WRITES)
