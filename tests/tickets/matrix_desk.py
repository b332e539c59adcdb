"""URL × role rows for the desk's pages of issue 15 (merged into tests/test_url_matrix.py)."""

STAFF_WRITERS = {"admin", "desk", "engineer", "engineer2", "pm", "delivery", "gm"}

EXPECTED = {
    # Canned replies: written by who logs calls, picked by the provider's people on a ticket.
    "/tickets/replies/": ({"admin", "desk", "pm"}, 403, 302),
    "/tickets/{printer}/canned/": (STAFF_WRITERS, 403, 302),
    "/api/tickets/{printer_id}/canned-replies/": (STAFF_WRITERS, {403, 404}, 401),
}

# The demo has no attachments to walk: tests/tickets/test_attachment_viewer.py covers who may
# see an attachment's inline view and thumbnail (the requester yes, another user 404); the
# replies' editor is walked in tests/tickets/test_canned_replies.py.
NO_EXAMPLE = {"tickets/attachments/<int:pk>/view/", "tickets/attachments/<int:pk>/thumbnail/",
              "tickets/replies/<int:pk>/"}


def names() -> dict:
    return {}
