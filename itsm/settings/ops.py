"""Running the portal for years: logs, request ids, metrics, error reports, health thresholds,
retention and housekeeping (issue 20, points 8 and 9; docs/operations/monitoring.md and
docs/operations/backup.md).

Adds to the earlier parts: middleware, the logging configuration, the database engines (wrapped
by django-prometheus) and beat jobs.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

import sentry_sdk
from celery.schedules import crontab
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration

from itsm.env import env_choice, env_int, env_str
from itsm.settings.base import (
    CELERY_BEAT_SCHEDULE,
    DATABASES,
    DEBUG,
    HEARTBEAT_SECONDS,
    INSTALLED_APPS,
    LOGGING,
    MIDDLEWARE,
)

# --- Logs and request ids -------------------------------------------------------------------------
# json: one JSON object a line (log shippers); plain: one readable line (development default).
LOG_FORMAT = env_choice("LOG_FORMAT", "plain" if DEBUG else "json", ("json", "plain"))
LOGGING["filters"] = {"request_id": {"()": "core.requestid.RequestIdFilter"}}
LOGGING["formatters"]["plain"]["format"] = (
    "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s")
LOGGING["formatters"]["json"] = {"()": "core.logs.JsonFormatter"}
LOGGING["handlers"]["console"]["formatter"] = LOG_FORMAT
LOGGING["handlers"]["console"]["filters"] = ["request_id"]
# The worker logs through the handler above (same format, request ids of the publishing request)
# instead of replacing it with Celery's own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- Metrics (GET /metrics) ---------------------------------------------------------------------
# Empty: /metrics answers anyone who reaches it (keep it off the public proxy); set: only a
# scrape with "Authorization: Bearer <token>" (401 otherwise).
METRICS_TOKEN = env_str("METRICS_TOKEN", "")
INSTALLED_APPS.append("django_prometheus")
# Outermost, so the request counts and latencies include every other middleware; the request id
# right after, so everything that logs during a request has it.
MIDDLEWARE.insert(0, "django_prometheus.middleware.PrometheusBeforeMiddleware")
MIDDLEWARE.insert(1, "core.requestid.RequestIdMiddleware")
MIDDLEWARE.append("django_prometheus.middleware.PrometheusAfterMiddleware")
# Query counts, errors and connection figures per database alias.
for _database in DATABASES.values():
    _engine = _database["ENGINE"]
    if _engine.startswith("django.db.backends."):
        _database["ENGINE"] = "django_prometheus.db.backends." + _engine.rsplit(".", 1)[-1]
# Timed by the worker for /metrics (core/jobstats.py): every beat job, and the reports.
REPORT_TASKS = ["kpi.tasks.major_incident_report"]

# --- Error reports --------------------------------------------------------------------------------
# Empty: no error reports leave the installation.
SENTRY_DSN = env_str("SENTRY_DSN", "")
SENTRY_ENVIRONMENT = env_str("SENTRY_ENVIRONMENT", "development" if DEBUG else "production")
try:
    APP_VERSION = version("itsm-portal")
except PackageNotFoundError:  # a checkout that was never installed
    APP_VERSION = "unknown"
if SENTRY_DSN:
    # No personal data (user names, addresses, cookies) leaves with an error report.
    sentry_sdk.init(dsn=SENTRY_DSN, environment=SENTRY_ENVIRONMENT, release=APP_VERSION,
                    integrations=[DjangoIntegration(), CeleryIntegration()],
                    send_default_pii=False)

# --- Health thresholds (/healthz/ready) --------------------------------------------------------
# Three missed beats, and some slack for a busy worker: beyond this the worker, or beat, is down.
HEALTH_WORKER_MAX_AGE_SECONDS = env_int("HEALTH_WORKER_MAX_AGE_SECONDS",
                                        3 * HEARTBEAT_SECONDS + 30, minimum=1)
HEALTH_BEAT_MAX_AGE_SECONDS = env_int("HEALTH_BEAT_MAX_AGE_SECONDS",
                                      3 * HEARTBEAT_SECONDS + 30, minimum=1)

# --- Retention and housekeeping -------------------------------------------------------------------
# Notifications delivered (sent) longer ago than this are deleted; failed ones are kept for the
# same time after their last attempt, for the record of what did not arrive.
NOTIFICATION_RETENTION_DAYS = env_int("NOTIFICATION_RETENTION_DAYS", 90, minimum=1)
# Change history (django-simple-history) older than this is deleted, except the history of
# service records, kept SERVICE_RECORD_RETENTION_YEARS.
HISTORY_RETENTION_DAYS = env_int("HISTORY_RETENTION_DAYS", 730, minimum=30)
# Service records (tickets and their timeline, service reports, surveys, KPI reports) and their
# history: at least five years (seed 004); housekeeping never deletes the records themselves.
SERVICE_RECORD_RETENTION_YEARS = env_int("SERVICE_RECORD_RETENTION_YEARS", 5, minimum=5)
CELERY_BEAT_SCHEDULE["itsm-sessions-clear"] = {
    "task": "itsm.tasks.sessions_clear",
    "schedule": crontab(hour=3, minute=30),
    "options": {"expires": 3000},
}
CELERY_BEAT_SCHEDULE["itsm-notifications-purge"] = {
    "task": "itsm.tasks.notifications_purge",
    "schedule": crontab(hour=3, minute=40),
    "options": {"expires": 3000},
}
CELERY_BEAT_SCHEDULE["itsm-history-purge"] = {
    "task": "itsm.tasks.history_purge",
    "schedule": crontab(hour=3, minute=50),
    "options": {"expires": 3000},
}
JOB_METRICS_TASKS = sorted({entry["task"] for entry in CELERY_BEAT_SCHEDULE.values()}
                           | set(REPORT_TASKS))
