"""URL × role rows for global search (merged into tests/test_url_matrix.py). Every role may
search; what each one finds is scoped (tests/portal/test_search_scope.py walks that per role)."""

ALL = {"admin", "desk", "engineer", "engineer2", "pm", "delivery", "gm", "client", "user",
       "user2"}

EXPECTED = {
    "/search/": (ALL, None, 302),
    "/search/?q=打印机": (ALL, None, 302),
    "/api/search/?q=打印机": (ALL, None, 401),
    "/api/search/?q=x": (set(), 400, 401),  # one character: refused for everyone
}


def names() -> dict:
    return {}
