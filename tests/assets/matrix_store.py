"""URL × role rows for the spare-part store and loaner devices (merged into
tests/test_url_matrix.py). Readers: MANAGE_STORE, WORK_TICKETS or SEE_ASSETS roles on their
contracts (engineers read only); the client's people get 403 on lists and 404 on
records, as does anyone outside the record's contract."""

READERS = {"admin", "desk", "engineer", "engineer2", "pm", "delivery", "gm"}
SERVER_SIDE = {"admin", "desk", "engineer2", "pm", "delivery", "gm"}

EXPECTED = {
    "/store/": (READERS, 403, 302),
    "/store/restock/": (READERS, 403, 302),
    "/store/loans/": (READERS, 403, 302),
    "/store/parts/{desktop_part}/": (READERS, 404, 302),
    "/store/parts/{server_part}/": (SERVER_SIDE, 404, 302),
    # API lists answer everyone logged in (empty outside their scope), records 404.
    "/api/parts/": (READERS | {"client", "user", "user2"}, None, 401),
    "/api/parts/{desktop_part}/": (READERS, 404, 401),
    "/api/parts/{server_part}/": (SERVER_SIDE, 404, 401),
    "/api/parts/{desktop_part}/movements/": (READERS, 404, 401),
    "/api/parts/{server_part}/movements/": (SERVER_SIDE, 404, 401),
    "/api/loans/": (READERS | {"client", "user", "user2"}, None, 401),
}

# Routes that only take POST (GET answers 405); tests/assets/test_store_views.py covers them.
POST_ONLY = {
    "store/parts/<int:pk>/receive/", "store/parts/<int:pk>/issue/",
    "store/parts/<int:pk>/return/", "store/parts/<int:pk>/transfer/",
    "store/parts/<int:pk>/write-off/", "store/parts/<int:pk>/count/",
    "store/movements/<int:pk>/bad-part/", "store/loans/lend/",
    "store/loans/<int:pk>/return/",
}


def names() -> dict:
    from assets.models import Part

    return {"desktop_part": Part.objects.get(code="MEM-8G-DDR4").pk,
            "server_part": Part.objects.get(code="HDD-1.92T-SSD").pk}
