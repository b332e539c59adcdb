"""Who may do what in the asset register, its inspections, the store and imports.

Which records a person sees is in assets/selectors/ (scoped by contract); here is only whether
they may use a part of the app at all, or act on one contract.
"""

from __future__ import annotations

from accounts.roles import Capability, can
from sla.selectors import contracts_visible_to

STORE_READ_CAPABILITIES = (Capability.MANAGE_STORE, Capability.WORK_TICKETS,
                           Capability.SEE_ASSETS)


def may_edit_assets(user) -> bool:
    """Register, edit and retire assets: the provider's people only (the client contact reads)."""
    return can(user, Capability.EDIT_ASSETS) and not user.is_client_side


def may_import(user, contract) -> bool:
    return can(user, Capability.IMPORT_ASSETS) and contracts_visible_to(user).filter(
        pk=contract.pk).exists()


def may_see_inspections(user) -> bool:
    """Provider staff who inspect, plan or look after the register (desk, PM, managers)."""
    return can(user, Capability.INSPECT) or can(user, Capability.PLAN_INSPECTIONS) or (
        can(user, Capability.SEE_ASSETS) and not user.is_client_side)


def may_read_report(user) -> bool:
    """Also the client's IT contact, for their own contract (REQUIREMENTS A6: the report)."""
    return can(user, Capability.PLAN_INSPECTIONS) or can(user, Capability.SEE_ASSETS)


def may_see_plans(user) -> bool:
    return can(user, Capability.INSPECT) or can(user, Capability.PLAN_INSPECTIONS)


def may_read_store(user) -> bool:
    """The provider's staff; the store and its ledger are the provider's own business, so the
    client's people (even their IT contact, who reads the register) do not see it."""
    if not getattr(user, "is_authenticated", False) or user.is_client_side:
        return False
    return any(can(user, capability) for capability in STORE_READ_CAPABILITIES)


def may_manage_store(user) -> bool:
    return can(user, Capability.MANAGE_STORE)
