"""Who may read and handle complaints and campaigns; who may review a resolved complaint.

Which records a person sees is surveys/selectors/ (scoped by contract); single capabilities
(MANAGE_COMPLAINTS, RUN_CAMPAIGNS…) are asked with accounts.roles.can where they are needed.
"""

from __future__ import annotations

from accounts.roles import REVIEWER_ROLES, Capability, can


def reads_register(user) -> bool:
    """Desk, PM, delivery, GM, the client's IT contact, admin: the contract's whole register."""
    return can(user, Capability.MANAGE_COMPLAINTS) or can(user, Capability.READ_DASHBOARDS)


def may_list_complaints(user) -> bool:
    """The register's readers, and end users (their own complaints)."""
    return reads_register(user) or can(user, Capability.FILE_TICKETS)


def may_register_complaints(user) -> bool:
    """The desk for anyone on its contracts, end users their own (the service checks which)."""
    return can(user, Capability.MANAGE_COMPLAINTS) or can(user, Capability.FILE_TICKETS)


def may_read_campaigns(user) -> bool:
    return can(user, Capability.RUN_CAMPAIGNS) or can(user, Capability.READ_DASHBOARDS)


def may_review_complaints(person) -> bool:
    """Who may be named reviewer of a resolved complaint: an active member of the desk, a
    manager or an administrator (REVIEWER_ROLES). The page's and the API's choices and the
    resolve service all ask this one rule."""
    return person.is_active and person.role in REVIEWER_ROLES
