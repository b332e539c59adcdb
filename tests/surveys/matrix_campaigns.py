"""URL × role rows for questionnaire campaigns and the satisfaction analysis (merged into
tests/test_url_matrix.py).

Campaign pages need RUN_CAMPAIGNS (pm, delivery, admin); the analysis READ_DASHBOARDS (pm,
delivery, gm, client contact, admin), the client contact on their own contract only. The demo has
no campaign, so the per-campaign pages and /q/<token> are walked in tests/surveys/
test_campaigns.py instead.
"""

RUN = {"admin", "pm", "delivery"}
READ = {"admin", "pm", "delivery", "gm", "client"}

EXPECTED = {
    "/surveys/campaigns/": (RUN, 403, 302),
    "/surveys/campaigns/new/": (RUN, 403, 302),
    "/surveys/analysis/": (READ, 403, 302),
    "/surveys/analysis/?contract=DEMO-DESKTOP&format=xlsx": (READ, 403, 302),
    # The client contact's contract is DEMO-DESKTOP: DEMO-SERVER is 404 for them, 403 for the
    # roles without dashboards.
    "/surveys/analysis/?contract=DEMO-SERVER": (READ - {"client"}, {403, 404}, 302),
    "/api/campaigns/": (RUN | READ, 403, 401),
    "/api/surveys/analysis/": (READ, 403, 401),
    "/api/surveys/analysis/?contract=DEMO-SERVER": (READ - {"client"}, {403, 404}, 401),
}


def names() -> dict:
    return {}


POST_ONLY = {
    "surveys/campaigns/<int:pk>/questions/<int:question_id>/delete/",
    "surveys/campaigns/<int:pk>/questions/<int:question_id>/move/",
    "surveys/campaigns/<int:pk>/open/",
    "surveys/campaigns/<int:pk>/invite/",
    "surveys/campaigns/<int:pk>/close/",
}
NO_EXAMPLE = {
    "surveys/campaigns/<int:pk>/",
    "surveys/campaigns/<int:pk>/questions/",
    "surveys/campaigns/<int:pk>/questions/<int:question_id>/",
    "surveys/campaigns/<int:pk>/results/",
    "q/<str:token>",
}
