"""Delete security events older than SECURITY_EVENT_RETENTION_DAYS (or --days); the beat
task accounts.tasks.security_events_purge does the same every night."""

from django.conf import settings
from django.core.management.base import BaseCommand

from accounts.security import security_events_purge


class Command(BaseCommand):
    help = "Delete security events older than the retention period."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None,
                            help="Keep this many days (default SECURITY_EVENT_RETENTION_DAYS).")

    def handle(self, *args, days=None, **options):
        days = days or settings.SECURITY_EVENT_RETENTION_DAYS
        deleted = security_events_purge(days)
        self.stdout.write(f"{deleted} security events older than {days} days deleted.")
