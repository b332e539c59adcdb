"""The rows of the ticket table (templates/tickets/_table.html, tickets/templatetags/queue_tags.py)
as values() rows: one dict per ticket with what a cell shows, and nothing else.

A page of 50 tickets read as models cost a third of the queue's CPU (issue 19): a Ticket, two
Users and four prefetch queries (contract, service type, category, site) whose rows became
models too, for a code, two labels and a name. Here one query reads them: the people joined
(as before), the four names as scalar subqueries (a lookup by primary key in a small table per
row of the page), as the API list does (tickets/api/ticket_rows.py): joining them made
PostgreSQL plan for longer than the page took to read at 1,000,000 tickets.

Building and compiling that query cost 2 ms of CPU per page (its joins and subqueries), the
same on every request. So a page is read in two steps: the ids of the page's tickets by the
list's own queryset (its scope, filters and order, whatever their shape; one column, no joins),
then their rows by one query compiled once per language (core.prepared; the ids are one array
parameter, core.lookups.InIdList), put back in the ids' order, and their people by id
(add_people)."""

from __future__ import annotations

from django.db.models import F, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import translation

from accounts.models import Site, User
from core.lookups import InIdList
from core.prepared import PreparedQuery
from sla.models import Contract
from tickets.models import Category, ServiceType, Ticket
from tickets.selectors import LIST_JOINED, PERSON_NAME_FIELDS

TABLE_COLUMNS = ("pk", "number", "title", "priority", "status", "channel", "location",
                 "sla_due_at", "created_at", "updated_at", "category_id", "site_id",
                 *(f"{who}_id" for who in LIST_JOINED),  # the people, joined
                 *(f"{who}__{field}" for who in LIST_JOINED for field in PERSON_NAME_FIELDS))


def _name_of(model, key: str, column):
    """The named row's column, by the ticket's foreign key ``key`` (order_by(): no sort of the
    model's default ordering in each lookup)."""
    return Subquery(model.objects.filter(pk=OuterRef(key)).order_by().values(shown=column))


def _label(english: bool):
    """BilingualName.label in SQL: on an English page the English name when there is one,
    else the Chinese."""
    if english:
        return Coalesce(NullIf(F("name_en"), Value("")), F("name"))
    return F("name")


# The people of a page, by id. Joined to a page of tickets picked by id, accounts_user was
# hashed whole once per role (a sequential scan of every person, ~0.7 ms a join at 2,000
# people, more PostgreSQL time than the rest of the page); read by id they are index probes.
_NO_PEOPLE = [-4_000_000_003]
_PEOPLE_BY_ID = PreparedQuery(lambda ids: User.objects.filter(InIdList(F("pk"), ids)).order_by()
                              .values_list("pk", *PERSON_NAME_FIELDS), ids=_NO_PEOPLE)


def add_people(rows: list[dict], roles, fields) -> None:
    """Give each row ``{role}__{field}`` for each role (the person ``{role}_id``) and field of
    PERSON_NAME_FIELDS, None where there is no person, as joining the people would: one query
    for all the rows' people."""
    ids = {row[f"{role}_id"] for row in rows for role in roles} - {None}
    people = {pk: dict(zip(PERSON_NAME_FIELDS, names, strict=True))
              for pk, *names in _PEOPLE_BY_ID.rows(ids=sorted(ids))} if ids else {}
    for row in rows:
        for role in roles:
            person = people.get(row[f"{role}_id"])
            for field in fields:
                row[f"{role}__{field}"] = person[field] if person else None


_OWN_COLUMNS = [column for column in TABLE_COLUMNS if "__" not in column]


def _table_values(tickets: QuerySet[Ticket], *, english: bool) -> QuerySet:
    """The table's columns of these tickets as values_list() rows, for the prepared query: the
    people's names are added apart (add_people)."""
    names = {
        "contract_code": _name_of(Contract, "contract_id", F("code")),
        "service_type_label": _name_of(ServiceType, "service_type_id", _label(english)),
        "category_label": _name_of(Category, "category_id", _label(english)),
        "site_name": _name_of(Site, "site_id", F("name")),
    }
    return tickets.annotate(**names).values_list(*_OWN_COLUMNS, *names)


NO_IDS = [-4_000_000_001]  # the marker of the ids (no ticket has a negative id)
_ROWS_BY_ID = {english: PreparedQuery(
    lambda ids, english=english: _table_values(
        Ticket.objects.filter(InIdList(F("pk"), ids)).order_by(), english=english),
    ids=NO_IDS) for english in (False, True)}


def table_rows_by_id(ids: list[int]) -> list[dict]:
    """The table's rows of these tickets in the order of the ids, labels in the active
    language; a ticket deleted since its id was read is left out."""
    if not ids:
        return []
    english = translation.get_language() == "en"
    found = {row["pk"]: row for row in _ROWS_BY_ID[english].dicts(ids=ids)}
    rows = [found[pk] for pk in ids if pk in found]
    add_people(rows, LIST_JOINED, PERSON_NAME_FIELDS)
    return rows


class TableRows:
    """The table's rows of a queryset of tickets, read when sliced (a page) or iterated: the
    ids by the queryset, then the rows and their people by table_rows_by_id. Three queries,
    one when no ticket matches."""

    def __init__(self, tickets: QuerySet[Ticket]):
        self.ids = tickets.prefetch_related(None).values_list("pk", flat=True)

    def __getitem__(self, item: slice) -> list[dict]:
        if not isinstance(item, slice):
            raise TypeError("Read the table's rows by a slice (a page).")
        return table_rows_by_id(list(self.ids[item]))

    def __iter__(self):
        return iter(table_rows_by_id(list(self.ids)))


def for_table(tickets: QuerySet[Ticket]) -> TableRows:
    """The tickets (any scoped, filtered, ordered queryset) as the table's rows."""
    return TableRows(tickets)
