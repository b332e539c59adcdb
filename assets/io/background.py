"""Large register imports in the background: the request stores the file in an ImportJob and
queues a task; the task runs the same all-or-nothing import (one transaction, nothing written
on any row error) and saves its progress and result on the row, which the import page polls.

Files of up to IMPORT_BACKGROUND_ROWS rows (estimated without parsing) are imported in the
request, as before. A job whose message was lost (broker down) or whose worker died is run by
the sweep (import_sweep, every few minutes): running an import twice changes nothing the
second time, so a rerun is safe.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from assets.io.importer import ImportResult, RowError, assets_import
from assets.io.read import estimated_rows, read_bytes
from assets.models import ImportJob
from assets.permissions import may_import
from core.clock import now
from core.publish import publish_quietly
from core.spreadsheets import SpreadsheetRefused

logger = logging.getLogger(__name__)

# The errors kept on a finished job (the page shows the first 500 anyway).
ERRORS_KEPT = 1000
# A job still queued this long lost its message; one running this long lost its worker.
QUEUED_GRACE = timedelta(minutes=2)
RUNNING_GRACE = timedelta(minutes=30)


def import_start(*, actor, contract, file_name: str, data, dry_run: bool = False
                 ) -> ImportResult | ImportJob:
    """A small file is imported now (its ImportResult); a large one becomes an ImportJob run
    by a worker. Raises PermissionDenied when the actor may not import into this contract."""
    if not may_import(actor, contract):
        raise PermissionDenied
    try:
        content = read_bytes(data)
        rows = estimated_rows(file_name, content)
    except SpreadsheetRefused as exc:
        return ImportResult(dry_run=dry_run, errors=[RowError(None, "", exc.message)])
    if rows <= settings.IMPORT_BACKGROUND_ROWS:
        return assets_import(actor=actor, contract=contract, file_name=file_name, data=content,
                             dry_run=dry_run)
    job = ImportJob.objects.create(
        contract=contract, actor=actor, file_name=file_name[:255], content=content,
        dry_run=dry_run, language=translation.get_language() or "", rows_total=rows,
        created_at=now())
    transaction.on_commit(lambda: publish_quietly(
        "assets.tasks.import_run", (str(job.pk),), fallback="the import sweep"))
    return job


def import_run(job_id) -> bool:
    """Run one queued job to its end; False when another run has it or it is finished."""
    with transaction.atomic():
        job = (ImportJob.objects.select_for_update(skip_locked=True)
               .select_related("actor", "contract")
               .filter(pk=job_id, state=ImportJob.State.QUEUED).first())
        if job is None:
            return False
        job.state, job.started_at, job.stage, job.rows_done = (
            ImportJob.State.RUNNING, now(), "read", 0)
        job.save(update_fields=["state", "started_at", "stage", "rows_done"])

    def progress(stage: str, rows: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(stage=stage, rows_done=rows)

    with translation.override(job.language or settings.LANGUAGE_CODE):
        try:
            result = assets_import(actor=job.actor, contract=job.contract,
                                   file_name=job.file_name, data=bytes(job.content),
                                   dry_run=job.dry_run, progress=progress)
        except PermissionDenied:
            result = ImportResult(dry_run=job.dry_run, errors=[RowError(None, "", _(
                "You may no longer import into this contract; nothing was imported."))])
        except Exception:  # a bug: the job ends (no rerun every sweep), the log has the trace
            logger.exception("Import job %s failed", job.pk)
            result = ImportResult(dry_run=job.dry_run, errors=[RowError(None, "", _(
                "The import failed unexpectedly; nothing was imported. Please tell the "
                "administrator."))])
    job.state, job.finished_at, job.content = ImportJob.State.DONE, now(), b""
    job.result = result_data(result)
    job.save(update_fields=["state", "finished_at", "content", "result"])
    return True


def import_sweep() -> int:
    """Run the jobs whose message was lost or whose worker died; the number run."""
    moment = now()
    ImportJob.objects.filter(state=ImportJob.State.RUNNING,
                             started_at__lt=moment - RUNNING_GRACE).update(
        state=ImportJob.State.QUEUED)
    stuck = ImportJob.objects.filter(state=ImportJob.State.QUEUED,
                                     created_at__lt=moment - QUEUED_GRACE)
    return sum(import_run(pk) for pk in stuck.values_list("pk", flat=True))


def import_jobs_purge(days: int | None = None) -> int:
    """Delete finished imports older than `days` (default IMPORT_JOB_RETENTION_DAYS): their
    result was shown when they ended and the register holds what they wrote. Jobs still
    queued or running are the sweep's; the number deleted."""
    days = days or settings.IMPORT_JOB_RETENTION_DAYS
    deleted, _by_model = ImportJob.objects.filter(
        state=ImportJob.State.DONE, finished_at__lt=now() - timedelta(days=days)).delete()
    return deleted


def result_data(result: ImportResult) -> dict:
    return {"created": result.created, "updated": result.updated,
            "unchanged": result.unchanged, "dry_run": result.dry_run,
            "error_count": len(result.errors),
            "errors": [[e.row, e.column, e.message] for e in result.errors[:ERRORS_KEPT]]}


def job_result(job: ImportJob) -> tuple[ImportResult, int] | None:
    """A finished job's result as the page shows it, and its number of errors."""
    if job.state != ImportJob.State.DONE or not job.result:
        return None
    data = job.result
    result = ImportResult(created=data["created"], updated=data["updated"],
                          unchanged=data["unchanged"], dry_run=data["dry_run"],
                          errors=[RowError(*e) for e in data["errors"]])
    return result, data["error_count"]
