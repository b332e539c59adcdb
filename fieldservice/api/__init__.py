"""Field-service API, one module per sub-domain; itsm/api.py calls register_routes and paths."""

# vendor repairs and parts to site (f16repair)
from fieldservice.api import parts as api_parts
from fieldservice.api import repairs as api_repairs

# service reports (f16report)
from fieldservice.api import reports as api_reports

# Visits (f16visits)
from fieldservice.api import visits as api_visits


def register_routes(router) -> None:
    """Register the viewsets of every sub-domain on the project's router."""
    # f16repair
    api_repairs.register_routes(router)
    api_parts.register_routes(router)
    api_reports.register_routes(router)  # service reports (f16report)


def paths() -> list:
    """Non-router API paths (e.g. /api/tickets/<id>/check-out/)."""
    return [
        # f16repair
        *api_repairs.paths(),
        *api_visits.paths(),  # Visits (f16visits)
        *api_reports.paths(),  # service reports (f16report)
    ]
