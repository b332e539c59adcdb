"""URL × role rows for inspections (巡检), merged into tests/test_url_matrix.py by the lead.

Pages listing rounds refuse (403) roles that neither inspect, plan nor look after the register;
a round, record or plan outside the person's contracts (or role) is 404, like a ticket.
The API answers an empty list to roles without inspections, 404 for one record.

Not walked here: /inspections/photos/<int:pk>/ (the demo has no photo; scoped like
tickets/attachments/<int:pk>/, tested in test_inspection_views.py) and the POST-only
/api/inspection-records/<pk>/complete/.
"""

ALL = {"admin", "desk", "engineer", "engineer2", "pm", "delivery", "gm", "client", "user",
       "user2"}
# Provider staff who inspect, plan or look after the register.
SEE = {"admin", "desk", "engineer", "engineer2", "pm", "delivery", "gm"}
SERVER = SEE - {"engineer"}  # engineer serves DEMO-DESKTOP only
PLAN_READ = {"admin", "engineer", "engineer2", "pm", "delivery"}
PLAN_EDIT = {"admin", "pm", "delivery"}

EXPECTED = {
    "/inspections/": (SEE, 403, 302),
    "/inspections/rounds/{desktop_round}/": (SEE, 404, 302),
    "/inspections/rounds/{server_round}/": (SERVER, 404, 302),
    "/inspections/records/{desktop_record}/": (SEE, 404, 302),
    "/inspections/records/{server_record}/": (SERVER, 404, 302),
    "/inspections/plans/": (PLAN_READ, 403, 302),
    "/inspections/plans/new/": (PLAN_EDIT, 403, 302),
    "/inspections/plans/{desktop_plan}/": (PLAN_EDIT, 403, 302),
    # The client's IT contact reads the report of their own contract.
    "/inspections/report/": (SEE | {"client"}, 403, 302),
    "/api/inspection-rounds/": (ALL, None, 401),
    "/api/inspection-rounds/{desktop_round}/": (SEE, 404, 401),
    "/api/inspection-rounds/{server_round}/": (SERVER, 404, 401),
    "/api/inspection-records/{desktop_record}/": (SEE, 404, 401),
    "/api/inspection-plans/": (ALL, None, 401),
    "/api/inspection-plans/{desktop_plan}/": (PLAN_READ, 404, 401),
}


def names() -> dict:
    """Ids of demo rounds, records and plans (load_demo generates today's rounds)."""
    from assets.models import InspectionPlan, InspectionRecord, InspectionRound

    desktop = InspectionRound.objects.filter(plan__name="打印机月度巡检").order_by("pk").first()
    server = InspectionRound.objects.filter(plan__name="核心服务器每日巡检").order_by("pk").first()
    return {
        "desktop_round": desktop.pk,
        "server_round": server.pk,
        "desktop_record": InspectionRecord.objects.filter(round=desktop).order_by("pk")[0].pk,
        "server_record": InspectionRecord.objects.filter(round=server).order_by("pk")[0].pk,
        "desktop_plan": InspectionPlan.objects.get(name="打印机月度巡检").pk,
    }

POST_ONLY = {"api/inspection-records/<pk>/complete/"}
# Parameterised routes without a demo record to walk (scoped and tested in their own tests).
NO_EXAMPLE = {"inspections/photos/<int:pk>/"}
