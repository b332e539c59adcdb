"""Read queries for people and places, scoped by role and contract (REQUIREMENTS X2, X6).

Who may see whom follows the contracts, so this module reads the contract selectors: a client's
people see their own organisation and the team serving them; the provider's people see their
colleagues and the clients of the contracts they are on; end users see only themselves.
"""

from django.db.models import Q, QuerySet

from accounts.models import Site, User
from accounts.roles import Capability, Role, can
from sla.selectors import contract_team_q, contracts_visible_to


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
