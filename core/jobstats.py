"""How long the periodic jobs and the reports take, kept where every web node can read it.

The worker times each task named in JOB_METRICS_TASKS and adds the run to one SystemState row
per task (runs, failures, total and last seconds, and the total of integer results: the minute
job returns the escalations it fired). /metrics reads these rows, so the figures survive
restarts, add up over any number of workers and hosts, and need no scrape of the workers.
A handful of rows updated once per job run: nothing next to the jobs themselves.
"""

from __future__ import annotations

import logging
import time

from celery.signals import task_postrun, task_prerun
from django.conf import settings
from django.db import DatabaseError, transaction

from core.clock import now
from core.models import SystemState

logger = logging.getLogger("itsm.jobstats")

KEY_PREFIX = "job:"
_started: dict[str, float] = {}


def job_key(task_name: str) -> str:
    return (KEY_PREFIX + task_name)[:64]


def job_run_record(*, task_name: str, seconds: float, succeeded: bool, result=None) -> dict:
    """Add one run of a job to its row; returns the row's new value."""
    with transaction.atomic():
        state, _created = SystemState.objects.select_for_update().get_or_create(
            key=job_key(task_name), defaults={"value": {}})
        value = state.value
        value["task"] = task_name
        value["runs"] = value.get("runs", 0) + 1
        value["failures"] = value.get("failures", 0) + (0 if succeeded else 1)
        value["seconds_total"] = value.get("seconds_total", 0.0) + seconds
        value["last_seconds"] = seconds
        value["last_at"] = now().isoformat()
        if succeeded and isinstance(result, int) and not isinstance(result, bool):
            value["result_total"] = value.get("result_total", 0) + result
        state.value = value
        state.save(update_fields=["value", "updated_at"])
    return value


def job_stats() -> list[dict]:
    return [state.value for state in SystemState.objects.filter(key__startswith=KEY_PREFIX)
            if "task" in state.value]


def _timed(task) -> bool:
    return task is not None and task.name in settings.JOB_METRICS_TASKS


@task_prerun.connect(dispatch_uid="itsm.jobstats.prerun")
def _start_timer(sender=None, task_id=None, task=None, **kwargs) -> None:
    if _timed(task):
        _started[task_id] = time.perf_counter()


@task_postrun.connect(dispatch_uid="itsm.jobstats.postrun")
def _record_run(sender=None, task_id=None, task=None, retval=None, state=None, **kwargs) -> None:
    started = _started.pop(task_id, None)
    if started is None or not _timed(task):
        return
    try:
        job_run_record(task_name=task.name, seconds=time.perf_counter() - started,
                       succeeded=state == "SUCCESS", result=retval)
    except DatabaseError as exc:  # a metric is never worth failing the job for
        logger.warning("Could not record the run of %s: %s", task.name, exc)
