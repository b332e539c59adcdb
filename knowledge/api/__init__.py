"""Knowledge API, one module per sub-domain; itsm/api.py calls register_routes and paths."""

# articles (k18kb)
from knowledge.api import articles as api_articles

# --- problems, changes, notices (k18chg) ---
from knowledge.api import changes, notices, problems


def register_routes(router) -> None:
    """Register the viewsets of every sub-domain on the project's router."""
    api_articles.register_routes(router)  # articles (k18kb)
    # --- problems, changes, notices (k18chg) ---
    router.register("problems", problems.ProblemViewSet, basename="problem")
    router.register("changes", changes.ChangeViewSet, basename="change")
    router.register("consents", changes.ConsentViewSet, basename="consent")
    router.register("notices", notices.NoticeViewSet, basename="notice")


def paths() -> list:
    """Non-router API paths."""
    return []
