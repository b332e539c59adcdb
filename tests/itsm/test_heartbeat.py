"""Beat → broker → worker works, on the configured broker (embedded or Redis)."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from celery.signals import before_task_publish
from django.conf import settings
from django.db import connection

from core.health import heartbeat_status
from core.models import SystemState
from itsm.tasks import heartbeat

ROOT = Path(__file__).resolve().parents[2]


def test_it_counts_heartbeats(db):
    assert heartbeat() == 1
    assert heartbeat() == 2
    status = heartbeat_status()
    assert status["seen"] is True and status["count"] == 2 and status["stale"] is False


def test_it_schedules_the_heartbeat_with_an_expiry_under_its_interval():
    entry = settings.CELERY_BEAT_SCHEDULE["heartbeat"]
    assert entry["task"] == "itsm.tasks.heartbeat"
    assert entry["options"]["expires"] < entry["schedule"].total_seconds()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_it_runs_the_heartbeat_through_a_real_worker_and_beat(tmp_path):
    """Start `celery worker --beat` as its own process on the test database and wait for beats."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        database_url = f"sqlite:///{db['NAME']}"
    else:
        host = db["HOST"] or "127.0.0.1"
        database_url = (f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{host}"
                        f":{db['PORT'] or 5432}/{db['NAME']}")
    # A queue of its own, so a worker of a running dev stack on the same Redis cannot take
    # our messages (the embedded broker lives under tmp_path anyway).
    environment = dict(os.environ, DATABASE_URL=database_url, HEARTBEAT_SECONDS="1",
                       ITSM_VAR_DIR=str(tmp_path), CELERY_QUEUE=f"heartbeat-test-{os.getpid()}")
    worker = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "celery", "-A", "itsm", "worker", "--beat", "--pool=solo",
         "--loglevel=INFO", "--schedule", str(tmp_path / "beat-schedule")],
        cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        deadline = time.monotonic() + 60
        count = 0
        while time.monotonic() < deadline:
            state = SystemState.objects.filter(key=SystemState.HEARTBEAT).first()
            count = state.value.get("count", 0) if state else 0
            if count >= 2:
                break
            time.sleep(0.5)
    finally:
        worker.terminate()
        output, _ = worker.communicate(timeout=30)
    assert count >= 2, output[-3000:]


def test_it_records_beats_heartbeat_when_beat_publishes_it(db):
    before_task_publish.send(sender="tickets.tasks.something", headers={}, body=())
    assert not SystemState.objects.filter(key=SystemState.BEAT_HEARTBEAT).exists()
    before_task_publish.send(sender="itsm.tasks.heartbeat", headers={}, body=())
    state = SystemState.objects.get(key=SystemState.BEAT_HEARTBEAT)
    assert "at" in state.value
