"""Field-service API, one module per sub-domain; itsm/api.py calls register_routes and paths."""

# Visits (f16visits)
from fieldservice.api import visits as api_visits


def register_routes(router) -> None:
    """Register the viewsets of every sub-domain on the project's router."""


def paths() -> list:
    """Non-router API paths (e.g. /api/tickets/<id>/check-out/)."""
    return [
        *api_visits.paths(),  # Visits (f16visits)
    ]
