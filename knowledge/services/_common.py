"""Helpers the problem, change and notice services share (k18chg)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from accounts.roles import CLIENT_ROLES, Capability, can
from sla.models import Contract
from sla.permissions import may_manage_contract
from sla.selectors import contracts_visible_to


def link(name: str, **kwargs) -> str:
    """The absolute portal address e-mails point to."""
    return (getattr(settings, "SITE_URL", "") or "").rstrip("/") + reverse(name, kwargs=kwargs)


def sees_contract(user, contract: Contract) -> bool:
    return contracts_visible_to(user).filter(pk=contract.pk).exists()


def works_contract(user, contract: Contract) -> bool:
    """Provider staff who work the contract's tickets (desk, engineers, its PM, admin) may
    open problems and request changes on it."""
    if not getattr(user, "is_authenticated", False) or user.role in CLIENT_ROLES:
        return False
    if not (can(user, Capability.WORK_TICKETS) or can(user, Capability.DISPATCH)):
        return False
    return sees_contract(user, contract)


def is_client_approver(user, contract: Contract) -> bool:
    """The client's contact holding APPROVE_CHANGES on this contract."""
    return (getattr(user, "is_authenticated", False) and user.is_active
            and can(user, Capability.APPROVE_CHANGES) and user.role in CLIENT_ROLES
            and contract.client_contacts.filter(pk=user.pk).exists())


def is_contract_pm(user, contract: Contract) -> bool:
    """Who may record an emergency reason and receives escalations: the contract's managers."""
    return may_manage_contract(user, contract)


def works_some_contract(user) -> bool:
    """The role-level half of works_contract: the API refuses (403) before reading fields."""
    return (getattr(user, "is_authenticated", False) and user.is_active
            and user.role not in CLIENT_ROLES
            and (can(user, Capability.WORK_TICKETS) or can(user, Capability.DISPATCH)))


def publishes_some(user) -> bool:
    """The role-level half of notices.may_publish: the desk and the managers who dispatch
    (PM, delivery manager), administrators. The general manager reads, he does not publish."""
    return (getattr(user, "is_authenticated", False) and user.is_active
            and user.role not in CLIENT_ROLES
            and (can(user, Capability.DISPATCH) or can(user, Capability.ADMINISTER)))
