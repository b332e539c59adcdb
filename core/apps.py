from django.apps import AppConfig
from django.db.backends.signals import connection_created


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self):
        # Celery signal receivers: request ids across the broker, job timings for /metrics.
        from core import history, jobstats, pg_timestamps, requestid  # noqa: F401 - receivers

        # Timestamps parsed in C on PostgreSQL connections (core/pg_timestamps.py, issue 19).
        connection_created.connect(pg_timestamps.install,
                                   dispatch_uid="core.pg_timestamps.install")
        # History managers made once per model, not on every access (core/history.py).
        history.install()
