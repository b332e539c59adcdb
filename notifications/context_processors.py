"""The live pages' polling interval for every template (no query)."""

from django.conf import settings


def live(request):
    return {"live_poll_seconds": settings.LIVE_POLL_SECONDS}
