"""Health of the installation: database, broker, cache, migrations and the two heartbeats.

The worker's heartbeat is the beat → broker → worker round trip (itsm.tasks.heartbeat); beat's
is written by beat itself as it publishes that task. Either older than its threshold
(HEALTH_WORKER_MAX_AGE_SECONDS, HEALTH_BEAT_MAX_AGE_SECONDS) makes the installation not ready:
tickets would be saved but no SLA job, notification or report would run.

The Celery app is the current one (the project's, loaded when Django starts), so this module
needs no import of the project package."""

from __future__ import annotations

import os
from datetime import datetime

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.migrations.executor import MigrationExecutor

from core.clock import now
from core.models import SystemState
from core.redact import mask_url


def check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "down"; the detail says which
        return {"ok": False, "vendor": connection.vendor, "error": _short(exc)}
    return {"ok": True, "vendor": connection.vendor}


def check_broker() -> dict:
    url = settings.CELERY_BROKER_URL
    detail = {"url": mask_url(url)}
    if url.startswith("filesystem://"):
        folder = settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]
        ok = os.path.isdir(folder) and os.access(folder, os.W_OK)
        detail.update(ok=ok, embedded=True)
        if not ok:
            detail["error"] = f"broker folder {folder} is missing or not writable"
        return detail
    try:
        with current_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=3)
    except Exception as exc:  # kombu wraps transport errors differently per transport
        detail.update(ok=False, error=_short(exc))
        return detail
    detail["ok"] = True
    return detail


def heartbeat_status() -> dict:
    """The worker's heartbeat, as the admin home shows it."""
    return _heartbeat(SystemState.HEARTBEAT, settings.HEALTH_WORKER_MAX_AGE_SECONDS)


def _heartbeat(key: str, max_age: int) -> dict:
    state = SystemState.objects.filter(key=key).first()
    if state is None or "at" not in state.value:
        return {"seen": False}
    at = datetime.fromisoformat(state.value["at"])
    age = (now() - at).total_seconds()
    status = {"seen": True, "at": state.value["at"], "age_seconds": round(age),
              "max_age_seconds": max_age, "stale": age > max_age}
    if "count" in state.value:
        status["count"] = state.value["count"]
    return status


def check_heartbeat(key: str, max_age: int) -> dict:
    status = _heartbeat(key, max_age)
    status["ok"] = status["seen"] and not status["stale"]
    if not status["seen"]:
        status["error"] = "no heartbeat recorded yet"
    elif status["stale"]:
        status["error"] = f"last heartbeat {status['age_seconds']} s ago"
    return status


def check_cache() -> dict:
    """A write and a read through the cache the portal uses. The fail-open Redis cache turns
    an outage into a miss, which this sees as a value that did not come back."""
    key = f"healthz:{os.getpid()}"
    token = now().isoformat()
    try:
        cache.set(key, token, 30)
        ok = cache.get(key) == token
    except Exception as exc:  # a backend that does not fail open raises its own errors
        return {"ok": False, "error": _short(exc)}
    return {"ok": True} if ok else {"ok": False, "error": "a value written was not read back"}


_migrations_applied = False


def check_migrations() -> dict:
    """Every migration of the code is applied. Once true it stays true for this process (a
    deployment that brings new migrations restarts it), so the graph is read once, not per
    probe."""
    global _migrations_applied
    if _migrations_applied:
        return {"ok": True}
    try:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:  # database errors are the database check's to explain
        return {"ok": False, "error": _short(exc)}
    if plan:
        names = [f"{migration.app_label}.{migration.name}" for migration, _back in plan]
        return {"ok": False, "pending": len(names), "error": f"not applied: {', '.join(names[:5])}"}
    _migrations_applied = True
    return {"ok": True}


def readiness() -> dict:
    """Every check of /healthz/ready, and `ok` when all pass."""
    database = check_database()
    status = {"database": database, "broker": check_broker(), "cache": check_cache()}
    if database["ok"]:
        status["migrations"] = check_migrations()
        status["worker"] = check_heartbeat(SystemState.HEARTBEAT,
                                           settings.HEALTH_WORKER_MAX_AGE_SECONDS)
        status["beat"] = check_heartbeat(SystemState.BEAT_HEARTBEAT,
                                         settings.HEALTH_BEAT_MAX_AGE_SECONDS)
    else:
        unknown = {"ok": False, "error": "the database is down"}
        status.update(migrations=unknown, worker=unknown, beat=unknown)
    status["ok"] = all(check["ok"] for check in status.values())
    return status


def system_status() -> dict:
    database = check_database()
    broker = check_broker()
    status = {"database": database, "broker": broker}
    status["heartbeat"] = heartbeat_status() if database["ok"] else {"seen": False}
    status["ok"] = database["ok"] and broker["ok"]
    return status


def _short(exc: Exception) -> str:
    return f"{type(exc).__name__}: {str(exc)[:200]}"
