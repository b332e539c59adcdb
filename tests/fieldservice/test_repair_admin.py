"""The repair policy is edited in the admin, inline on the contract, and the defaults hold
without one."""

from fieldservice.models import RepairPolicy
from fieldservice.services.repairs import policy_of
from sla.models import Contract


def test_the_contract_admin_edits_the_repair_policy_inline(demo, client):
    contract = Contract.objects.get(code="DEMO-DESKTOP")
    assert policy_of(contract).part_request_hours(1) == 4  # defaults, no row
    assert policy_of(contract).pk is None
    client.force_login(demo["admin"])
    page = client.get(f"/admin/sla/contract/{contract.pk}/change/").content.decode()
    assert "repair_policy-TOTAL_FORMS" in page
    response = client.get("/admin/fieldservice/repairpolicy/add/")
    assert response.status_code == 200
    RepairPolicy.objects.create(contract=contract, part_hours_p1=2, loaner_days=7)
    contract.refresh_from_db()
    assert policy_of(contract).part_request_hours(1) == 2
    assert policy_of(contract).part_request_hours(9) == policy_of(contract).part_hours_p4
