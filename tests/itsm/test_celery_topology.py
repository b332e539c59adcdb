"""Celery topology (issue 20.5): the minute-critical jobs and the heavy ones on queues of their
own, time limits by queue, acknowledgement after the run, a visibility timeout longer than any
task may run, and one active beat however many are started (celery-redbeat's lock in Redis).
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings

from itsm.celery import app
from tests.faults.stack import RedisServer, wait_for

ROOT = Path(__file__).resolve().parents[2]


def _route(task_name: str) -> str:
    return app.amqp.router.route({}, task_name)["queue"].name


def _settings_with(tmp_path, **environment) -> dict:
    """Celery's settings as a fresh process reads them from this environment."""
    code = ("import json, django; django.setup(); from django.conf import settings as s; "
            "print(json.dumps({k: getattr(s, k, None) for k in ('CELERY_BROKER_URL', "
            "'CELERY_BEAT_SCHEDULER', 'CELERY_BROKER_TRANSPORT_OPTIONS', "
            "'CELERY_REDBEAT_LOCK_TIMEOUT', 'CELERY_BEAT_MAX_LOOP_INTERVAL')}, default=str))")
    env = {k: v for k, v in os.environ.items()
           if k not in {"REDIS_URL", "CELERY_BROKER_URL", "DATABASE_URL"}}
    env.update(environment, ITSM_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="itsm.settings")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,  # noqa: S603
                            capture_output=True, text=True, timeout=120)
    return {"returncode": result.returncode, "stderr": result.stderr,
            **(json.loads(result.stdout.splitlines()[-1]) if result.returncode == 0 else {})}


def test_it_routes_minute_jobs_and_heavy_jobs_to_queues_of_their_own():
    default = settings.CELERY_TASK_DEFAULT_QUEUE
    assert _route("sla.tasks.evaluate") == f"{default}.minute"
    assert _route("notifications.tasks.deliver") == f"{default}.minute"
    assert _route("notifications.tasks.sweep") == f"{default}.minute"
    assert _route("itsm.tasks.heartbeat") == f"{default}.minute"
    assert _route("kpi.tasks.refresh_nightly") == f"{default}.heavy"
    assert _route("kpi.tasks.reports_schedule") == f"{default}.heavy"
    assert _route("assets.tasks.import_run") == f"{default}.heavy"
    assert _route("mailin.tasks.poll_mailboxes") == default
    assert _route("accounts.tasks.security_events_purge") == default


def test_it_routes_every_task_to_a_declared_queue():
    app.loader.import_default_modules()
    declared = set(settings.CELERY_TASK_QUEUES)
    ours = [name for name in app.tasks if not name.startswith("celery.")]
    assert len(ours) > 20
    for name in ours:
        assert _route(name) in declared, name
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks, entry["task"]
    # A name routed that no task has would be a typo: the route would never apply.
    assert set(settings.CELERY_TASK_ROUTES) <= set(app.tasks)


def test_it_limits_each_task_by_its_queue_and_acks_it_after_the_run():
    app.loader.import_default_modules()
    evaluate, rebuild = app.tasks["sla.tasks.evaluate"], app.tasks["kpi.tasks.refresh_nightly"]
    purge = app.tasks["accounts.tasks.security_events_purge"]
    assert evaluate.time_limit == settings.CELERY_MINUTE_TIME_LIMIT
    assert rebuild.time_limit == settings.CELERY_HEAVY_TIME_LIMIT
    assert app.conf.task_time_limit == settings.CELERY_DEFAULT_TIME_LIMIT
    assert purge.time_limit == settings.CELERY_DEFAULT_TIME_LIMIT
    for task in (evaluate, rebuild):
        assert 0 < task.soft_time_limit < task.time_limit
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert evaluate.acks_late and evaluate.reject_on_worker_lost


def test_it_keeps_unacknowledged_tasks_longer_than_any_task_may_run(tmp_path):
    config = _settings_with(tmp_path, REDIS_URL="redis://127.0.0.1:6379/6")
    assert config["returncode"] == 0, config["stderr"]
    visibility = config["CELERY_BROKER_TRANSPORT_OPTIONS"]["visibility_timeout"]
    assert visibility > max(settings.CELERY_MINUTE_TIME_LIMIT, settings.CELERY_HEAVY_TIME_LIMIT,
                            settings.CELERY_DEFAULT_TIME_LIMIT)
    assert config["CELERY_BEAT_SCHEDULER"] == "itsm.beat.ResilientRedBeatScheduler"
    assert config["CELERY_REDBEAT_LOCK_TIMEOUT"] > config["CELERY_BEAT_MAX_LOOP_INTERVAL"]

    refused = _settings_with(tmp_path, REDIS_URL="redis://127.0.0.1:6379/6",
                             CELERY_VISIBILITY_TIMEOUT="600")
    assert refused["returncode"] != 0
    assert "CELERY_VISIBILITY_TIMEOUT must be longer" in refused["stderr"]


