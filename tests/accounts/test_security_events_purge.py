"""Security events are purged every night on beat (and by the command of the same name)."""

from datetime import timedelta

import pytest
from django.conf import settings

from accounts.models import SecurityEvent
from accounts.tasks import security_events_purge


@pytest.mark.django_db
def test_the_task_deletes_events_past_the_retention_only(settings):
    settings.SECURITY_EVENT_RETENTION_DAYS = 30
    for name, days in [("old", 31), ("edge", 29), ("new", 0)]:
        event = SecurityEvent.objects.create(kind=SecurityEvent.Kind.LOGIN, username=name)
        SecurityEvent.objects.filter(pk=event.pk).update(at=event.at - timedelta(days=days))
    assert security_events_purge() == 1
    assert sorted(SecurityEvent.objects.values_list("username", flat=True)) == ["edge", "new"]


def test_beat_runs_it_nightly():
    entry = settings.CELERY_BEAT_SCHEDULE["accounts-security-events-purge"]
    assert entry["task"] == "accounts.tasks.security_events_purge"
    assert entry["schedule"].hour == {3} and entry["schedule"].minute == {10}
    assert 0 < entry["options"]["expires"] < 24 * 3600
