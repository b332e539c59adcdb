"""Delete security events older than SECURITY_EVENT_RETENTION_DAYS (or --days)."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from accounts.models import SecurityEvent


class Command(BaseCommand):
    help = "Delete security events older than the retention period."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None,
                            help="Keep this many days (default SECURITY_EVENT_RETENTION_DAYS).")

    def handle(self, *args, days=None, **options):
        days = days or settings.SECURITY_EVENT_RETENTION_DAYS
        deleted, _ = SecurityEvent.objects.filter(
            at__lt=timezone.now() - timedelta(days=days)).delete()
        self.stdout.write(f"{deleted} security events older than {days} days deleted.")
