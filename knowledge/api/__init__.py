"""Knowledge API, one module per sub-domain; itsm/api.py calls register_routes and paths."""


def register_routes(router) -> None:
    """Register the viewsets of every sub-domain on the project's router."""


def paths() -> list:
    """Non-router API paths."""
    return []
