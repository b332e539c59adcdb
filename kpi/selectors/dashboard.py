"""Who may read which KPI figures (X2): every dashboard, API, report and scorecard asks here
(the archived reports: kpi/selectors/reports.py).

Dashboards and reports: the READ_DASHBOARDS roles, over the contracts they see (a PM their own,
the delivery and general managers all, a client IT contact only their organisation's contracts).
A "team" is the people of one duty on the contract (service desk, on-site, second line).
"""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import User
from kpi.figures import Scope
from kpi.permissions import may_read_dashboards
from sla.models import Contract, ContractMember
from sla.selectors import contracts_visible_to

TEAM_DUTIES = [ContractMember.Duty.AGENT, ContractMember.Duty.ENGINEER,
               ContractMember.Duty.SECOND_LINE]


def dashboard_contracts(user) -> QuerySet[Contract]:
    """Contracts whose figures the user may read (none without READ_DASHBOARDS)."""
    if not may_read_dashboards(user):
        return Contract.objects.none()
    return contracts_visible_to(user).order_by("code")


def dashboard_contract(user, code: str) -> Contract:
    """One readable contract; Contract.DoesNotExist (→ 404) for any other code."""
    return dashboard_contracts(user).select_related("client", "project_manager").get(code=code)


def team_members(contract: Contract, duty: str) -> QuerySet[User]:
    return User.objects.filter(contract_memberships__contract=contract,
                               contract_memberships__duty=duty).order_by("name")


def contract_engineers(contract: Contract) -> QuerySet[User]:
    """The people figures can be split by: the contract's desk, on-site and second-line team
    (the people tickets are assigned to; not the delivery managers)."""
    return (User.objects.filter(contract_memberships__contract=contract,
                                contract_memberships__duty__in=TEAM_DUTIES)
            .distinct().order_by("name"))


def scope_for(contract: Contract, *, engineer: User | None = None, team: str | None = None,
              service_type_id: int | None = None) -> Scope:
    """The rollup rows of one contract, narrowed to an engineer or a team (duty) if given."""
    engineer_ids = None
    if engineer is not None:
        engineer_ids = (engineer.pk,)
    elif team:
        engineer_ids = tuple(team_members(contract, team).values_list("pk", flat=True))
    return Scope(contract_ids=(contract.pk,), engineer_ids=engineer_ids,
                 service_type_id=service_type_id)

