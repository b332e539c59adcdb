"""URL × role rows for the KPI summary API (merged into tests/test_url_matrix.py).

The READ_DASHBOARDS roles read the figures of the contracts they see; the client IT contact only
their organisation's (DEMO-SERVER: 404); the desk, engineers and end users: 403.
"""

READERS = {"admin", "pm", "delivery", "gm", "client"}
SUMMARY = "/api/kpi/summary/?contract={code}&from=2026-01-01&to=2026-03-31"

EXPECTED = {
    SUMMARY.format(code="DEMO-DESKTOP"): (READERS, 403, 401),
    SUMMARY.format(code="DEMO-SERVER"): (READERS - {"client"}, {403, 404}, 401),
}


def names() -> dict:
    return {}