def test_it_keeps_the_file_beat_for_the_embedded_broker(tmp_path):
    config = _settings_with(tmp_path)
    assert config["returncode"] == 0, config["stderr"]
    assert config["CELERY_BROKER_URL"].startswith("filesystem://")
    assert config["CELERY_BEAT_SCHEDULER"] is None  # Celery's default, the file under var/


# --- two beats, one schedule -------------------------------------------------------------------

def _heartbeats_queued(client: redis.Redis, queue: str) -> int:
    return sum(1 for raw in client.lrange(queue, 0, -1)
               if json.loads(raw)["headers"]["task"] == "itsm.tasks.heartbeat")


def _start_beat(name: str, environment: dict, tmp_path: Path) -> subprocess.Popen:
    log = open(tmp_path / f"{name}.log", "wb")  # noqa: SIM115 - closed once handed over
    try:
        return subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "celery", "-A", "itsm", "beat", "--loglevel=INFO"],
            cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)
    finally:
        log.close()


def _stop(process: subprocess.Popen, signum=signal.SIGTERM) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signum)
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("redis-server") is None,
                    reason="redis-server is not installed (scripts/system-packages.sh)")
def test_it_lets_one_of_two_beats_schedule_and_the_other_take_over(tmp_path):
    """Two `celery beat` on one Redis, the heartbeat every second and no worker: the messages
    queued come at one beat's rate; once the holder is killed (-9, no release) the standby takes
    the lock when it expires and the heartbeats go on."""
    server = RedisServer()
    server.start()
    queue = "beat-test"
    environment = {k: v for k, v in os.environ.items()
                   if k not in {"DJANGO_SETTINGS_MODULE", "CELERY_BROKER_URL"}}
    environment.update(REDIS_URL=server.url, CELERY_QUEUE=queue, HEARTBEAT_SECONDS="1",
                       BEAT_LOCK_SECONDS="5", ITSM_VAR_DIR=str(tmp_path), PYTHONUNBUFFERED="1")
    client = redis.Redis.from_url(server.url)
    beats = {}
    try:
        beats["first"] = _start_beat("first", environment, tmp_path)
        wait_for(lambda: client.get(f"{queue}:redbeat::lock"), 90, interval=0.2,
                 what="the first beat to take the lock")
        holder = client.get(f"{queue}:redbeat::lock")
        beats["second"] = _start_beat("second", environment, tmp_path)
        wait_for(lambda: b"Acquiring lock" in (tmp_path / "second.log").read_bytes()
                 or b"beat: Starting" in (tmp_path / "second.log").read_bytes(), 90,
                 interval=0.2, what="the second beat to start")
        time.sleep(2)  # past its start-up: from here both would be sending, were both active

        minute_queue = f"{queue}.minute"
        before, started = _heartbeats_queued(client, minute_queue), time.monotonic()
        time.sleep(8)
        sent = _heartbeats_queued(client, minute_queue) - before
        elapsed = time.monotonic() - started
        # One beat at 1 s: about `elapsed` messages; two would send twice as many.
        assert 0.5 * elapsed <= sent <= elapsed + 2, (sent, elapsed)
        assert client.get(f"{queue}:redbeat::lock") == holder
        assert b"Acquired lock" not in (tmp_path / "second.log").read_bytes()

        _stop(beats.pop("first"), signal.SIGKILL)  # gone without releasing the lock
        wait_for(lambda: b"Acquired lock" in (tmp_path / "second.log").read_bytes(), 30,
                 interval=0.2, what="the second beat to take over")
        resumed = _heartbeats_queued(client, minute_queue)
        wait_for(lambda: _heartbeats_queued(client, minute_queue) >= resumed + 2, 15,
                 interval=0.2, what="heartbeats from the second beat")
    finally:
        for process in beats.values():
            _stop(process)
        client.close()
        server.stop()
