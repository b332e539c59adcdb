"""TicketSerializer's answer without DRF's field-by-field work: the rows of `GET /api/tickets/`
and the ticket `POST /api/tickets/` files.

TicketSerializer spent ~14 ms on a page of 50 tickets where the SQL took 3 (issue 19): a model
instance per ticket and per person, then a Field object and its to_representation per value.
Here one `.values()` query reads the columns the list shows, and each row becomes the dict
TicketSerializer makes of it: the same keys in the same order, the same values and formats
(tests/tickets/test_api_ticket_rows.py compares the two, byte for byte after rendering, on tickets
in every state, with and without assignee, site and category, for every role). The OpenAPI
document still describes both with TicketSerializer, since the answer is the same. A filed
ticket (ticket_answer) goes through the same row builder, from the instance in hand; made by
TicketSerializer it cost ~1.6 ms, most of it building the serializer's 37 fields.

The key list is TicketSerializer.Meta.fields itself: a plain field added there is shown here
too, a relation added there stops the import (KeyError below) until this module says how.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.utils import timezone

from core.lookups import InIdList
from core.prepared import PreparedQuery
from sla.models import Contract
from tickets.api.serializers import (
    TicketSerializer,
    clocks_shown,
    survey_url_shown,
    visits_shown,
)
from tickets.models import ServiceType, Ticket
from tickets.selectors_table import add_people
from tickets.workflow import allowed_actions

# How each field of TicketSerializer is shown: a person as {id, username, name}, the contract
# and service type by their code, other relations by id, datetimes in ISO 8601 in the current
# time zone, the rest as stored.
PEOPLE = ("requester", "logged_by", "assignee")
PERSON_COLUMNS = ("username", "name", "first_name", "last_name")
CODES = {"contract": "contract_code", "service_type": "service_type_code"}
RELATED_IDS = ("category", "site", "asset")
_PERSON, _DATE, _PLAIN, _ACTIONS = range(4)


def _layout() -> list[tuple[str, str, int]]:
    """(key in the answer, column of the values() row, how it is shown), in the serializer's
    order."""
    layout = []
    for name in TicketSerializer.Meta.fields:
        if name == "actions":
            layout.append((name, "", _ACTIONS))
        elif name in PEOPLE:
            layout.append((name, f"{name}_id", _PERSON))
        elif name in CODES:
            layout.append((name, CODES[name], _PLAIN))
        elif name in RELATED_IDS:
            layout.append((name, f"{name}_id", _PLAIN))
        else:
            field = Ticket._meta.get_field(name)
            if field.is_relation:
                raise KeyError(f"TicketSerializer shows the relation {name!r}: say how here.")
            layout.append((name, name, _DATE if isinstance(field, models.DateTimeField)
                           else _PLAIN))
    return layout


LAYOUT = _layout()
COLUMNS = [column for _, column, _ in LAYOUT if column and column not in CODES.values()] + [
    f"{person}__{column}" for person in PEOPLE for column in PERSON_COLUMNS]
_CODE_SUBQUERIES = {  # order_by(): no sort of the models' default ordering in each lookup
    "contract_code": Subquery(
        Contract.objects.filter(pk=OuterRef("contract_id")).order_by().values("code")),
    "service_type_code": Subquery(
        ServiceType.objects.filter(pk=OuterRef("service_type_id")).order_by().values("code")),
}


def _list_values(tickets: QuerySet[Ticket]) -> QuerySet:
    """The list's columns of these tickets as values_list() rows, for the prepared query.

    The people are read apart, by id (tickets.selectors_table.add_people: joined to a page
    picked by id, accounts_user was hashed whole per role); the two codes are scalar subqueries,
    a lookup in a small table per row of the page. At 1,000,000 tickets, joining the contract
    and the service type too made PostgreSQL plan for 3.5 ms (five joins and the ticket table's
    30 indexes) against 1.0 ms this way, for the same 0.5-0.7 ms of execution."""
    return tickets.annotate(**_CODE_SUBQUERIES).values_list(
        *(column for column in COLUMNS if "__" not in column), *_CODE_SUBQUERIES)


NO_IDS = [-4_000_000_002]  # the marker of the ids (no ticket has a negative id)
_LIST_BY_ID = PreparedQuery(
    lambda ids: _list_values(Ticket.objects.filter(InIdList(F("pk"), ids)).order_by()),
    ids=NO_IDS)
# What the cursor pagination pages: the id, and the column of its cursor (NewestFirst).
PAGED_COLUMNS = ("pk", "created_at")


def ticket_list_values_by_id(ids: list[int]) -> list[dict]:
    """The list's values() rows of these tickets in the order of the ids (a ticket deleted
    since its id was read is left out).

    The page is read in two steps: its ids by the scoped, filtered queryset (cursor-paginated
    over PAGED_COLUMNS, whatever the filters' shape), then the rows here, by one query compiled
    once (core.prepared; the ids are one array parameter, core.lookups.InIdList). Building and
    compiling the rows' query with the filters cost ~1.7 ms of CPU per page (issue 19)."""
    if not ids:
        return []
    found = {row["id"]: row for row in _LIST_BY_ID.dicts(ids=ids)}
    rows = [found[pk] for pk in ids if pk in found]
    add_people(rows, PEOPLE, PERSON_COLUMNS)
    return rows


# Keys of the answer in the serializer's order, then what goes under each, by kind.
KEYS = [key for key, _, _ in LAYOUT]
_PLAIN_COLUMNS = [(key, column) for key, column, how in LAYOUT if how == _PLAIN]
_DATE_COLUMNS = [(key, column) for key, column, how in LAYOUT if how == _DATE]
_PERSON_COLUMNS = [(person, f"{person}_id", *(f"{person}__{c}" for c in PERSON_COLUMNS))
                   for person in PEOPLE]


@dataclass(frozen=True, slots=True)
class _ActionFacts:
    """What allowed_actions reads of a ticket, and nothing else: were it to read another
    attribute, the list would fail loudly instead of caching a wrong answer."""

    status: str
    requester_id: int | None
    assignee_id: int | None


def ticket_list_rows(rows: list[dict], *, user) -> list[dict]:
    """The answer's rows, as TicketSerializer(many=True) makes them from the same tickets."""
    zone = timezone.get_current_timezone()
    actions_of = _ActionsMemo(user)
    out = []
    for row in rows:
        shown = dict.fromkeys(KEYS)  # the order; None is also what an empty value shows
        for key, column in _PLAIN_COLUMNS:
            shown[key] = row[column]
        for key, column in _DATE_COLUMNS:
            value = row[column]
            if value:
                text = value.astimezone(zone).isoformat()
                # As DRF's DateTimeField: ISO 8601 in the current time zone, UTC as Z.
                shown[key] = text[:-6] + "Z" if text.endswith("+00:00") else text
        for person, pk, username, name, first_name, last_name in _PERSON_COLUMNS:
            if row[pk] is not None:  # as PersonRefSerializer, name = User.display_name
                shown[person] = {"id": row[pk], "username": row[username], "name": (
                    row[name] or f"{row[first_name]} {row[last_name]}".strip()
                    or row[username])}
        shown["actions"] = actions_of(row["status"], row["requester_id"], row["assignee_id"])
        out.append(shown)
    return out


class _ActionsMemo:
    """allowed_actions(user, ticket) for one user over many tickets. It compares the ticket's
    requester and assignee with the user and the assignee with None, nothing more, so tickets
    that agree on the status and those three answers share one answer: 50 rows, a few calls.
    The facts handed over keep those answers (the user's own id, or 0, which no user has)."""

    def __init__(self, user):
        self.user = user
        self.memo: dict[tuple, list[str]] = {}

    def __call__(self, status: str, requester_id: int, assignee_id: int | None) -> list[str]:
        me = self.user.pk
        key = (status, requester_id == me, assignee_id is None, assignee_id == me)
        if key not in self.memo:
            self.memo[key] = allowed_actions(self.user, _ActionFacts(
                status, me if key[1] else 0, None if key[2] else me if key[3] else 0))
        return list(self.memo[key])


# What ticket_answer reads off the ticket itself: every column but the people's and the codes.
_OWN_COLUMNS = [column for column in COLUMNS if "__" not in column]


def ticket_answer(ticket: Ticket, *, user) -> dict:
    """TicketSerializer(ticket).data, from a ticket whose contract, service type and people
    are loaded (the one ticket_create returns); others are loaded here, as the serializer
    would."""
    row = {column: getattr(ticket, column) for column in _OWN_COLUMNS}
    row["contract_code"] = ticket.contract.code
    row["service_type_code"] = ticket.service_type.code
    for person in PEOPLE:
        someone = getattr(ticket, person) if getattr(ticket, f"{person}_id") else None
        for column in PERSON_COLUMNS:
            row[f"{person}__{column}"] = getattr(someone, column, None)
    return ticket_list_rows([row], user=user)[0]


def ticket_detail_answer(ticket: Ticket, *, context: dict) -> dict:
    """TicketDetailSerializer(ticket).data (GET /api/tickets/<id>/): the row above, then the
    clocks, the survey link and the visits, as its methods give them. A ModelSerializer builds
    its fields from the model on every instance: ~2 ms of CPU per answer (issue 19)."""
    user = context["request"].user
    answer = ticket_answer(ticket, user=user)
    answer["clocks"] = clocks_shown(ticket)
    answer["survey_url"] = survey_url_shown(user, ticket)
    answer["visits"] = visits_shown(ticket, context)
    return answer
