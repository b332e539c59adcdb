"""Roles and what each may do: the one place that defines it.

Views, API permissions, navigation and selectors ask ``can(user, Capability.X)``; nothing else
compares role names. Which *records* a role sees (its contracts, its own tickets) is decided by
the selectors, which scope by role and contract.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    END_USER = "end_user", _("End user")
    AGENT = "agent", _("Helpdesk agent")
    ENGINEER = "engineer", _("Engineer")
    SECOND_LINE = "second_line", _("Second-line engineer")
    PROJECT_MANAGER = "project_manager", _("Project manager")
    DELIVERY_MANAGER = "delivery_manager", _("Service delivery manager")
    GENERAL_MANAGER = "general_manager", _("General manager")
    CLIENT_CONTACT = "client_contact", _("Client IT contact")
    ADMIN = "admin", _("Administrator")


class Capability(models.TextChoices):
    FILE_TICKETS = "file_tickets", _("File faults and requests for oneself")
    LOG_CALLS = "log_calls", _("Log calls on behalf of users")
    DISPATCH = "dispatch", _("Assign and reassign tickets")
    WORK_TICKETS = "work_tickets", _("Work tickets from the dispatch queue")
    SEE_ALL_CONTRACTS = "see_all_contracts", _("See every contract")
    SEE_PEOPLE = "see_people", _("Look people up in the directory")
    READ_DASHBOARDS = "read_dashboards", _("Read SLA and KPI dashboards and reports")
    RECEIVE_ESCALATIONS = "receive_escalations", _("Receive escalations")
    APPROVE_CHANGES = "approve_changes", _("Approve changes for the client")
    ADMINISTER = "administer", _("Administer contracts, calendars, targets and users")
    SEE_ASSETS = "see_assets", _("Look at the asset register")
    EDIT_ASSETS = "edit_assets", _("Register, edit and retire assets")
    IMPORT_ASSETS = "import_assets", _("Import and export the asset register")
    INSPECT = "inspect", _("Carry out inspections")
    PLAN_INSPECTIONS = "plan_inspections", _("Plan inspections and read their reports")
    MANAGE_STORE = "manage_store", _("Run the spare-part store and loaner devices")
    MANAGE_COMPLAINTS = "manage_complaints", _("Register and handle complaints")
    RUN_CAMPAIGNS = "run_campaigns", _("Run questionnaire campaigns")


C = Capability

ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.END_USER: frozenset({C.FILE_TICKETS}),
    # Provider staff never file for themselves (a requester is a client's person); they log
    # calls for others.
    Role.AGENT: frozenset({C.LOG_CALLS, C.DISPATCH, C.WORK_TICKETS, C.SEE_PEOPLE,
                           C.SEE_ASSETS, C.EDIT_ASSETS, C.MANAGE_STORE, C.MANAGE_COMPLAINTS}),
    Role.ENGINEER: frozenset({C.WORK_TICKETS, C.SEE_PEOPLE, C.SEE_ASSETS, C.EDIT_ASSETS,
                              C.INSPECT}),
    Role.SECOND_LINE: frozenset({C.WORK_TICKETS, C.SEE_PEOPLE, C.SEE_ASSETS, C.EDIT_ASSETS,
                                 C.INSPECT}),
    Role.PROJECT_MANAGER: frozenset(
        {C.LOG_CALLS, C.DISPATCH, C.WORK_TICKETS, C.SEE_PEOPLE, C.READ_DASHBOARDS,
         C.RECEIVE_ESCALATIONS, C.SEE_ASSETS, C.EDIT_ASSETS, C.IMPORT_ASSETS, C.INSPECT,
         C.PLAN_INSPECTIONS, C.MANAGE_STORE, C.MANAGE_COMPLAINTS, C.RUN_CAMPAIGNS}
    ),
    Role.DELIVERY_MANAGER: frozenset(
        {C.DISPATCH, C.SEE_ALL_CONTRACTS, C.SEE_PEOPLE, C.READ_DASHBOARDS, C.RECEIVE_ESCALATIONS,
         C.SEE_ASSETS, C.PLAN_INSPECTIONS, C.MANAGE_COMPLAINTS, C.RUN_CAMPAIGNS}
    ),
    Role.GENERAL_MANAGER: frozenset(
        {C.SEE_ALL_CONTRACTS, C.SEE_PEOPLE, C.READ_DASHBOARDS, C.RECEIVE_ESCALATIONS,
         C.SEE_ASSETS}
    ),
    # The client's IT contact reads their own contract's register and inspection reports.
    Role.CLIENT_CONTACT: frozenset(
        {C.FILE_TICKETS, C.SEE_PEOPLE, C.READ_DASHBOARDS, C.APPROVE_CHANGES, C.SEE_ASSETS}
    ),
    Role.ADMIN: frozenset(set(Capability)),
}

# Role groups: the one place that names sets of roles. Rules that must ask "which kind of person
# is this" (rather than "may they do X", which is a capability) use these, never a hand-made set.

# Roles held by people of the client organisation (甲方); every other role belongs to the provider.
CLIENT_ROLES = frozenset({Role.END_USER, Role.CLIENT_CONTACT})
# The provider's people (乙方), administrators included: who may be named engineer on a complaint,
# who opens "my scorecards".
STAFF_ROLES = frozenset(set(Role) - CLIENT_ROLES)
# Engineers (on-site and second line): pick up tickets they are sent, own scorecards.
ENGINEER_ROLES = frozenset({Role.ENGINEER, Role.SECOND_LINE})
# The provider's managers: refresh the KPI figures on demand, land on the manager home page.
# Who manages one *contract* (its targets, ratings and reports) is sla.permissions.
# may_manage_contract, which is narrower: the general manager reads, he does not run contracts.
PROVIDER_MANAGER_ROLES = frozenset(
    {Role.PROJECT_MANAGER, Role.DELIVERY_MANAGER, Role.GENERAL_MANAGER})
# Who may be named reviewer of a resolved complaint: the desk and the managers (and admin), the
# same list on the page, in the API and in the service.
REVIEWER_ROLES = frozenset(
    {Role.AGENT, Role.PROJECT_MANAGER, Role.DELIVERY_MANAGER, Role.GENERAL_MANAGER, Role.ADMIN})

# Where each role lands after login (URL names of the portal app's home pages).
ROLE_HOME: dict[str, str] = {
    Role.END_USER: "portal:home_portal",
    Role.CLIENT_CONTACT: "portal:home_client",
    Role.AGENT: "portal:home_desk",
    Role.ENGINEER: "portal:home_engineer",
    Role.SECOND_LINE: "portal:home_engineer",
    Role.PROJECT_MANAGER: "portal:home_manager",
    Role.DELIVERY_MANAGER: "portal:home_manager",
    Role.GENERAL_MANAGER: "portal:home_manager",
    Role.ADMIN: "portal:home_admin",
}


def capabilities_of(user) -> frozenset[str]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    if user.is_superuser:
        return ROLE_CAPABILITIES[Role.ADMIN]
    return ROLE_CAPABILITIES.get(user.role, frozenset())


def can(user, capability: str) -> bool:
    return capability in capabilities_of(user)


def home_url_name(user) -> str:
    if user.is_superuser:
        return ROLE_HOME[Role.ADMIN]
    return ROLE_HOME.get(user.role, ROLE_HOME[Role.END_USER])
