"""URL × role rows for vendor repairs and part requests (merged into tests/test_url_matrix.py).

Repairs are read by whoever sees the ticket (the requester and the client's contact decide the
quote); sending a device and requesting a part are for provider staff who work or dispatch
tickets (403), on a ticket they see (404 first). Part requests are the provider's own business:
the client's people see none (404 for one, an empty API list).
"""

ALL = {"admin", "desk", "engineer", "engineer2", "pm", "delivery", "gm", "client", "user",
       "user2"}
SEE_PRINTER = ALL - {"user2"}
DESK = {"admin", "desk", "engineer", "engineer2", "pm", "delivery"}
STAFF = DESK | {"gm"}

EXPECTED = {
    "/repairs/": (ALL, None, 302),
    "/repairs/{repair}/": (SEE_PRINTER, 404, 302),
    "/repairs/{repair}/print/": (SEE_PRINTER, 404, 302),
    "/tickets/{printer}/repairs/new/": (DESK, {403, 404}, 302),
    "/part-requests/": (DESK, 403, 302),
    "/part-requests/{part_request}/print/": (STAFF, 404, 302),
    "/tickets/{printer}/part-requests/new/": (DESK, {403, 404}, 302),
    "/api/vendor-repairs/": (ALL, None, 401),
    "/api/vendor-repairs/{repair}/": (SEE_PRINTER, 404, 401),
    "/api/tickets/{printer_id}/vendor-repairs/": (SEE_PRINTER, 404, 401),
    "/api/part-requests/": (ALL, None, 401),
    "/api/part-requests/{part_request}/": (STAFF, 404, 401),
}


def names() -> dict:
    """A repair and a part request on the demo's printer ticket (made in the test's
    transaction through the services, as the desk and the engineer would)."""
    from accounts.models import User
    from assets.models import Part
    from fieldservice.services.parts import part_request_create
    from fieldservice.services.repairs import repair_create
    from tickets.models import Ticket

    printer = Ticket.objects.get(title="三楼财务部打印机频繁卡纸")
    repair = repair_create(actor=User.objects.get(username="desk"), ticket=printer,
                           vendor="惠普", in_warranty=True, data_backed_up=True)
    part_request = part_request_create(
        actor=User.objects.get(username="engineer"), ticket=printer,
        part=Part.objects.get(code="MEM-8G-DDR4"), quantity=1)
    return {"repair": repair.pk, "part_request": part_request.pk}


POST_ONLY = {"repairs/<int:pk>/<str:action>/", "part-requests/<int:pk>/<str:action>/"}
