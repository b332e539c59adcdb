"""A container health check that needs Django: exit 0 when the named part is healthy, 1 if not.

    python manage.py probe beat      # some beat published its heartbeat recently
    python manage.py probe worker    # a worker ran the heartbeat recently
    python manage.py probe ready     # everything /healthz/ready checks

The beat containers use `probe beat`: with celery-redbeat (a Redis broker) beat keeps its
schedule in Redis and writes no file whose age could be checked, and a standby beat holds no lock
and publishes nothing, so the question a health check can answer for both is "is the schedule
running?" (HEALTH_BEAT_MAX_AGE_SECONDS). One JSON line says why on failure.
"""

import json
import sys

from django.conf import settings
from django.core.management.base import BaseCommand

from core.health import check_heartbeat, readiness
from core.models import SystemState


class Command(BaseCommand):
    help = "Exit 0 when beat, the worker or the whole installation (ready) is healthy, else 1."

    def add_arguments(self, parser):
        parser.add_argument("part", choices=["beat", "worker", "ready"])

    def handle(self, *args, part, **options):
        if part == "beat":
            status = check_heartbeat(SystemState.BEAT_HEARTBEAT,
                                     settings.HEALTH_BEAT_MAX_AGE_SECONDS)
        elif part == "worker":
            status = check_heartbeat(SystemState.HEARTBEAT, settings.HEALTH_WORKER_MAX_AGE_SECONDS)
        else:
            status = readiness()
        if not status.get("ok"):
            self.stderr.write(json.dumps(status, default=str))
            sys.exit(1)
        self.stdout.write("ok")
