"""URL × role rows for links, merge and bulk (issue 15; merged into tests/test_url_matrix.py).

Links are read by whoever sees the ticket ({printer}: 吴芳's desktop ticket; user2 gets 404).
Linking, merging and the bulk bar are POST-only (their rules are in tests/tickets/test_bulk.py
and test_relations.py); the bar's count of all matching is a GET.
"""

ALL = {"admin", "desk", "engineer", "engineer2", "pm", "delivery", "gm", "client", "user",
       "user2"}

# The bulk bar's "all matching", counted when ticked: for the service team that has the bar.
BULK = {"admin", "desk", "engineer", "engineer2", "pm", "delivery"}

EXPECTED = {
    "/api/tickets/{printer_id}/links/": (ALL - {"user2"}, 404, 401),
    "/tickets/queue/bulk/count/": (BULK, 403, 302),
}

POST_ONLY = {"tickets/queue/bulk/", "api/tickets/bulk/", "tickets/<str:number>/link/",
             "tickets/<str:number>/links/<int:pk>/remove/", "tickets/<str:number>/merge/"}


def names() -> dict:
    return {}
