"""Field-service API, one module per sub-domain; itsm/api.py calls register_routes and paths."""

# service reports (f16report)
from fieldservice.api import reports as api_reports


def register_routes(router) -> None:
    """Register the viewsets of every sub-domain on the project's router."""
    api_reports.register_routes(router)  # service reports (f16report)


def paths() -> list:
    """Non-router API paths (e.g. /api/tickets/<id>/check-out/)."""
    return [
        *api_reports.paths(),  # service reports (f16report)
    ]
