"""Celery entry points for assets: thin wrappers over the services."""

from celery import shared_task

from assets.io import background
from assets.services.inspections import rounds_generate
from assets.services.register import warranty_notices_send
from assets.services.store import restock_sweep


@shared_task(name="assets.tasks.inspections_generate")
def inspections_generate() -> int:
    return rounds_generate()


@shared_task(name="assets.tasks.warranty_notices")
def warranty_notices() -> int:
    return warranty_notices_send()


@shared_task(name="assets.tasks.restock_check_all")
def restock_check_all() -> int:
    """Nightly: restock requests for parts already below their minimum (not only after a
    movement)."""
    return restock_sweep()


@shared_task(name="assets.tasks.import_run")
def import_run(job_id: str) -> bool:
    """A large register import, queued by the import page (assets/io/background.py)."""
    return background.import_run(job_id)


@shared_task(name="assets.tasks.import_sweep")
def import_sweep() -> int:
    """Every few minutes: imports whose message was lost or whose worker died."""
    return background.import_sweep()


@shared_task(name="assets.tasks.import_jobs_purge")
def import_jobs_purge() -> int:
    """Nightly: finished imports past IMPORT_JOB_RETENTION_DAYS."""
    return background.import_jobs_purge()
