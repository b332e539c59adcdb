"""REST API; routes are added by register_routes (wired in itsm/api.py)."""


def register_routes(router) -> None:
    """Add this module's viewsets (and extra paths via router.extra_urls) to the API."""


def paths() -> list:
    """Extra URL patterns under /api/ that are not viewset routes."""
    return []
