"""URL × role rows for the KPI dashboard (merged into tests/test_url_matrix.py).

The dashboard and its drill-down need READ_DASHBOARDS (pm, delivery, gm, client contact, admin),
the client contact on their own contract only (DEMO-SERVER is 404 for them, 403 for the roles
without dashboards). Targets: the contract's PM, the delivery manager and the admin. "Refresh
now" is POST-only (tested in tests/kpi/test_dashboard.py).
"""

READ = {"admin", "pm", "delivery", "gm", "client"}
EDIT = {"admin", "pm", "delivery"}

EXPECTED = {
    "/kpi/": (READ, 403, 302),
    "/kpi/?contract=DEMO-DESKTOP&period=quarter&quarter=2026-Q2": (READ, 403, 302),
    "/kpi/?contract=DEMO-SERVER": (READ - {"client"}, {403, 404}, 302),
    "/kpi/tickets/?contract=DEMO-DESKTOP&measure=opened": (READ, 403, 302),
    "/kpi/tickets/?contract=DEMO-DESKTOP&measure=complaints": (READ, 403, 302),
    "/kpi/tickets/?contract=DEMO-SERVER&measure=backlog": (READ - {"client"}, {403, 404}, 302),
    "/kpi/targets/DEMO-DESKTOP/": (EDIT, 403, 302),
    "/kpi/targets/DEMO-SERVER/": (EDIT, {403, 404}, 302),
}

POST_ONLY = {"kpi/refresh/"}


def names() -> dict:
    return {}
