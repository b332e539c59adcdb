"""Who may read KPI figures and scorecards, and refresh the figures.

Who *manages* one contract (edits its targets, rates its engineers, generates its reports) is the
one provider-manager rule, sla.permissions.may_manage_contract. Which contracts a reader sees is
kpi/selectors/ (scoped by role and contract).
"""

from __future__ import annotations

from accounts.roles import (
    CLIENT_ROLES,
    ENGINEER_ROLES,
    PROVIDER_MANAGER_ROLES,
    STAFF_ROLES,
    Capability,
    can,
)


def may_read_dashboards(user) -> bool:
    return can(user, Capability.READ_DASHBOARDS)


def may_refresh(user) -> bool:
    """"Refresh now" on the dashboard: the provider's managers and administrators."""
    return can(user, Capability.ADMINISTER) or user.role in PROVIDER_MANAGER_ROLES


def is_manager(user) -> bool:
    """PMs, delivery and general managers and admins read scorecards of their contracts (the
    client's IT contact reads dashboards, never people's scorecards)."""
    if not can(user, Capability.READ_DASHBOARDS):
        return False
    return user.is_superuser or user.role not in CLIENT_ROLES


def has_own_scorecards(user) -> bool:
    """Engineers (on-site and second line) look at their own scorecards on the list page."""
    return getattr(user, "is_authenticated", False) and user.is_active \
        and user.role in ENGINEER_ROLES


def reads_own(user) -> bool:
    """Any provider person may open "my scorecards" (a page empty for those never scored)."""
    return getattr(user, "is_authenticated", False) and user.is_active and (
        user.is_superuser or user.role in STAFF_ROLES)
