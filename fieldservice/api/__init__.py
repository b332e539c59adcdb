"""Field-service API, one module per sub-domain; itsm/api.py calls register_routes and paths."""

# vendor repairs and parts to site (f16repair)
from fieldservice.api import parts as api_parts
from fieldservice.api import repairs as api_repairs

# Visits (f16visits)
from fieldservice.api import visits as api_visits


def register_routes(router) -> None:
    """Register the viewsets of every sub-domain on the project's router."""
    # f16repair
    api_repairs.register_routes(router)
    api_parts.register_routes(router)


def paths() -> list:
    """Non-router API paths (e.g. /api/tickets/<id>/check-out/)."""
    return [
        # f16repair
        *api_repairs.paths(),
        *api_visits.paths(),  # Visits (f16visits)
    ]
