"""URL × role rows for asset import/export (merged into tests/test_url_matrix.py)."""

SEE_ASSETS = {"admin", "desk", "engineer", "engineer2", "pm", "delivery", "gm", "client"}

EXPECTED = {
    "/assets/import/": ({"admin", "pm"}, 403, 302),
    "/assets/import/template.xlsx": ({"admin", "pm"}, 403, 302),
    # Without ?contract= the page is a form to choose contract and format.
    "/assets/export/": (SEE_ASSETS, 403, 302),
    # Every SEE_ASSETS role sees DEMO-DESKTOP; DEMO-SERVER gives 404 to client and engineer but
    # 403 to end users, which one row cannot express (tests/assets/test_io.py covers it).
    "/assets/export/?contract=DEMO-DESKTOP&format=csv": (SEE_ASSETS, 403, 302),
    "/assets/export/?contract=DEMO-DESKTOP&format=xlsx": (SEE_ASSETS, 403, 302),
}

# A background import job is seen only by who started it (404 for everyone else):
# tests/assets/test_import_hostile.py walks it.
NO_EXAMPLE = {"assets/import/<uuid:pk>/"}


def names() -> dict:
    return {}
