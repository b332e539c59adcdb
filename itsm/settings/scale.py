"""Running on more than one host (issue 20.4-6; docs/operations/scale-out.md).

- Stored files: local disk under MEDIA_ROOT (the default), or an S3-compatible object store that
  every web node and worker shares (STORAGE_BACKEND=s3). Either way files are served only by the
  permission-checked views; the bucket stays private.
- Celery: three queues so the minute jobs never wait behind a KPI rebuild, time limits per
  queue, acknowledgement after the run, and one active beat however many are started (a lock in
  Redis, celery-redbeat). The embedded broker of `make run` keeps the file-based beat.
- Read replica: DATABASE_REPLICA_URL sends the read-only pages (dashboards, drill-downs, reports,
  exports) to a replica; without it nothing changes.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from itsm.env import env_database, env_int, env_str
from itsm.settings.base import (
    CELERY_BROKER_TRANSPORT_OPTIONS,
    CELERY_BROKER_URL,
    CELERY_TASK_DEFAULT_QUEUE,
    DATABASES,
    STORAGES,
)

# --- Stored files ---------------------------------------------------------------------------------
STORAGE_BACKEND = env_str("STORAGE_BACKEND", "local").lower()
if STORAGE_BACKEND == "local":
    # No location: FileSystemStorage follows MEDIA_ROOT (and a test's override of it). No URL:
    # files under MEDIA_ROOT are served by the download views only.
    STORAGES["default"] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
elif STORAGE_BACKEND == "s3":
    _bucket = env_str("S3_BUCKET")
    if not _bucket:
        raise ImproperlyConfigured("S3_BUCKET must be set when STORAGE_BACKEND is s3.")
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _bucket,
            # Empty: AWS itself; MinIO, Ceph, SeaweedFS… give their address.
            "endpoint_url": env_str("S3_ENDPOINT_URL"),
            "region_name": env_str("S3_REGION"),
            # Unset: boto3's own chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, an instance
            # role, ~/.aws/credentials).
            "access_key": env_str("S3_ACCESS_KEY_ID"),
            "secret_key": env_str("S3_SECRET_ACCESS_KEY"),
            # All files of this installation under one prefix, so a bucket can be shared.
            "location": env_str("S3_PREFIX", "").strip("/"),
            # "path" for most self-hosted servers (no wildcard DNS for bucket.host names).
            "addressing_style": env_str("S3_ADDRESSING_STYLE", "auto"),
            # Objects inherit the bucket's (private) policy; never public-read.
            "default_acl": None,
            # The views stream files themselves; should a URL ever be made, it is signed and
            # short-lived, never a public link.
            "querystring_auth": True,
            "querystring_expire": env_int("S3_URL_EXPIRE_SECONDS", 300, minimum=1),
            # Version 4 signatures: what every current S3 server accepts, with the lifetime in
            # the URL (version 2 URLs carry an absolute expiry instead).
            "signature_version": "s3v4",
            # Names are made unique by the server (uuid); never replace an object silently.
            "file_overwrite": False,
        },
    }
else:
    raise ImproperlyConfigured(f"STORAGE_BACKEND must be local or s3; got {STORAGE_BACKEND!r}.")

# --- Celery queues --------------------------------------------------------------------------------
# Queue names follow CELERY_QUEUE, so installations sharing one Redis stay apart.
CELERY_MINUTE_QUEUE = f"{CELERY_TASK_DEFAULT_QUEUE}.minute"
CELERY_HEAVY_QUEUE = f"{CELERY_TASK_DEFAULT_QUEUE}.heavy"
# Declared, so a worker started without -Q (make run, a single-worker install) consumes all three.
CELERY_TASK_QUEUES = {
    CELERY_TASK_DEFAULT_QUEUE: {"routing_key": CELERY_TASK_DEFAULT_QUEUE},
    CELERY_MINUTE_QUEUE: {"routing_key": CELERY_MINUTE_QUEUE},
    CELERY_HEAVY_QUEUE: {"routing_key": CELERY_HEAVY_QUEUE},
}
# Minute-critical: the SLA job, notifications and the heartbeat the health check watches.
MINUTE_TASKS = (
    "sla.tasks.evaluate",
    "notifications.tasks.deliver",
    "notifications.tasks.deliver_many",
    "notifications.tasks.sweep",
    "itsm.tasks.heartbeat",
)
# Heavy: whole-period rebuilds, PDF reports, spreadsheet imports. Everything else (reminders,
# escalations, purges, the mailbox poll, whose lease bounds it) stays on the default queue.
HEAVY_TASKS = (
    "kpi.tasks.refresh_recent",
    "kpi.tasks.refresh_nightly",
    "kpi.tasks.reports_schedule",
    "kpi.tasks.major_incident_report",
    "kpi.tasks.scorecards_quarterly",
    "assets.tasks.import_run",
)
CELERY_TASK_ROUTES = {
    **{name: {"queue": CELERY_MINUTE_QUEUE} for name in MINUTE_TASKS},
    **{name: {"queue": CELERY_HEAVY_QUEUE} for name in HEAVY_TASKS},
}
# Hard limits in seconds (the task's process is killed); the soft limit, 90 % of it, raises
# SoftTimeLimitExceeded in the task first, so its transaction rolls back cleanly.
CELERY_MINUTE_TIME_LIMIT = env_int("CELERY_MINUTE_TIME_LIMIT", 300, minimum=10)
CELERY_DEFAULT_TIME_LIMIT = env_int("CELERY_DEFAULT_TIME_LIMIT", 900, minimum=10)
CELERY_HEAVY_TIME_LIMIT = env_int("CELERY_HEAVY_TIME_LIMIT", 3600, minimum=10)


def _limits(hard: int) -> dict:
    return {"time_limit": hard, "soft_time_limit": hard * 9 // 10}


CELERY_TASK_TIME_LIMIT = CELERY_DEFAULT_TIME_LIMIT
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_DEFAULT_TIME_LIMIT * 9 // 10
CELERY_TASK_ANNOTATIONS = {
    **{name: _limits(CELERY_MINUTE_TIME_LIMIT) for name in MINUTE_TASKS},
    **{name: _limits(CELERY_HEAVY_TIME_LIMIT) for name in HEAVY_TASKS},
}
# A task is acknowledged after it ran (CELERY_TASK_ACKS_LATE in base.py) and handed back to the
# broker when its worker process dies (killed, out of memory), so no job is lost with a worker.
CELERY_TASK_REJECT_ON_WORKER_LOST = True

_redis_broker = CELERY_BROKER_URL.startswith(("redis://", "rediss://"))
if _redis_broker:
    # Redis redelivers a message not acknowledged within this time to another worker. With
    # acks_late that includes a task still running, so it must outlast the longest hard limit
    # (and any countdown or ETA; the portal uses none).
    CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 2 * CELERY_HEAVY_TIME_LIMIT,
                                        minimum=60)
    _longest = max(CELERY_MINUTE_TIME_LIMIT, CELERY_DEFAULT_TIME_LIMIT, CELERY_HEAVY_TIME_LIMIT)
    if _longest >= CELERY_VISIBILITY_TIMEOUT:
        raise ImproperlyConfigured(
            "CELERY_VISIBILITY_TIMEOUT must be longer than the longest task time limit; got "
            f"{CELERY_VISIBILITY_TIMEOUT}, a task may run {_longest} seconds.")
    CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] = CELERY_VISIBILITY_TIMEOUT

    # --- One active beat ------------------------------------------------------------------------
    # celery-redbeat keeps the schedule in Redis and lets one beat hold a lock; a second beat
    # (another host, a restarted container) waits and takes over once the holder's lock expires.
    # The embedded broker of `make run` has no Redis: its single beat keeps the file scheduler.
    CELERY_BEAT_SCHEDULER = "itsm.beat.ResilientRedBeatScheduler"
    CELERY_REDBEAT_REDIS_URL = CELERY_BROKER_URL
    # Said explicitly (redbeat would fall back to the broker's, visibility timeout included).
    CELERY_REDBEAT_REDIS_OPTIONS = {"socket_connect_timeout": 3, "socket_timeout": 5}
    CELERY_REDBEAT_KEY_PREFIX = f"{CELERY_TASK_DEFAULT_QUEUE}:redbeat:"
    # How long a dead beat's lock blocks the standby; the holder renews it at every tick, and
    # ticks at least five times within it.
    CELERY_REDBEAT_LOCK_TIMEOUT = env_int("BEAT_LOCK_SECONDS", 60, minimum=5)
    CELERY_BEAT_MAX_LOOP_INTERVAL = max(CELERY_REDBEAT_LOCK_TIMEOUT // 5, 1)

# --- Read replica ---------------------------------------------------------------------------------
# A streaming replica of the default database for the read-only pages (core/replicas.py). The
# replica is never migrated or written; in tests it mirrors the default database.
_replica_url = env_str("DATABASE_REPLICA_URL")
if _replica_url:
    DATABASES["replica"] = env_database("DATABASE_REPLICA_URL", _replica_url)
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"].get("CONN_MAX_AGE", 0)
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    # Behind PgBouncer's transaction pooling the replica needs the same as the primary (deploy.py).
    DATABASES["replica"]["DISABLE_SERVER_SIDE_CURSORS"] = DATABASES["default"].get(
        "DISABLE_SERVER_SIDE_CURSORS", False)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["core.replicas.ReplicaRouter"]
