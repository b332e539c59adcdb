"""Saved views a person sees (issue 15.2), with how many tickets each holds now.

Their own, and the shared views of the contracts they see (contracts_visible_to). The counts
come in one query: one conditional COUNT per view over the person's visible tickets."""

from __future__ import annotations

from django.db.models import Count, F, Q, QuerySet
from django.http import QueryDict

from accounts.models import User
from core.lookups import InIdList
from core.prepared import PreparedQuery
from sla.selectors import visible_contract_codes
from tickets.filters import TicketFilterSet
from tickets.models import SavedView
from tickets.selectors import tickets_visible_to


def _saved_views_of(owner, shared_contracts: Q) -> QuerySet[SavedView]:
    """The owner's views and the views shared on the contracts `shared_contracts` picks."""
    return (SavedView.objects.filter(Q(owner=owner) | (Q(shared=True) & shared_contracts))
            .select_related("contract", "owner").order_by("name", "pk"))


def saved_views_visible_to(user: User) -> QuerySet[SavedView]:
    # The contracts as a list of ids (sla.selectors.visible_contract_codes): on the queue page
    # they are already read, and the query without the nested visibility subquery costs a
    # third less to build and plan (bench/README.md, issue 19).
    contracts = [pk for pk, _code in visible_contract_codes(user)]
    return _saved_views_of(user, Q(contract_id__in=contracts))


# The queue page's list: the same rows by a query compiled once (core.prepared), the contracts
# as one list parameter (core.lookups.InIdList), so its shape does not follow their number.
SAVED_VIEWS_LIST = PreparedQuery(
    lambda owner, contracts: _saved_views_of(owner, Q(InIdList(F("contract_id"), contracts))),
    owner=-2_100_000_001, contracts=[-2_100_000_002])


def saved_views_list(user: User) -> list[SavedView]:
    """saved_views_visible_to(user), read."""
    contracts = [pk for pk, _code in visible_contract_codes(user)]
    return SAVED_VIEWS_LIST.models(owner=user.pk, contracts=contracts)


def saved_view_filters(view: SavedView) -> QueryDict:
    """What the queue page reads for this view: its query, opening on the open tickets."""
    data = QueryDict(view.query, mutable=True)
    if not data.get("view"):
        data["view"] = "open"
    return data


def saved_view_counts(user: User, views: list[SavedView], request=None) -> dict[int, int]:
    """{view id: tickets matching it}, all in one query."""
    if not views:
        return {}
    visible = tickets_visible_to(user)
    counts = {}
    for view in views:
        matching = TicketFilterSet(saved_view_filters(view), queryset=visible,
                                   request=request).qs.order_by().values("pk")
        counts[f"v{view.pk}"] = Count("pk", filter=Q(pk__in=matching))
    row = visible.order_by().aggregate(**counts)
    return {view.pk: row[f"v{view.pk}"] for view in views}
