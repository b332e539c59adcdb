"""Health of the installation: database, broker and the beat → worker heartbeat.

The Celery app is the current one (the project's, loaded when Django starts), so this module
needs no import of the project package."""

from __future__ import annotations

import os
from datetime import datetime

from celery import current_app
from django.conf import settings
from django.db import connection

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
    state = SystemState.objects.filter(key=SystemState.HEARTBEAT).first()
    if state is None or "at" not in state.value:
        return {"seen": False}
    at = datetime.fromisoformat(state.value["at"])
    age = (now() - at).total_seconds()
    return {
        "seen": True,
        "at": state.value["at"],
        "count": state.value.get("count", 0),
        "age_seconds": round(age),
        # Three missed beats: the worker or beat is not running.
        "stale": age > 3 * settings.HEARTBEAT_SECONDS + 30,
    }


def system_status() -> dict:
    database = check_database()
    broker = check_broker()
    status = {"database": database, "broker": broker}
    status["heartbeat"] = heartbeat_status() if database["ok"] else {"seen": False}
    status["ok"] = database["ok"] and broker["ok"]
    return status


def _short(exc: Exception) -> str:
    return f"{type(exc).__name__}: {str(exc)[:200]}"
