"""Bulk submission keys are purged on beat once their retention is over."""

from datetime import timedelta

import pytest
from django.conf import settings

from core.clock import now
from tickets.models import BulkSubmission
from tickets.tasks import bulk_submissions_purge


@pytest.mark.django_db
def test_keys_past_the_retention_are_purged_and_younger_ones_kept(demo, settings):
    settings.BULK_SUBMISSION_RETENTION_HOURS = 6
    moment = now()
    for key, hours in [("old", 7), ("in-flight-dead", 30), ("young", 5)]:
        BulkSubmission.objects.create(actor=demo["desk"], key=key, action="comment",
                                      results=None if key == "in-flight-dead" else [],
                                      created_at=moment - timedelta(hours=hours))
    assert bulk_submissions_purge() == 2
    assert list(BulkSubmission.objects.values_list("key", flat=True)) == ["young"]
    assert bulk_submissions_purge() == 0


def test_beat_runs_it_hourly():
    entry = settings.CELERY_BEAT_SCHEDULE["tickets-bulk-submissions-purge"]
    assert entry["task"] == "tickets.tasks.bulk_submissions_purge"
    assert entry["schedule"] == timedelta(hours=1)
    assert 0 < entry["options"]["expires"] < 3600
