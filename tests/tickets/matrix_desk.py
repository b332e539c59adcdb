"""URL × role rows for the desk's pages of issue 15 (merged into tests/test_url_matrix.py)."""

EXPECTED: dict = {}

# The demo has no attachments to walk: tests/tickets/test_attachment_viewer.py covers who may
# see an attachment's inline view and thumbnail (the requester yes, another user 404).
NO_EXAMPLE = {"tickets/attachments/<int:pk>/view/", "tickets/attachments/<int:pk>/thumbnail/"}


def names() -> dict:
    return {}
