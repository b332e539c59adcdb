"""Streamed CSV exports through PgBouncer in transaction pooling mode, as a deployment in front
of a busy PostgreSQL runs them. Each transaction may get another server connection, so a cursor
declared by one statement is not there for the next FETCH: without DISABLE_SERVER_SIDE_CURSORS
exports end after their header row (200 and a cut stream); with it, every one of ten concurrent
exports returns all its rows. The asset register's CSV is the portal's streamed export."""

import csv
import http.client
import io
import shutil
import sys
import tempfile
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings

from assets.models import AssetType
from bench.assets_data import generate_assets
from tests.deploy.servers import PgBouncer, Process, stack_environment
from tests.factories import ContractFactory
from tests.faults.stack import wait_for
from tests.make_run import free_port

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which("pgbouncer") is None,
                                 reason="pgbouncer is not installed (Debian: pgbouncer)")]

CONCURRENT_EXPORTS = 10
ASSETS = 400


def export_rows(port: int, code: str, session_key: str) -> int | None:
    """The data rows of one CSV export, None when the answer was not a whole 200."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/assets/export/?contract={code}&format=csv",
        headers={"Host": "localhost", "X-Forwarded-Proto": "https",
                 "Cookie": f"{settings.SESSION_COOKIE_NAME}={session_key}"})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 - ours
            if response.status != 200:
                return None
            body = response.read()
    except (OSError, http.client.HTTPException):  # IncompleteRead: a stream cut short
        return None
    return len(list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))) - 1


def concurrent_exports(bouncer, var_dir, code, session_key, *, disable_cursors) -> list:
    port = free_port()
    environment = stack_environment(
        var_dir, DATABASE_URL=bouncer.database_url(), SECRET_KEY=settings.SECRET_KEY,
        DISABLE_SERVER_SIDE_CURSORS=disable_cursors, GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="2", GUNICORN_THREADS=str(CONCURRENT_EXPORTS // 2))
    command = [sys.executable, "-m", "gunicorn", "itsm.wsgi:application"]
    with Process(f"web-{disable_cursors}", command, environment, var_dir) as web:
        wait_for(lambda: not web.alive() or _answers(port), 60, interval=0.5, what="gunicorn")
        assert web.alive(), web.log()[-3000:]
        with ThreadPoolExecutor(CONCURRENT_EXPORTS) as pool:
            return list(pool.map(lambda _: export_rows(port, code, session_key),
                                 range(CONCURRENT_EXPORTS)))


@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_csv_exports_through_pgbouncer_return_every_row(client):
    contract = ContractFactory()
    AssetType.objects.get_or_create(code="pc", defaults={"name": "台式机"})
    generate_assets(ASSETS, contract)
    expected = contract.assets.exclude(status="retired").count()
    client.force_login(contract.project_manager)
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    var_dir = Path(tempfile.mkdtemp(prefix="itsm-pgbouncer-web-"))
    try:
        # Fewer server connections than requests: transactions of different requests share them.
        with PgBouncer(pool_size=3) as bouncer:
            cut = concurrent_exports(bouncer, var_dir, contract.code, session_key,
                                     disable_cursors="false")
            whole = concurrent_exports(bouncer, var_dir, contract.code, session_key,
                                       disable_cursors="true")
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)
    # The failure the setting is for, reproduced: server-side cursors through the pooler.
    assert any(rows != expected for rows in cut), cut
    assert whole == [expected] * CONCURRENT_EXPORTS


def _answers(port: int) -> bool:
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)  # noqa: S310
    except urllib.error.HTTPError:
        return True  # any answer (400: no allowed Host) means gunicorn serves
    except OSError:
        return False
    return True
