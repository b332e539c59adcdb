"""URL × role rows for the complaints register (merged into tests/test_url_matrix.py).

The register is read by MANAGE_COMPLAINTS and READ_DASHBOARDS roles, scoped by contract; end
users see only the complaints they filed (anyone else's: 404). Engineers have no register (403
on the list, 404 on one complaint). /complaints/new/ gives staff the registration form and end
users (and the client contact, who files tickets) the short "file a complaint" form.
"""

ALL = {"admin", "desk", "engineer", "engineer2", "pm", "delivery", "gm", "client", "user",
       "user2"}
DESKTOP_READERS = {"admin", "desk", "pm", "delivery", "gm", "client"}
SERVER_READERS = {"admin", "desk", "pm", "delivery", "gm"}

EXPECTED = {
    "/complaints/": (ALL - {"engineer", "engineer2"}, 403, 302),
    "/complaints/new/": (ALL - {"engineer", "engineer2", "gm"}, 403, 302),
    # {desktop_complaint}: filed by `user` in the portal; {server_complaint}: by the desk.
    "/complaints/{desktop_complaint}/": (DESKTOP_READERS | {"user"}, 404, 302),
    "/complaints/{desktop_complaint}/print/": (DESKTOP_READERS | {"user"}, 404, 302),
    "/complaints/{server_complaint}/": (SERVER_READERS, 404, 302),
    "/api/complaints/": (ALL, None, 401),
    "/api/complaints/{desktop_complaint}/": (DESKTOP_READERS | {"user"}, 404, 401),
    "/api/complaints/{server_complaint_id}/": (SERVER_READERS, 404, 401),
}

POST_ONLY = {"complaints/<str:number>/answer/", "complaints/<str:number>/resolve/"}


def names() -> dict:
    """One complaint per demo contract, registered here when the demo has none."""
    from accounts.models import User
    from sla.models import Contract
    from surveys.models import Complaint
    from surveys.services.complaints import complaint_register

    desktop = Complaint.objects.filter(contract__code="DEMO-DESKTOP",
                                       complainant__username="user").order_by("pk").first()
    if desktop is None:
        desktop = complaint_register(
            actor=User.objects.get(username="user"),
            contract=Contract.objects.get(code="DEMO-DESKTOP"), channel="portal",
            description="上门维修迟到两小时，也没有提前通知。")
    server = Complaint.objects.filter(contract__code="DEMO-SERVER").order_by("pk").first()
    if server is None:
        server = complaint_register(
            actor=User.objects.get(username="desk"),
            contract=Contract.objects.get(code="DEMO-SERVER"), channel="phone",
            complainant_name="恒通证券 信息部", description="数据库故障恢复超出约定时间。",
            major=True)
    return {"desktop_complaint": desktop.number, "server_complaint": server.number,
            "server_complaint_id": server.pk}
