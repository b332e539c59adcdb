"""/healthz/live, /healthz/ready and /healthz (ready under its old name)."""

from datetime import timedelta

import pytest
from django.db.migrations.executor import MigrationExecutor

from core import health
from core.clock import now
from core.models import SystemState


def _beat(key, *, age_seconds=0):
    SystemState.objects.update_or_create(
        key=key, defaults={"value": {"at": (now() - timedelta(seconds=age_seconds)).isoformat(),
                                     "count": 1}})


@pytest.fixture
def heartbeats(db, settings):
    settings.HEALTH_WORKER_MAX_AGE_SECONDS = 120
    settings.HEALTH_BEAT_MAX_AGE_SECONDS = 120
    _beat(SystemState.HEARTBEAT, age_seconds=30)
    _beat(SystemState.BEAT_HEARTBEAT, age_seconds=30)


def test_it_answers_live_without_touching_the_database(client):
    # No database fixture: any query would raise.
    response = client.get("/healthz/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.parametrize("path", ["/healthz/ready", "/healthz"])
def test_it_reports_every_check_ready(client, heartbeats, path):
    response = client.get(path)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    for check in ("database", "broker", "cache", "migrations", "worker", "beat"):
        assert body[check]["ok"] is True, (check, body[check])
    assert 30 <= body["worker"]["age_seconds"] < 120  # the clock runs on during the request
    assert response["Cache-Control"].startswith("max-age=0")


def test_it_answers_503_when_the_worker_heartbeat_is_stale(client, heartbeats):
    _beat(SystemState.HEARTBEAT, age_seconds=121)  # beat still publishes: the worker is dead
    response = client.get("/healthz/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["worker"]["ok"] is False and body["worker"]["stale"] is True
    assert body["worker"]["error"] == "last heartbeat 121 s ago"
    assert body["beat"]["ok"] is True


def test_it_answers_503_when_the_beat_heartbeat_is_stale(client, heartbeats):
    _beat(SystemState.BEAT_HEARTBEAT, age_seconds=600)
    body = client.get("/healthz/ready").json()
    assert body["status"] == "unavailable"
    assert body["beat"]["ok"] is False and body["worker"]["ok"] is True


def test_it_answers_503_before_any_heartbeat(client, db):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["worker"] == {"seen": False, "ok": False,
                                         "error": "no heartbeat recorded yet"}


def test_it_follows_the_threshold_settings(client, heartbeats, settings):
    settings.HEALTH_WORKER_MAX_AGE_SECONDS = 20
    assert client.get("/healthz/ready").json()["worker"]["ok"] is False


def test_it_answers_503_when_the_broker_is_down(client, heartbeats, settings, dead_broker):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["broker"]["ok"] is False
    assert "error" in body["broker"]
    assert body["database"]["ok"] is True


def test_it_answers_503_when_the_database_is_down(client, heartbeats, monkeypatch):
    monkeypatch.setattr(health, "check_database",
                        lambda: {"ok": False, "vendor": "x", "error": "OperationalError: gone"})
    response = client.get("/healthz/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["database"]["error"] == "OperationalError: gone"
    assert body["worker"] == {"ok": False, "error": "the database is down"}


def test_it_answers_503_when_the_cache_is_down(client, heartbeats, settings):
    settings.CACHES = {"default": {"BACKEND": "core.cache.FailOpenRedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0",
                                   "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}}
    body = client.get("/healthz/ready").json()
    assert body["status"] == "unavailable"
    assert body["cache"] == {"ok": False, "error": "a value written was not read back"}


def test_it_answers_503_while_migrations_are_pending(client, heartbeats, monkeypatch):
    class Pending:
        app_label, name = "tickets", "0999_future"

    monkeypatch.setattr(health, "_migrations_applied", False)
    monkeypatch.setattr(MigrationExecutor, "migration_plan",
                        lambda self, targets: [(Pending, False)])
    body = client.get("/healthz/ready").json()
    assert body["status"] == "unavailable"
    assert body["migrations"] == {"ok": False, "pending": 1,
                                  "error": "not applied: tickets.0999_future"}


def test_it_reads_the_migration_graph_once_applied(heartbeats, monkeypatch):
    monkeypatch.setattr(health, "_migrations_applied", False)
    assert health.check_migrations() == {"ok": True}
    monkeypatch.setattr(MigrationExecutor, "__init__", lambda *a, **k: pytest.fail("read again"))
    assert health.check_migrations() == {"ok": True}


@pytest.mark.parametrize("path", ["/healthz", "/healthz/live", "/healthz/ready"])
@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_it_only_answers_get(client, db, method, path):
    assert getattr(client, method)(path).status_code == 405
