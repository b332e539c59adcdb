"""REST API; routes are added by register_routes (wired in itsm/api.py)."""


def register_routes(router) -> None:
    """Add this module's viewsets to the API router."""
