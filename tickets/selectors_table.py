"""The rows of the ticket table (templates/tickets/_table.html, tickets/templatetags/queue_tags.py)
as values() rows: one dict per ticket with what a cell shows, and nothing else.

A page of 50 tickets read as models cost a third of the queue's CPU (issue 19): a Ticket, two
Users and four prefetch queries (contract, service type, category, site) whose rows became
models too, for a code, two labels and a name. Here one query reads them: the people joined
(as before), the four names as scalar subqueries (a lookup by primary key in a small table per
row of the page), as the API list does (tickets/api/ticket_rows.py): joining them made
PostgreSQL plan for longer than the page took to read at 1,000,000 tickets."""

from __future__ import annotations

from django.db.models import F, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import translation

from accounts.models import Site
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


def _label():
    """BilingualName.label in SQL, for the language active now: the English name when the page
    is in English and there is one, else the Chinese."""
    if translation.get_language() == "en":
        return Coalesce(NullIf(F("name_en"), Value("")), F("name"))
    return F("name")


def for_table(tickets: QuerySet[Ticket]) -> QuerySet[dict]:
    """The tickets (any scoped, filtered, ordered queryset) as the table's rows."""
    return tickets.prefetch_related(None).values(
        *TABLE_COLUMNS,
        contract_code=_name_of(Contract, "contract_id", F("code")),
        service_type_label=_name_of(ServiceType, "service_type_id", _label()),
        category_label=_name_of(Category, "category_id", _label()),
        site_name=_name_of(Site, "site_id", F("name")))
