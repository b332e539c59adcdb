"""Who may do what with a contract: the one place for the contract-level rules.

Which contracts a person *sees* is sla.selectors.contracts_visible_to; here is who *runs* one.
"""

from __future__ import annotations

from accounts.roles import Capability, Role, can
from sla.models import Contract, ContractMember


def may_manage_contract(user, contract: Contract) -> bool:
    """The provider-manager rule: who edits a contract's KPI targets, rates its engineers'
    scorecards (and edits the scheme) and generates its service reports.

    - an administrator;
    - the contract's project manager;
    - a delivery manager by role (they see and answer for every contract);
    - anyone holding the delivery-manager duty on this contract (a PM standing in on a
      colleague's contract, say).

    The general manager reads every contract's figures but does not run one; other PMs do not
    manage contracts that are not theirs.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if can(user, Capability.ADMINISTER) or user.role == Role.DELIVERY_MANAGER:
        return True
    if contract.project_manager_id == user.pk:
        return True
    return ContractMember.objects.filter(
        contract=contract, user=user, duty=ContractMember.Duty.DELIVERY_MANAGER).exists()


def may_manage_some_contract(user) -> bool:
    """Whether ``may_manage_contract`` holds for at least one contract (shows the "generate"
    form); the contract itself is checked again when one is chosen."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if can(user, Capability.ADMINISTER) or user.role == Role.DELIVERY_MANAGER:
        return True
    return (Contract.objects.filter(project_manager=user).exists()
            or ContractMember.objects.filter(
                user=user, duty=ContractMember.Duty.DELIVERY_MANAGER).exists())


def may_read_levels(user) -> bool:
    """The SLA board and escalation levels: managers who read the figures, and the desk."""
    return can(user, Capability.READ_DASHBOARDS) or can(user, Capability.DISPATCH)


def contracts_managed(user, contracts) -> list[Contract]:
    """Those of ``contracts`` that ``may_manage_contract`` allows, in one query at most."""
    contracts = list(contracts)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    if can(user, Capability.ADMINISTER) or user.role == Role.DELIVERY_MANAGER:
        return contracts
    on_duty = set(ContractMember.objects.filter(
        user=user, duty=ContractMember.Duty.DELIVERY_MANAGER).values_list("contract_id", flat=True))
    return [c for c in contracts if c.project_manager_id == user.pk or c.pk in on_duty]
