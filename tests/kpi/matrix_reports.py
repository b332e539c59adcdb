"""URL × role rows for the KPI reports (merged into tests/test_url_matrix.py)."""

EXPECTED: dict = {}

POST_ONLY: set = set()


def names() -> dict:
    return {}
