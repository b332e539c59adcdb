"""Bringing a person in line with their directory at each single sign-on.

``directory_user_sync`` is called by both directories' backends (sso/ldap.py, sso/oidc.py) after
the person is found or created. Where the deployer mapped groups, the directory wins: the role,
and the team or contact places on the contracts the mapping names. Nothing else is touched:
contracts the mapping does not name, the superuser flag, the active flag.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import transaction

from accounts.models import Organisation, User
from accounts.roles import CLIENT_ROLES, Role
from sla.models import Contract, ContractMember
from sso.mapping import GroupMapping

log = logging.getLogger("itsm.sso")

# The part a provider person plays on a contract team they are placed on by their groups.
TEAM_DUTY = {
    Role.AGENT: ContractMember.Duty.AGENT,
    Role.ENGINEER: ContractMember.Duty.ENGINEER,
    Role.SECOND_LINE: ContractMember.Duty.SECOND_LINE,
    Role.DELIVERY_MANAGER: ContractMember.Duty.DELIVERY_MANAGER,
}


@transaction.atomic
def directory_user_sync(*, user: User, groups: Iterable[str], mapping: GroupMapping) -> User:
    """Set the person's role and contract places from their directory groups; returns them.

    Contracts: a helpdesk agent, engineer, second-line engineer or delivery manager is a team
    member (ContractMember, the duty following the role) of the mapped contracts they hold a
    group for, a client IT contact a contact of them, and an end user belongs to their client.
    Project managers are named on the contract itself and general managers and
    administrators see every contract, so their groups place them nowhere.
    """
    groups = list(groups)
    changed: list[str] = []
    role = mapping.role_for(groups)
    if role is not None and user.role != role:
        user.role = role
        changed.append("role")
    if mapping.contracts:
        named = list(Contract.objects.filter(code__in=mapping.managed_contract_codes)
                     .select_related("client", "provider").order_by("code"))
        wanted = mapping.contract_codes_for(groups)
        unknown = wanted - {contract.code for contract in named}
        if unknown:
            log.warning("%s_CONTRACT_GROUPS names contracts that do not exist: %s",
                        mapping.source.upper(), ", ".join(sorted(unknown)))
        held = [contract for contract in named if contract.code in wanted]
        _sync_team(user, named, held if user.role in TEAM_DUTY else [])
        _sync_contacts(user, named, held if user.role == Role.CLIENT_CONTACT else [])
        changed += _follow_organisation(user, held)
    if changed:
        user._change_reason = f"directory ({mapping.source})"
        user.save(update_fields=changed)
    return user


def _sync_team(user: User, named: list[Contract], held: list[Contract]) -> None:
    duty = TEAM_DUTY.get(user.role)
    held_ids = {contract.pk for contract in held}
    places = {place.contract_id: place for place in ContractMember.objects.filter(
        user=user, contract__in=named)}
    for contract_id, place in places.items():
        if contract_id not in held_ids:
            place.delete()
        elif place.duty != duty:
            place.duty = duty
            place.save(update_fields=["duty"])
    for contract in held:
        if contract.pk not in places:
            ContractMember.objects.create(contract=contract, user=user, duty=duty)


def _sync_contacts(user: User, named: list[Contract], held: list[Contract]) -> None:
    held_ids = {contract.pk for contract in held}
    current = set(user.contact_for_contracts.filter(
        pk__in=[contract.pk for contract in named]).values_list("pk", flat=True))
    if current - held_ids:
        user.contact_for_contracts.remove(*(current - held_ids))
    if held_ids - current:
        user.contact_for_contracts.add(*(held_ids - current))


def _follow_organisation(user: User, held: list[Contract]) -> list[str]:
    """A client's person belongs to the client of a contract their groups give them; a
    provider person to the provider. Left as it is when no contract says otherwise."""
    if not held:
        return []
    if user.role in CLIENT_ROLES:
        if user.organisation_id in {contract.client_id for contract in held}:
            return []
        organisation = held[0].client
    else:
        if user.organisation_id and user.organisation.kind == Organisation.Kind.PROVIDER:
            return []
        organisation = held[0].provider
    user.organisation = organisation
    changed = ["organisation"]
    # A department or site of the former organisation would contradict the new one.
    for field in ("department", "site"):
        place = getattr(user, field)
        if place is not None and place.organisation_id != organisation.pk:
            setattr(user, field, None)
            changed.append(field)
    return changed
