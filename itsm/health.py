"""Health probes: /healthz/live (the process answers) and /healthz/ready (it can do its work:
database, broker, cache, migrations, worker and beat heartbeats; checks in core.health).
/healthz is ready under its old name.

Liveness touches nothing outside the process, so a database outage never makes an orchestrator
restart healthy web processes; readiness takes the node out of the load balancer instead.
"""

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.health import readiness


@never_cache
@require_GET
def live(request):
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def ready(request):
    """200 when every check passes, 503 otherwise, with each check's detail as JSON."""
    status = readiness()
    status["status"] = "ok" if status.pop("ok") else "unavailable"
    return JsonResponse(status, status=200 if status["status"] == "ok" else 503)
