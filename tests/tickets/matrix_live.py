"""URL × role rows for the live pages of issue 15 (point 8), merged into tests/test_url_matrix.py.

The ticket's "changed since" partial is scoped like the ticket page ({printer}: 吴芳's desktop
ticket); the managers' figures card like the managers' home.
"""

ALL = {"admin", "desk", "engineer", "engineer2", "pm", "delivery", "gm", "client", "user",
       "user2"}

EXPECTED = {
    "/tickets/{printer}/changes/?version=0&after=0": (ALL - {"user2"}, 404, 302),
    "/tickets/{disk}/changes/": ({"admin", "desk", "engineer2", "pm", "delivery", "gm"}, 404,
                                 302),
    "/manage/figures/": ({"pm", "delivery", "gm", "admin"}, 403, 302),
}


def names() -> dict:
    return {}
