"""Arrival with proof in the KPI: the dashboard card, its drill-down and the summary API."""

from django.utils import timezone

from core.clock import now
from tests.fieldservice.conftest import png_upload
from tickets.services import ticket_check_in


def _today() -> str:
    return timezone.localdate(now()).isoformat()


def test_the_summary_counts_check_ins_with_proof(demo, api, dispatched, desktop):
    params = {"contract": "DEMO-DESKTOP", "from": _today(), "to": _today()}
    before = api(demo["pm"]).get("/api/kpi/summary/", params).json()["counts"]
    ticket_check_in(actor=demo["engineer"], ticket=dispatched, photo=png_upload())
    body = api(demo["pm"]).get("/api/kpi/summary/", params).json()
    assert body["counts"]["checked_in"] == before["checked_in"] + 1
    assert body["counts"]["with_proof"] == before["with_proof"] + 1
    assert body["arrival_with_proof_rate"] == (
        body["counts"]["with_proof"] / body["counts"]["checked_in"])


def test_the_dashboard_card_and_its_drill_down(demo, login, dispatched):
    query = f"contract=DEMO-DESKTOP&period=custom&from={_today()}&to={_today()}"
    client = login(demo["pm"])
    ticket_check_in(actor=demo["engineer"], ticket=dispatched)  # no proof
    response = client.get(f"/kpi/?{query}")
    [card] = [c for c in response.context["cards"] if c["key"] == "arrival_proof"]
    proof = response.context["arrival_proof"]
    assert proof["checked_in"] >= 1 and proof["checked_in"] > proof["with_proof"]
    assert card["detail"][1]["value"] == proof["checked_in"] - proof["with_proof"]
    page = client.get(f"/kpi/tickets/?{query}&measure=arrivals_without_proof")
    assert page.status_code == 200 and dispatched.number in page.content.decode()
    with_proof = client.get(f"/kpi/tickets/?{query}&measure=arrivals").content.decode()
    assert dispatched.number in with_proof


def test_arrival_proof_counts_what_checked_in_visits_holds(demo, dispatched):
    """fieldservice.selectors.visits.arrival_proof, compiled once per shape (issue 19): the
    same counts as the visits' own aggregate, with and without engineers, and for none."""
    from django.db.models import Count

    from fieldservice.selectors.visits import PROOF_Q, arrival_proof, checked_in_visits

    ticket_check_in(actor=demo["engineer"], ticket=dispatched, photo=png_upload())
    day = timezone.localdate(now())
    counted = {}
    for engineer_ids in (None, (demo["engineer"].pk,), (demo["desk"].pk,), ()):
        visits = checked_in_visits(contract_ids=(dispatched.contract_id,), start=day, end=day,
                                   engineer_ids=engineer_ids)
        row = visits.aggregate(checked_in=Count("pk"), with_proof=Count("pk", filter=PROOF_Q))
        got = arrival_proof(contract_ids=(dispatched.contract_id,), start=day, end=day,
                            engineer_ids=engineer_ids)
        assert (got["checked_in"], got["with_proof"]) == (row["checked_in"], row["with_proof"])
        counted[engineer_ids] = got["with_proof"]
    assert counted[None] >= 1 and counted[(demo["engineer"].pk,)] >= 1 and counted[()] == 0
