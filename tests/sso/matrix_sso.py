"""URL × role rows for single sign-on (merged into tests/test_url_matrix.py). The matrix runs
with single sign-on off, as the demo does: both OpenID Connect pages answer 404 to everyone
(tests/sso/test_oidc.py walks them with a provider)."""

EXPECTED = {
    "/oidc/login/": (set(), 404, 404),
    "/oidc/callback/": (set(), 404, 404),
}


def names() -> dict:
    return {}
