"""Who may manage people (issue 15, point 11). Which people and organisations they reach is in
accounts/selectors.py (organisations_managed_by, people_managed_by)."""

from __future__ import annotations

from accounts.roles import CLIENT_ROLES, Capability, Role, can


def may_manage_people(user) -> bool:
    """Open the add/edit/import pages at all: administrators and project managers (a PM for the
    clients of their own contracts only; the selectors narrow it)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return can(user, Capability.ADMINISTER) or user.role == Role.PROJECT_MANAGER


def roles_grantable_by(user) -> list[str]:
    """The roles ``user`` may give: every role for an administrator; a client's roles (end user,
    client IT contact) for a project manager, never a provider role."""
    if can(user, Capability.ADMINISTER):
        return list(Role.values)
    if may_manage_people(user):
        return [role for role in Role.values if role in CLIENT_ROLES]
    return []


def may_create_callers(user) -> bool:
    """Create a caller without a login (the desk's phone form, a phone integration's API)."""
    return can(user, Capability.LOG_CALLS)
