"""URL × role rows for managing people (merged into tests/test_url_matrix.py)."""

EXPECTED = {
    "/people/new/": ({"admin", "pm"}, 403, 302),
    "/people/import/": ({"admin", "pm"}, 403, 302),
    # {person_id}: 吴芳 (user), a client person of the PM's contract. Other roles may not manage
    # people at all (403); a PM asking for someone they may not manage gets 404
    # (tests/accounts/test_people_management.py).
    "/people/{person_id}/edit/": ({"admin", "pm"}, 403, 302),
}

POST_ONLY = {"people/<int:pk>/deactivate/", "people/<int:pk>/activate/"}


def names() -> dict:
    from accounts.models import User

    return {"person_id": User.objects.get(username="user").pk}
