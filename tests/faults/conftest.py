import itertools
import os
import subprocess
import sys
import time

import pytest

from tests.faults.stack import (
    ROOT,
    PrivatePostgres,
    Processes,
    RedisServer,
    SmtpSink,
    missing_binaries,
)

_copies = itertools.count(1)


@pytest.fixture(scope="session")
def fault_cluster(tmp_path_factory):
    """A private PostgreSQL cluster holding one migrated database with the demo, committed, so
    every process can see it; each test works on a copy (CREATE DATABASE … TEMPLATE)."""
    missing = missing_binaries()
    if missing:
        pytest.skip(f"fault tests need {', '.join(missing)} (scripts/system-packages.sh --ci)")
    started = time.monotonic()
    cluster = PrivatePostgres()
    template = f"itsm_fault_{os.getpid()}"
    try:
        cluster.init()
        cluster.start()
        cluster.execute(f"CREATE DATABASE {template}")
        environment = dict(os.environ, DATABASE_URL=cluster.url(template),
                           ITSM_VAR_DIR=str(tmp_path_factory.mktemp("var")))
        environment.pop("DJANGO_SETTINGS_MODULE", None)
        for command in (["migrate", "-v0"], ["load_demo"]):
            subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT,  # noqa: S603
                           env=environment, check=True, capture_output=True, timeout=300)
        # The demo's own queued mails are not what the scenarios count.
        cluster.execute("UPDATE notifications_notification SET status = 'sent', sent_at = now()",
                        template)
        cluster.template = template
        print(f"fault cluster ready in {time.monotonic() - started:.1f} s")
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def stack(fault_cluster, tmp_path):
    """A fresh copy of the demo database, a Redis and an SMTP sink of this test's own, and the
    application's processes (started by the test); all stopped afterwards."""
    database = f"{fault_cluster.template}_{next(_copies)}"
    fault_cluster.execute(f"CREATE DATABASE {database} TEMPLATE {fault_cluster.template}")
    redis = RedisServer()
    redis.start()
    smtp = SmtpSink()
    smtp.start()
    processes = Processes(tmp_path, fault_cluster.url(database), redis, smtp)
    processes.cluster, processes.database, processes.redis, processes.smtp = (
        fault_cluster, database, redis, smtp)
    try:
        yield processes
    finally:
        processes.stop_all()
        smtp.stop()
        redis.stop()
        fault_cluster.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        # Shown by pytest when the test failed: what the servers said.
        print(processes.logs())
