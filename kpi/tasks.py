"""Celery entry points for the KPI rollup and the scheduled reports: thin wrappers."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings


@shared_task(name="kpi.tasks.refresh_recent")
def refresh_recent() -> dict:
    from kpi.rollup import refresh_recent as run

    return run()


@shared_task(name="kpi.tasks.refresh_nightly")
def refresh_nightly() -> dict:
    """Late edits (a reassignment, a back-dated complaint) reach the older days overnight."""
    from itsm.clock import now
    from kpi.rollup import refresh, zone

    today = now().astimezone(zone()).date()
    return refresh(today - timedelta(days=settings.KPI_NIGHTLY_DAYS - 1), today, backlog=False)
