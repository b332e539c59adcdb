from celery.signals import task_postrun, task_prerun

from core.jobstats import job_key, job_stats
from core.models import SystemState
from itsm.tasks import heartbeat, history_purge


def _run(task, result, state="SUCCESS"):
    task_prerun.send(sender=task, task_id="t-1", task=task, args=(), kwargs={})
    task_postrun.send(sender=task, task_id="t-1", task=task, args=(), kwargs={}, retval=result,
                      state=state)


def test_it_times_the_jobs_it_is_told_to(db, settings):
    settings.JOB_METRICS_TASKS = ["itsm.tasks.history_purge"]
    _run(history_purge, 7)
    _run(history_purge, None, state="FAILURE")
    [stats] = job_stats()
    assert stats["task"] == "itsm.tasks.history_purge"
    assert stats["runs"] == 2 and stats["failures"] == 1 and stats["result_total"] == 7
    assert stats["seconds_total"] >= stats["last_seconds"] >= 0


def test_it_leaves_other_tasks_alone(db, settings):
    settings.JOB_METRICS_TASKS = ["itsm.tasks.history_purge"]
    _run(heartbeat, 1)
    assert not SystemState.objects.filter(key=job_key("itsm.tasks.heartbeat")).exists()


def test_it_times_every_beat_job_and_the_reports(settings):
    beat_tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert beat_tasks <= set(settings.JOB_METRICS_TASKS)
    assert "sla.tasks.evaluate" in settings.JOB_METRICS_TASKS
    assert "kpi.tasks.major_incident_report" in settings.JOB_METRICS_TASKS
