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
