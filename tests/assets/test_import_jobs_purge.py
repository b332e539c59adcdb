"""Finished background imports are purged on beat after IMPORT_JOB_RETENTION_DAYS."""

from datetime import timedelta

import pytest
from django.conf import settings

from assets.models import ImportJob
from assets.tasks import import_jobs_purge
from core.clock import now
from sla.models import Contract


@pytest.mark.django_db
def test_finished_imports_past_the_retention_are_purged(demo, settings):
    settings.IMPORT_JOB_RETENTION_DAYS = 10
    contract = Contract.objects.get(code="DEMO-DESKTOP")
    moment = now()

    def job(name, state, days_ago):
        at = moment - timedelta(days=days_ago)
        return ImportJob.objects.create(
            contract=contract, actor=demo["admin"], file_name=name, state=state, created_at=at,
            finished_at=at if state == ImportJob.State.DONE else None)

    job("old.xlsx", ImportJob.State.DONE, 11)
    job("recent.xlsx", ImportJob.State.DONE, 9)
    job("queued-long-ago.xlsx", ImportJob.State.QUEUED, 40)  # the sweep's, not the purge's
    assert import_jobs_purge() == 1
    assert sorted(ImportJob.objects.values_list("file_name", flat=True)) == [
        "queued-long-ago.xlsx", "recent.xlsx"]


def test_beat_runs_it_nightly():
    entry = settings.CELERY_BEAT_SCHEDULE["assets-import-jobs-purge"]
    assert entry["task"] == "assets.tasks.import_jobs_purge"
    assert entry["schedule"].hour == {3} and entry["schedule"].minute == {20}
    assert 0 < entry["options"]["expires"] < 24 * 3600
