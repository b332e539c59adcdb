"""Saved views of the dispatch queue (issue 15.2): save, rename and delete.

A view keeps the queue's query string, checked here through TicketFilterSet: a parameter the
queue does not know, or a value it would not take, is refused naming it. The page number is
not part of a view and is dropped; nor are the columns (`columns` parameters), which a view
keeps apart, as keys of tickets/queue_columns.py checked here. Shared views belong to a
contract the owner sees; the owner or that contract's project manager may rename or delete
them."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils.translation import gettext as _

from accounts.models import User
from core.clock import now
from core.errors import InvalidInput, PermissionRefused
from sla.models import Contract
from sla.selectors import contracts_visible_to
from tickets.filters import TicketFilterSet
from tickets.models import SavedView, Ticket
from tickets.permissions import may_see_queue
from tickets.queue_columns import COLUMN_KEYS, clean_columns, unknown_columns

NAME_MAX = 60
QUERY_MAX = 500
# Not kept in a view's query: where one was in the list; the columns, kept in their own field.
DROPPED = {"page", "columns"}


def saved_view_query(query: str) -> str:
    """The query string cleaned for saving, or InvalidInput naming the bad parameter."""
    query = (query or "").lstrip("?")
    if len(query) > QUERY_MAX:
        raise InvalidInput(_("The filters are too long to save."), field="query")
    data = QueryDict(query, mutable=True)
    for key in DROPPED:
        data.pop(key, None)
    known = set(TicketFilterSet.base_filters)
    unknown = sorted(k for k in data if k not in known)
    if unknown:
        raise InvalidInput(_("Unknown filter: %(names)s.") % {"names": ", ".join(unknown)},
                           field="query", code="unknown_filter")
    repeated = sorted(k for k in data if len(data.getlist(k)) > 1)
    if repeated:
        raise InvalidInput(_("A filter is given twice: %(names)s.")
                           % {"names": ", ".join(repeated)}, field="query")
    form = TicketFilterSet(data, queryset=Ticket.objects.none()).form
    if not form.is_valid():
        names = ", ".join(sorted(form.errors))
        raise InvalidInput(_("Invalid filter value: %(names)s.") % {"names": names},
                           field="query", code="invalid_filter")
    return data.urlencode()


def saved_view_columns(columns) -> list[str]:
    """The columns for saving, in the order given (the number column added first if left out;
    [] for the defaults), or InvalidInput naming an unknown or repeated column."""
    if columns is None:
        return []
    if isinstance(columns, str) or not all(isinstance(c, str) for c in columns):
        raise InvalidInput(_("Give the columns as a list of names."), field="columns")
    if len(columns) > len(COLUMN_KEYS):
        raise InvalidInput(_("At most %(max)s columns.") % {"max": len(COLUMN_KEYS)},
                           field="columns")
    unknown = unknown_columns(columns)
    if unknown:
        raise InvalidInput(_("Unknown column: %(names)s.") % {"names": ", ".join(unknown)},
                           field="columns", code="unknown_column")
    if len(set(columns)) != len(columns):
        raise InvalidInput(_("A column is given twice."), field="columns")
    return clean_columns(columns)


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("Give the view a name."), field="name")
    if len(name) > NAME_MAX:
        raise InvalidInput(_("At most %(max)s characters.") % {"max": NAME_MAX}, field="name")
    return name


def _taken(owner: User, name: str, exclude: int | None = None) -> bool:
    return SavedView.objects.filter(owner=owner, name=name).exclude(pk=exclude).exists()


def _name_taken() -> InvalidInput:
    return InvalidInput(_("You already have a view with this name."), field="name",
                        code="duplicate")


def saved_view_create(*, actor: User, name: str, query: str, contract: Contract | None = None,
                      shared: bool = False, columns: list[str] | None = None) -> SavedView:
    if not may_see_queue(actor):
        raise PermissionRefused(_("Your role has no queue."))
    name = _clean_name(name)
    query = saved_view_query(query)
    columns = saved_view_columns(columns)
    if contract is not None and not contracts_visible_to(actor).filter(pk=contract.pk).exists():
        raise InvalidInput(_("Choose one of your contracts."), field="contract")
    if shared and contract is None:
        raise InvalidInput(_("A shared view needs the contract whose team sees it."),
                           field="contract")
    if _taken(actor, name):
        raise _name_taken()
    try:
        with transaction.atomic():
            return SavedView.objects.create(owner=actor, name=name, query=query,
                                            columns=columns, contract=contract, shared=shared,
                                            created_at=now())
    except IntegrityError:  # the same name saved twice at once
        raise _name_taken() from None


def may_change_saved_view(user: User, view: SavedView) -> bool:
    """Its owner; a shared one also the project manager of its contract."""
    if view.owner_id == user.pk:
        return True
    return bool(view.shared and view.contract_id
                and view.contract.project_manager_id == user.pk)


def saved_view_rename(*, actor: User, view: SavedView, name: str) -> SavedView:
    if not may_change_saved_view(actor, view):
        raise PermissionRefused(_("Only its owner or the contract's project manager may "
                                  "change this view."))
    name = _clean_name(name)
    if _taken(view.owner, name, exclude=view.pk):
        raise _name_taken()
    try:
        with transaction.atomic():
            SavedView.objects.filter(pk=view.pk).update(name=name)
    except IntegrityError:
        raise _name_taken() from None
    view.name = name
    return view


def saved_view_delete(*, actor: User, view: SavedView) -> None:
    if not may_change_saved_view(actor, view):
        raise PermissionRefused(_("Only its owner or the contract's project manager may "
                                  "delete this view."))
    SavedView.objects.filter(pk=view.pk).delete()
