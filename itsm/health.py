"""/healthz: 200 when the database and broker answer, 503 otherwise (checks in core.health)."""

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.health import system_status


@never_cache
@require_GET
def healthz(request):
    """200 when the database and broker answer, 503 otherwise, with the detail as JSON."""
    status = system_status()
    status["status"] = "ok" if status.pop("ok") else "unavailable"
    return JsonResponse(status, status=200 if status["status"] == "ok" else 503)
