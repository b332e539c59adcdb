"""URL × role rows for the asset register pages (merged into tests/test_url_matrix.py)."""

STAFF_ASSETS = {"admin", "desk", "engineer", "engineer2", "pm", "delivery", "gm", "client"}
EDITORS = {"admin", "desk", "engineer", "engineer2", "pm"}
SERVER_SIDE = {"admin", "desk", "engineer2", "pm", "delivery", "gm"}

EXPECTED = {
    "/assets/": (STAFF_ASSETS, 403, 302),
    "/assets/new/": (EDITORS, 403, 302),
    "/assets/labels/": (STAFF_ASSETS, 403, 302),
    "/assets/lookup/": (STAFF_ASSETS, 403, 302),
    "/assets/{printer_asset}/": (STAFF_ASSETS, 403, 302),
    "/assets/{printer_asset}/edit/": (EDITORS, 403, 302),
    # Roles that read the register get 404 for another contract's asset; the others 403.
    "/assets/{server_asset}/": (SERVER_SIDE, {403, 404}, 302),
    # The API lists what each may see (end users: the devices they hold); another contract's
    # asset is 404.
    "/api/assets/": (STAFF_ASSETS | {"user", "user2"}, None, 401),
    "/api/assets/{printer_asset}/": (STAFF_ASSETS, 404, 401),
    "/api/assets/{server_asset}/": (SERVER_SIDE, 404, 401),
    # The QR landing redirects everyone who may see or report on the asset.
    "/a/MY-PR-0301": (set(), 302, 302),
}


def names() -> dict:
    from assets.models import Asset

    return {"printer_asset": Asset.objects.get(tag="MY-PR-0301").pk,
            "server_asset": Asset.objects.get(tag="HT-SV-0001").pk}

# Routes that only take POST (their GET answers 405); tests/assets/test_register.py covers them.
POST_ONLY = {"api/assets/<pk>/retire/", "assets/<int:pk>/retire/", "assets/<int:pk>/relations/",
             "assets/<int:pk>/relations/<int:relation_pk>/delete/"}
