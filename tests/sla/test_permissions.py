"""The one provider-manager rule (sla.permissions.may_manage_contract): targets, scorecard
ratings and service reports all ask it."""

from datetime import date

import pytest

from accounts.roles import Role
from kpi.models import ScorecardScheme
from kpi.models.reports import ServiceReport
from sla.models import Contract, ContractMember
from sla.permissions import contracts_managed, may_manage_contract, may_manage_some_contract
from tests.factories import MemberFactory, UserFactory
from tests.kpi.test_scorecards import SCHEME


@pytest.fixture
def server(demo):
    return Contract.objects.get(code="DEMO-SERVER")


@pytest.fixture
def standing_in(demo, server):
    """A project manager who is not the contract's PM but holds its delivery-manager duty."""
    person = UserFactory(role=Role.PROJECT_MANAGER, organisation=server.provider)
    MemberFactory(contract=server, user=person, duty=ContractMember.Duty.DELIVERY_MANAGER)
    return person


@pytest.mark.parametrize("who", ["admin", "pm", "delivery"])
def test_it_lets_the_admin_the_contracts_pm_and_delivery_managers_manage(demo, server, who):
    assert may_manage_contract(demo[who], server)


@pytest.mark.parametrize("who", ["gm", "desk", "engineer", "engineer2", "client", "user"])
def test_it_refuses_everyone_else(demo, server, who):
    assert not may_manage_contract(demo[who], server)


def test_it_lets_the_holder_of_the_delivery_manager_duty_manage(demo, server, standing_in):
    assert may_manage_contract(standing_in, server)
    assert may_manage_some_contract(standing_in)
    assert contracts_managed(standing_in, Contract.objects.all()) == [server]


def test_it_refuses_a_pm_on_another_pms_contract(demo, server):

    other_pm = UserFactory(role=Role.PROJECT_MANAGER, organisation=server.provider)
    MemberFactory(contract=server, user=other_pm, duty=ContractMember.Duty.ENGINEER)
    assert not may_manage_contract(other_pm, server)
    assert not may_manage_some_contract(other_pm)


def test_the_duty_holder_may_rate_and_generate_reports(demo, server, standing_in, client,
                                                        settings, tmp_path):
    """Before the one rule, holding the duty let one edit targets but not rate or report."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    Contract.objects.filter(pk=server.pk).update(starts_on=date(2025, 1, 1),
                                                 ends_on=date(2030, 12, 31))
    client.force_login(standing_in)
    assert client.get(f"/kpi/targets/{server.code}/").status_code == 200
    scheme = client.post(f"/kpi/scorecards/scheme/{server.code}/", SCHEME)
    assert scheme.status_code == 302
    assert ScorecardScheme.objects.filter(contract=server).exists()
    response = client.post("/kpi/reports/generate/", {
        "contract": server.code, "kind": "quarterly", "period": "2026Q3"})
    assert response.status_code == 302
    assert ServiceReport.objects.filter(contract=server, generated_by=standing_in).exists()
