"""Beat → broker → worker works, on the configured broker (embedded or Redis)."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from celery.signals import before_task_publish
from django.conf import settings
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory

from core.health import heartbeat_status
from core.models import SystemState
from core.requestid import HEADER, RequestIdMiddleware
from itsm.tasks import heartbeat, notifications_purge

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
def test_it_runs_the_heartbeat_through_a_real_worker_and_beat(tmp_path, client, settings):
    """Start `celery worker --beat` as its own process on the test database: both heartbeats
    arrive and /healthz/ready answers 200; a task published by a request logs (JSON) with the
    request's id; once the worker is stopped, ready answers 503."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        database_url = f"sqlite:///{db['NAME']}"
    else:
        host = db["HOST"] or "127.0.0.1"
        database_url = (f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{host}"
                        f":{db['PORT'] or 5432}/{db['NAME']}")
    # A queue of its own, so a worker of a running dev stack on the same Redis cannot take
    # our messages (the embedded broker lives under tmp_path anyway).
    queue = f"heartbeat-test-{os.getpid()}"
    environment = dict(os.environ, DATABASE_URL=database_url, HEARTBEAT_SECONDS="1",
                       ITSM_VAR_DIR=str(tmp_path), CELERY_QUEUE=queue, LOG_FORMAT="json")
    log = tmp_path / "worker.log"
    settings.HEALTH_WORKER_MAX_AGE_SECONDS = settings.HEALTH_BEAT_MAX_AGE_SECONDS = 4
    with log.open("w") as output:
        worker = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "celery", "-A", "itsm", "worker", "--beat", "--pool=solo",
             "--loglevel=INFO", "--schedule", str(tmp_path / "beat-schedule")],
            cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT, text=True,
        )
    try:
        both = _wait(lambda: _worker_beats() >= 2 and SystemState.objects.filter(
            key=SystemState.BEAT_HEARTBEAT).exists())
        assert both, log.read_text()[-3000:]
        ready = client.get("/healthz/ready")
        assert ready.status_code == 200, ready.json()

        def view(request):
            notifications_purge.apply_async(queue=queue)
            return HttpResponse()

        RequestIdMiddleware(view)(RequestFactory().get("/", headers={HEADER: "req-from-web"}))
        line = _wait(lambda: _log_line(log, "notifications deleted"))
        assert line, log.read_text()[-3000:]
        assert line["request_id"] == "req-from-web"
        assert line["task_name"] == "itsm.tasks.notifications_purge"
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        _forget_queue(queue)
    # Ready answers 503 as soon as one heartbeat is older than its limit; the other (written
    # up to a second later) goes stale a moment after: wait for both, as a probe would see.
    def both_stale():
        response = client.get("/healthz/ready")
        body = response.json()
        stale = not body["worker"]["ok"] and not body["beat"]["ok"]
        return body if response.status_code == 503 and stale else None

    body = _wait(both_stale)
    assert body is not None, client.get("/healthz/ready").json()
    assert body["worker"]["ok"] is False and body["beat"]["ok"] is False, body


def _wait(condition, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.5)
    return None


def _worker_beats():
    state = SystemState.objects.filter(key=SystemState.HEARTBEAT).first()
    return state.value.get("count", 0) if state else 0


def _log_line(path, text):
    for line in path.read_text().splitlines():
        if text in line and line.startswith("{"):
            return json.loads(line)
    return None


def test_it_records_beats_heartbeat_when_beat_publishes_it(db):
    before_task_publish.send(sender="tickets.tasks.something", headers={}, body=())
    assert not SystemState.objects.filter(key=SystemState.BEAT_HEARTBEAT).exists()
    before_task_publish.send(sender="itsm.tasks.heartbeat", headers={}, body=())
    state = SystemState.objects.get(key=SystemState.BEAT_HEARTBEAT)
    assert "at" in state.value


def _forget_queue(queue: str) -> None:
    """On Redis, the queues and the beat's schedule (celery-redbeat) are keys named after the
    queue: delete them, so runs do not pile up keys in a shared Redis."""
    if not settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
        return
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    try:
        names = [*client.scan_iter(f"{queue}:*"), *client.scan_iter(f"{queue}.*"),
                 *client.scan_iter(queue)]
        if names:
            client.delete(*names)
    finally:
        client.close()
