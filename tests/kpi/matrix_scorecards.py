"""URL × role rows for the KPI scorecards (merged into tests/test_url_matrix.py).

Managers (pm, delivery, gm, admin) read their contracts' scorecards; engineers get their own on
the list page and only their own scorecard (another's: 404); the desk, the client contact and end
users are refused the list (403) and never find a scorecard (404). "My scorecards" is for every
provider person. The scheme page is for managers (the gm reads it).
"""

MANAGERS = {"admin", "pm", "delivery", "gm"}
ENGINEERS = {"engineer", "engineer2"}
PROVIDER = MANAGERS | ENGINEERS | {"desk"}

EXPECTED = {
    "/kpi/scorecards/": (MANAGERS | ENGINEERS, 403, 302),
    "/kpi/scorecards/?contract=DEMO-DESKTOP&quarter=2026-Q1": (MANAGERS | ENGINEERS, 403, 302),
    "/kpi/scorecards/mine/": (PROVIDER, 403, 302),
    # {scorecard}: engineer's (刘强) DEMO-DESKTOP scorecard of the current quarter.
    "/kpi/scorecards/{scorecard}/": (MANAGERS | {"engineer"}, 404, 302),
    "/kpi/scorecards/scheme/DEMO-DESKTOP/": (MANAGERS, 403, 302),
    "/api/kpi/scorecards/": (MANAGERS | ENGINEERS, 403, 401),
    "/api/kpi/scorecards/?contract=DEMO-DESKTOP&quarter=2026-Q1": (MANAGERS | ENGINEERS, 403,
                                                                   401),
    "/api/kpi/scorecards/{scorecard}/": (MANAGERS | {"engineer"}, 404, 401),
}

POST_ONLY: set = set()


def names() -> dict:
    from accounts.models import User
    from core.periods import Quarter
    from kpi.models import Scorecard
    from sla.models import Contract

    q = Quarter.current()
    card, _created = Scorecard.objects.get_or_create(
        engineer=User.objects.get(username="engineer"),
        contract=Contract.objects.get(code="DEMO-DESKTOP"), year=q.year, quarter=q.quarter)
    return {"scorecard": card.pk}
