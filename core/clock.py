"""The one clock business logic asks, so tests can freeze it (time-machine) in a single place."""

from datetime import datetime

from django.utils import timezone


def now() -> datetime:
    return timezone.now()
