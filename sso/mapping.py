"""Which role and which contracts a person's directory groups give them.

The deployer maps groups in two JSON settings per directory (docs/operations/sso.md):
``{LDAP,OIDC}_ROLE_GROUPS`` ``{"group": "role"}`` and ``{LDAP,OIDC}_CONTRACT_GROUPS``
``{"group": ["CONTRACT-CODE", …]}``. A person in several role groups gets the highest of
their roles (ROLE_PRECEDENCE); in none of them, the least: end user. A role therefore comes only
from a group the deployer mapped to it: no claim or attribute makes anyone an administrator.

Pure: no database; sso.services applies the result.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings

from accounts.roles import Role

# Highest first: the role a person in several mapped groups gets.
ROLE_PRECEDENCE = (Role.ADMIN, Role.GENERAL_MANAGER, Role.DELIVERY_MANAGER,
                   Role.PROJECT_MANAGER, Role.SECOND_LINE, Role.ENGINEER, Role.AGENT,
                   Role.CLIENT_CONTACT, Role.END_USER)
# Mapped groups configured, none of them held: the least a person can be.
UNMAPPED_ROLE = Role.END_USER

_DN_SPACING = re.compile(r"\s*([,=+])\s*")


def ldap_group_key(dn: str) -> str:
    """LDAP compares distinguished names without case and without the spaces around their
    separators: "CN=Engineers, OU=Groups" is "cn=engineers,ou=groups"."""
    return _DN_SPACING.sub(r"\1", dn.strip().lower())


def oidc_group_key(name: str) -> str:
    """Group names or ids in a token are compared exactly, as the provider spells them."""
    return name


@dataclass(frozen=True)
class GroupMapping:
    roles: dict[str, str]
    contracts: dict[str, tuple[str, ...]]
    source: str  # "ldap" or "oidc": recorded as the reason of the changes it makes

    @classmethod
    def configured(cls, source: str) -> GroupMapping:
        prefix = source.upper()
        key = ldap_group_key if source == "ldap" else oidc_group_key
        roles = getattr(settings, f"{prefix}_ROLE_GROUPS", {}) or {}
        contracts = getattr(settings, f"{prefix}_CONTRACT_GROUPS", {}) or {}
        return cls(roles={key(group): role for group, role in roles.items()},
                   contracts={key(group): tuple(codes) for group, codes in contracts.items()},
                   source=source)

    def _held(self, groups: Iterable[str]) -> set[str]:
        key = ldap_group_key if self.source == "ldap" else oidc_group_key
        return {key(group) for group in groups if isinstance(group, str)}

    def role_for(self, groups: Iterable[str]) -> str | None:
        """The role the groups give; None when no role groups are configured (the portal's
        role is then managed in the portal, not by the directory)."""
        if not self.roles:
            return None
        held = {self.roles[group] for group in self._held(groups) if group in self.roles}
        return next((role for role in ROLE_PRECEDENCE if role in held), UNMAPPED_ROLE)

    def contract_codes_for(self, groups: Iterable[str]) -> set[str]:
        held = self._held(groups)
        return {code for group, codes in self.contracts.items() if group in held
                for code in codes}

    @property
    def managed_contract_codes(self) -> set[str]:
        """The contracts the directory decides membership of: those named in the mapping.
        Memberships of other contracts are left to the portal's administrators."""
        return {code for codes in self.contracts.values() for code in codes}

