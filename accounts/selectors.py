"""Read queries for people and places, scoped by role and contract (REQUIREMENTS X2, X6).

Who may see whom follows the contracts, so this module reads the contract selectors: a client's
people see their own organisation and the team serving them; the provider's people see their
colleagues and the clients of the contracts they are on; end users see only themselves.
"""

from django.db.models import Q, QuerySet

from accounts.models import Organisation, Site, User
from accounts.roles import CLIENT_ROLES, Capability, Role, can
from core.prepared import PreparedQuery
from sla.selectors import (
    CONTRACT_SCOPE_MARKERS,
    contract_scope,
    contract_team_q,
    contracts_in_scope,
    contracts_visible_to,
)


def _people_rule(user) -> str:
    """Which rule of people_visible_to applies: "none", "all" (the management roles), "self"
    (an end user, or anyone without an organisation), "contact" (a client contact) or "staff"
    (the provider's people: their contract scope is contract_scope's "team")."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return "none"
    if can(user, Capability.SEE_ALL_CONTRACTS):
        return "all"
    if user.role == Role.END_USER or not user.organisation_id:
        return "self"
    return "contact" if user.role == Role.CLIENT_CONTACT else "staff"


def _staff_people(organisation, **contract_values) -> QuerySet[User]:
    """The staff rule: their organisation's people and their projects' clients'."""
    clients = contracts_in_scope("team", **contract_values).values("client_id")
    return User.objects.filter(Q(organisation_id=organisation) | Q(organisation_id__in=clients))


def people_visible_to(user) -> QuerySet[User]:
    rule = _people_rule(user)
    people = User.objects.all()
    if rule == "none":
        return people.none()
    if rule == "all":
        return people
    if rule == "self":
        return people.filter(pk=user.pk)
    if rule == "contact":
        return people.filter(Q(organisation_id=user.organisation_id)
                             | contract_team_q(contracts_visible_to(user)))
    return _staff_people(user.organisation_id, **contract_scope(user)[1])


# One person by id among those a person sees (filing for a caller names the requester so),
# compiled once per rule (core.prepared) for the management roles and the provider's staff; the
# other rules take people_visible_to's queryset. Negative ids are no one's.
PERSON_BY_ID = {
    "all": PreparedQuery(lambda pk: User.objects.filter(pk=pk), pk=-2_000_000_001),
    "staff": PreparedQuery(
        lambda pk, organisation, **contract_values: _staff_people(
            organisation, **contract_values).filter(pk=pk),
        pk=-2_000_000_001, organisation=-2_000_000_002, **CONTRACT_SCOPE_MARKERS["team"]),
}


def person_visible_to(user, pk: int) -> User | None:
    """people_visible_to(user).filter(pk=pk).first(), by a query compiled once where the
    rule allows it."""
    rule = _people_rule(user)
    if rule == "all":
        found = PERSON_BY_ID["all"].models(pk=pk)
    elif rule == "staff":
        found = PERSON_BY_ID["staff"].models(pk=pk, organisation=user.organisation_id,
                                             **contract_scope(user)[1])
    else:
        return people_visible_to(user).filter(pk=pk).first()
    return found[0] if found else None


def people_search(*, user, query: str = "", limit: int | None = None) -> QuerySet[User]:
    """Find people by name, username, phone or employee number within what the user may see."""
    people = people_visible_to(user).select_related("organisation", "department", "site")
    query = query.strip()
    if query:
        people = people.filter(
            Q(name__icontains=query)
            | Q(username__icontains=query)
            | Q(phone__contains=query)
            | Q(employee_no__iexact=query)
            | Q(email__iexact=query)
        )
    people = people.order_by("organisation__name", "name", "username")
    return people[:limit] if limit else people


def sites_visible_to(user) -> QuerySet[Site]:
    sites = Site.objects.select_related("organisation")
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return sites.none()
    if can(user, Capability.SEE_ALL_CONTRACTS):
        return sites
    return sites.filter(organisation_id__in=contracts_visible_to(user).values("client_id"))


def organisations_managed_by(user) -> QuerySet[Organisation]:
    """The organisations whose people ``user`` may add, edit and deactivate (issue 15, point 11):
    an administrator every organisation; a project manager the clients of the contracts they
    manage; nobody else any."""
    organisations = Organisation.objects.all()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return organisations.none()
    if can(user, Capability.ADMINISTER):
        return organisations
    if user.role == Role.PROJECT_MANAGER:
        return organisations.filter(
            pk__in=contracts_visible_to(user).filter(project_manager=user).values("client_id"))
    return organisations.none()


def people_managed_by(user) -> QuerySet[User]:
    """The people ``user`` may edit: every person for an administrator; a project manager the
    client people (end users, client contacts) of the organisations they manage."""
    people = User.objects.all()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return people.none()
    if can(user, Capability.ADMINISTER):
        return people
    return people.filter(organisation__in=organisations_managed_by(user),
                         role__in=sorted(CLIENT_ROLES))


def people_directory(*, user, query: str = "", active: bool | None = None) -> QuerySet[User]:
    """The people page: people_search, optionally only the active (or the deactivated) ones."""
    people = people_search(user=user, query=query)
    if active is not None:
        people = people.filter(is_active=active)
    return people


def callers_organisations(user) -> QuerySet[Organisation]:
    """Client organisations the desk may log a new caller into: those of its contracts."""
    organisations = Organisation.objects.filter(kind=Organisation.Kind.CLIENT)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return organisations.none()
    if can(user, Capability.SEE_ALL_CONTRACTS):
        return organisations
    return organisations.filter(pk__in=contracts_visible_to(user).values("client_id"))
