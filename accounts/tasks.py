"""Celery entry points for accounts: thin wrappers over the services."""

from celery import shared_task

from accounts.security import security_events_purge as purge


@shared_task(name="accounts.tasks.security_events_purge")
def security_events_purge() -> int:
    """Nightly: security events past SECURITY_EVENT_RETENTION_DAYS."""
    return purge()
