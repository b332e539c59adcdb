"""Who may read which KPI figures (X2): every dashboard, API, report and scorecard asks here
(the archived reports: kpi/selectors/reports.py).

Dashboards and reports: the READ_DASHBOARDS roles, over the contracts they see (a PM their own,
the delivery and general managers all, a client IT contact only their organisation's contracts).
A "team" is the people of one duty on the contract (service desk, on-site, second line).
"""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import User
from core.prepared import PreparedQuery
from kpi.figures import Scope
from kpi.permissions import may_read_dashboards
from sla.models import Contract, ContractMember
from sla.selectors import (
    CODE_MARKER,
    CONTRACT_SCOPE_MARKERS,
    contract_scope,
    contracts_in_scope,
    contracts_visible_to,
)

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


# What a dashboard reads with its contract: the targets, the survey policy and the repair policy
# (figures.targets_of, SurveyPolicy.for_contract, fieldservice policy_of then need no query).
BOARD_RELATIONS = ("client", "project_manager", "kpi_targets", "survey_policy", "repair_policy")
# The dashboard's contract by its code among those the person sees: asked on every dashboard
# and drill-down, so compiled once per rule of contracts_visible_to (core.prepared).
BOARD_CONTRACT = {
    scope: PreparedQuery(lambda code, scope=scope, **values: contracts_in_scope(
        scope, **values).filter(code=code).select_related(*BOARD_RELATIONS),
        code=CODE_MARKER, **markers)
    for scope, markers in CONTRACT_SCOPE_MARKERS.items()}


def board_contract(user, code: str) -> Contract | None:
    """dashboard_contracts(user).select_related(*BOARD_RELATIONS).filter(code=code).first()."""
    if not may_read_dashboards(user):
        return None
    scope, values = contract_scope(user)
    if scope == "none":
        return None
    found = BOARD_CONTRACT[scope].models(code=code, **values)
    return found[0] if found else None


def team_members(contract: Contract, duty: str) -> QuerySet[User]:
    return User.objects.filter(contract_memberships__contract=contract,
                               contract_memberships__duty=duty).order_by("name")


def contract_engineers(contract: Contract) -> QuerySet[User]:
    """The people figures can be split by: the contract's desk, on-site and second-line team
    (the people tickets are assigned to; not the delivery managers)."""
    return (User.objects.filter(contract_memberships__contract=contract,
                                contract_memberships__duty__in=TEAM_DUTIES)
            .distinct().order_by("name"))


CONTRACT_ENGINEERS = PreparedQuery(contract_engineers, contract=-1_987_680_001)  # no such id


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

