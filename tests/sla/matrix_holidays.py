"""URL × role rows for entering a holiday year (merged into tests/test_url_matrix.py).

Administrators only, like the system page: other logged-in roles get 403. Saving is POST-only
(tested in tests/sla/test_holiday_pages.py).
"""

EXPECTED = {
    "/sla/holidays/enter/": ({"admin"}, 403, 302),
    "/sla/holidays/enter/?year=2031": ({"admin"}, 403, 302),
}

POST_ONLY = {"sla/holidays/enter/save/"}


def names() -> dict:
    return {}
