from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self):
        # Celery signal receivers: request ids across the broker, job timings for /metrics.
        from core import jobstats, requestid  # noqa: F401 - importing connects the receivers
