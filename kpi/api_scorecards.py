"""REST API of the KPI scorecards."""


def register_routes(router) -> None:
    """Add this module's viewsets to the API."""


def paths() -> list:
    """Extra URL patterns under /api/ that are not viewset routes."""
    return []
