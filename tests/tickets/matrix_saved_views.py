"""URL × role rows for saved views of the queue (issue 15.2; merged into tests/test_url_matrix.py).

The list is for who has the queue; saving, renaming and deleting are POST-only (their rules are
in tests/tickets/test_saved_views.py; DELETE /api/saved-views/{id}/ is there too)."""

QUEUE_ROLES = {"admin", "desk", "engineer", "engineer2", "pm", "delivery", "gm"}

EXPECTED = {
    "/api/saved-views/": (QUEUE_ROLES, 403, 401),
}

POST_ONLY = {"tickets/queue/views/", "tickets/queue/views/<int:pk>/rename/",
             "tickets/queue/views/<int:pk>/delete/"}


def names() -> dict:
    return {}
