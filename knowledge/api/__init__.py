"""Knowledge API, one module per sub-domain; itsm/api.py calls register_routes and paths."""

# articles (k18kb)
from knowledge.api import articles as api_articles


def register_routes(router) -> None:
    """Register the viewsets of every sub-domain on the project's router."""
    api_articles.register_routes(router)  # articles (k18kb)


def paths() -> list:
    """Non-router API paths."""
    return []
