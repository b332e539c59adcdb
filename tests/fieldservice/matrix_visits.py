"""URL × role rows for visits (issue 16; merged into tests/test_url_matrix.py).

The engineer's day is the engineers' page (and the administrators', like every role home);
planning, checking out and their API are POST-only (their rules: tests/fieldservice/)."""

EXPECTED = {
    "/field/today/": ({"engineer", "engineer2", "admin"}, 403, 302),
}

POST_ONLY = {"tickets/<str:number>/visits/plan/", "tickets/<str:number>/check-out/",
             "api/tickets/<int:pk>/check-out/", "api/tickets/<int:pk>/visits/"}


def names() -> dict:
    return {}
