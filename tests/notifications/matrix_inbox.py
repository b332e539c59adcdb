"""URL × role rows for the bell (in-app notifications), merged into tests/test_url_matrix.py.

Everyone logged in has a bell and reads only their own notifications; the polled count answers
an expired session with 204 (htmx leaves the badge alone) rather than a login page.
Not walked: /notifications/<int:pk>/go/ (another person's id is 404, test_inbox_views.py) and
the POST-only mark-read URLs.
"""

ALL = {"admin", "desk", "engineer", "engineer2", "pm", "delivery", "gm", "client", "user",
       "user2"}

EXPECTED = {
    "/notifications/": (ALL, None, 302),
    "/notifications/bell/": (ALL, None, 204),
    "/notifications/latest/": (ALL, None, 302),
    "/notifications/preferences/": (ALL, None, 302),
    "/api/notifications/": (ALL, None, 401),
    "/api/notifications/?unread=true": (ALL, None, 401),
}

POST_ONLY = {"notifications/read/", "api/notifications/read/"}
NO_EXAMPLE = {"notifications/<int:pk>/go/"}


def names() -> dict:
    return {}
