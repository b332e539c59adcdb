"""Read queries for people and places, scoped by role and contract (REQUIREMENTS X2, X6).

Who may see whom follows the contracts, so this module reads the contract selectors: a client's
people see their own organisation and the team serving them; the provider's people see their
colleagues and the clients of the contracts they are on; end users see only themselves.
"""

from django.db.models import Q, QuerySet

from accounts.models import Organisation, Site, User
from accounts.roles import CLIENT_ROLES, Capability, Role, can
from core.prepared import PreparedQuery
from sla.selectors import contract_scope, contract_team_q, contracts_in_scope, contracts_visible_to


def people_visible_to(user) -> QuerySet[User]:
    people = User.objects.all()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return people.none()
    if can(user, Capability.SEE_ALL_CONTRACTS):
        return people
    if user.role == Role.END_USER or not user.organisation_id:
        return people.filter(pk=user.pk)
    contracts = contracts_visible_to(user)
    if user.role == Role.CLIENT_CONTACT:
        return people.filter(Q(organisation_id=user.organisation_id) | contract_team_q(contracts))
    client_orgs = contracts.values("client_id")
    return people.filter(
        Q(organisation_id=user.organisation_id) | Q(organisation_id__in=client_orgs)
    )


# One person by id among those a person sees (filing for a caller names the requester so),
# compiled once per rule (core.prepared): everyone (the management roles), and the provider's
# staff on their projects' team (their organisation's people and their clients'). The other
# rules take people_visible_to's queryset. Negative ids are no one's.
_PERSON_MARKERS = {"all": {"pk": -2_000_000_001},
                   "team": {"pk": -2_000_000_001, "organisation": -2_000_000_002,
                            "person": -2_000_000_003, "person_again": -2_000_000_004}}


def _team_person(pk, organisation, **contract_values):
    contracts = contracts_in_scope("team", **contract_values)
    return User.objects.filter(
        Q(organisation_id=organisation) | Q(organisation_id__in=contracts.values("client_id")),
        pk=pk)


PERSON_BY_ID = {
    "all": PreparedQuery(lambda pk: User.objects.filter(pk=pk), **_PERSON_MARKERS["all"]),
    "team": PreparedQuery(_team_person, **_PERSON_MARKERS["team"]),
}


def person_visible_to(user, pk: int) -> User | None:
    """people_visible_to(user).filter(pk=pk).first(), by a query compiled once where the
    rule allows it."""
    if (getattr(user, "is_authenticated", False) and user.is_active
            and not (user.role == Role.END_USER or not user.organisation_id)
            and user.role != Role.CLIENT_CONTACT):
        scope, values = contract_scope(user)
        if scope == "all":
            found = PERSON_BY_ID["all"].models(pk=pk)
            return found[0] if found else None
        if scope == "team":
            found = PERSON_BY_ID["team"].models(pk=pk, organisation=user.organisation_id,
                                                **values)
            return found[0] if found else None
    return people_visible_to(user).filter(pk=pk).first()


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
