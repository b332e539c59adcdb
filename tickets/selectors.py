"""Read queries for tickets, scoped by role and contract (X2): pages and API share these."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import partial

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    F,
    Func,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    prefetch_related_objects,
)
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core import batch
from core.planner import joins_as_written, one_row_as_written
from core.prepared import PreparedPrefetch, PreparedQuery
from sla.models import Clock, Contract, ContractMember
from sla.selectors import (
    CONTRACT_SCOPE_MARKERS,
    contract_scope,
    contracts_in_scope,
    contracts_visible_to,
    visible_contract_codes,
)
from tickets import hooks
from tickets.models import (
    OPEN_STATUSES,
    Attachment,
    CannedReply,
    Category,
    Entry,
    PendingReason,
    ResolutionTemplate,
    ServiceType,
    Status,
    Ticket,
    TicketLink,
)
from tickets.search_fts import FTS_MIN, entry_ids_sql, fts_phrase, ticket_ids_sql

# The largest id a row can have (BigAutoField): a larger number sent is no ticket, not a 500.
ID_MAX = 2**63 - 1
LIST_RELATED = ["contract", "service_type", "category", "requester", "assignee", "site"]
# Lists join only the people and fetch the small reference tables separately: at a million rows
# the planner spends more time on an 8-table join than the index scan takes (bench/README.md).
LIST_JOINED = ["requester", "assignee"]
LIST_PREFETCHED = ["contract", "service_type", "category", "site"]


def for_list(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    return tickets.select_related(*LIST_JOINED).prefetch_related(*LIST_PREFETCHED)


# What User.display_name reads (lists that read people as values() rows).
PERSON_NAME_FIELDS = ("name", "first_name", "last_name", "username")


# The rules of sla.selectors.contract_scope under which a person sees every ticket of the
# contracts they see, whoever filed it (an end user sees their own, and perhaps their
# department's).
BY_CONTRACT_SCOPES = {"all", "contact", "team"}


def sees_tickets_by_contract(user) -> bool:
    """Whether the tickets `user` sees are those of some contracts, whoever filed them: every
    signed-in, active person but an end user. For them, staff_contract_ids gives the contracts."""
    return contract_scope(user)[0] in BY_CONTRACT_SCOPES


def staff_contract_ids(user) -> list[int] | None:
    """For a person who sees_tickets_by_contract: the ids of the contracts whose tickets they
    see, or None for every contract. tickets_visible_to's rule for them, shared with the queries
    that check it apart (the ticket page reads its ticket by number alone, tickets/page.py)."""
    if contract_scope(user)[0] == "all":
        return None
    # A plain list of ids plans far faster than the nested visibility subquery.
    return [pk for pk, _code in visible_contract_codes(user)]


def staff_ticket_read(query: PreparedQuery, *, user,
                      prefetch: tuple[PreparedPrefetch, ...] = (),
                      **values) -> Ticket | None:
    """The one ticket a prepared query (core.prepared) finds by a unique key, with `prefetch`
    done, if `user` (who sees_tickets_by_contract) may see it; None otherwise. The query has
    no visibility filter (its SQL is the same for everyone): the contract is checked here, by
    the rule tickets_visible_to uses. Read with the joins planned as written (core.planner)."""
    contract_ids = staff_contract_ids(user)
    with joins_as_written():
        found = [ticket for ticket in query.models(**values)
                 if contract_ids is None or ticket.contract_id in contract_ids]
        for prefetch_into in prefetch if found else ():
            prefetch_into(found)
    return found[0] if found else None


# An active service type by its code (filing names it so, on the pages and through the API),
# compiled once; no code holds a NUL character.
SERVICE_TYPE_BY_CODE = PreparedQuery(
    lambda code: ServiceType.objects.filter(active=True, code=code), code="\x00service-type")


def active_service_type_by_code(code: str) -> ServiceType | None:
    """ServiceType.objects.filter(active=True).get(code=code), or None."""
    found = SERVICE_TYPE_BY_CODE.models(code=code)
    return found[0] if found else None


def tickets_visible_to(user) -> QuerySet[Ticket]:
    tickets = Ticket.objects.all()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return tickets.none()
    if sees_tickets_by_contract(user):
        contract_ids = staff_contract_ids(user)
        return tickets if contract_ids is None else tickets.filter(contract_id__in=contract_ids)
    # An end user: their own tickets, and their department's on contracts that share them.
    mine = tickets.filter(requester=user, contract__client_id=user.organisation_id)
    if not user.department_id:
        return mine
    contracts = dict(Contract.objects.filter(client_id=user.organisation_id)
                     .values_list("pk", "department_visibility"))
    shared = [pk for pk, department_visibility in contracts.items() if department_visibility]
    if not shared:
        return mine  # the common case: one index range on (requester, created_at)
    # Lists of ids, no joins: an OR over a join with the requester made the planner
    # hash-join every ticket (bench/README.md, search at 1,000,000 tickets).
    colleagues = list(User.objects.filter(department_id=user.department_id)
                      .values_list("pk", flat=True))
    return tickets.filter(Q(requester_id=user.pk, contract_id__in=list(contracts))
                          | Q(requester_id__in=colleagues, contract_id__in=shared))


def ticket_get(*, user, pk: int | None = None, number: str | None = None) -> Ticket:
    """One ticket the user may see, with what its page shows; Ticket.DoesNotExist otherwise.
    Eleven relations joined to one row: planned with the joins in the order written
    (core.planner; 8.6 ms of planning against 1.9 ms at 1,000,000 tickets)."""
    lookup = {"pk": pk} if pk is not None else {"number": number}
    tickets = (tickets_visible_to(user)
               .select_related(*LIST_RELATED, "logged_by", "contract__project_manager",
                               "category__parent", "asset")
               .prefetch_related(Prefetch("clocks", queryset=Clock.objects.order_by("pk")))
               .filter(**lookup))
    ticket = one_row_as_written(tickets)
    if ticket is None:
        raise Ticket.DoesNotExist(pk if pk is not None else number)
    return ticket


def merged_survivor(user, ticket: Ticket) -> Ticket | None:
    """The ticket a merged one lives on in, if the user may see it (else None: they stay on
    the merged ticket's page, which says where it went)."""
    if ticket.merged_into_id is None:
        return None
    return tickets_visible_to(user).filter(pk=ticket.merged_into_id).only("pk", "number").first()


def _timeline(ticket, *, client_side: bool) -> QuerySet[Entry]:
    entries = Entry.objects.filter(ticket_id=ticket).select_related("author")
    return entries.filter(internal=False) if client_side else entries


# Read on every ticket page, compiled once per process (core.prepared): one for the staff, one
# for the client's side (no internal notes). A negative id is no ticket's.
TIMELINE = {client_side: PreparedQuery(partial(_timeline, client_side=client_side),
                                       ticket=-1_987_654_321)
            for client_side in (False, True)}


def ticket_timeline(*, user, ticket: Ticket) -> list[Entry]:
    """The work log as this user may read it: internal notes only for the provider's staff."""
    entries = TIMELINE[bool(user.is_client_side)].models(ticket=ticket.pk)
    for entry in entries:  # what ticket.entries would have given them
        entry.ticket = ticket
    # A ticket read for its page knows whether it has files at all (tickets.page): without
    # any, the entries' attachments are not asked for.
    attachments = (_attachments_for(user) if hooks.panel_flags.has(ticket, "attachments")
                   else Attachment.objects.none())
    prefetch_related_objects(entries, Prefetch("attachments", queryset=attachments))
    return entries


def ticket_attachments(*, user, ticket: Ticket) -> QuerySet[Attachment]:
    return _attachments_for(user).filter(ticket=ticket)


def _attachments_for(user) -> QuerySet[Attachment]:
    attachments = Attachment.objects.select_related("uploaded_by")
    if user.is_client_side:
        attachments = attachments.filter(internal=False)
    return attachments


def attachment_get(*, user, pk: int) -> Attachment:
    """An attachment of a ticket the user may see; internal ones only for staff."""
    return _attachments_for(user).get(pk=pk, ticket__in=tickets_visible_to(user))


def my_tickets(*, user, tab: str = "", q: str = "") -> QuerySet[Ticket]:
    """What an end user follows: the tickets they asked for (and their department's, if allowed),
    in one of MY_TABS (all when none) and containing ``q`` (ticket_search)."""
    tickets = tickets_visible_to(user)
    if tab in MY_TABS:
        tickets = tickets.filter(MY_TABS[tab])
    if q.strip():
        tickets = ticket_search(tickets, q, user=user)
    return for_list(tickets).order_by("-created_at")


# My tickets' status tabs (issue 15). "Waiting for me" is a subset of "open": the engineer has
# paused the ticket until the requester answers.
MY_TABS = {
    "open": Q(status__in=OPEN_STATUSES),
    "waiting": Q(status=Status.PENDING, pending_reason=PendingReason.USER),
    "resolved": Q(status=Status.RESOLVED),
    "closed": Q(status__in=[Status.CLOSED, Status.CANCELLED]),
}


@dataclass
class QueueFilters:
    view: str = "open"           # open | unassigned | mine | team | closed
    contract: str = ""
    site: int | None = None
    service_type: str = ""
    priority: int | None = None
    status: str = ""
    q: str = ""
    sort: str = "-created_at"


TICKET_NUMBER = re.compile(r"\d{4}-\d{6}")
QUEUE_SORTS = {"-created_at", "created_at", "priority", "-priority", "-updated_at", "sla_due_at"}


def ticket_list(*, user) -> QuerySet[Ticket]:
    """The tickets the queue page and the API list: scoped, with what a row shows. Their filters
    are tickets/filters.py's TicketFilterSet."""
    return for_list(tickets_visible_to(user))


def ticket_queue(*, user, filters: QueueFilters) -> QuerySet[Ticket]:
    """A queue view for the home pages (the queue page and the API filter with
    tickets/filters.py, which uses the same pieces below)."""
    tickets = queue_view(tickets_visible_to(user), user=user, view=filters.view)
    if filters.contract:
        tickets = tickets.filter(contract__code=filters.contract)
    if filters.site:
        tickets = tickets.filter(site_id=filters.site)
    if filters.service_type:
        tickets = tickets.filter(service_type__code=filters.service_type)
    if filters.priority:
        tickets = tickets.filter(priority=filters.priority)
    if filters.status:
        tickets = tickets.filter(status=filters.status)
    if filters.q:
        tickets = ticket_search(tickets, filters.q, user=user)
    return queue_order(for_list(tickets), filters.sort)


def queue_view(tickets: QuerySet[Ticket], *, user, view: str) -> QuerySet[Ticket]:
    """open (the default) | unassigned | mine | team (open ones) | closed (resolved and closed)."""
    if view == "closed":
        return tickets.exclude(status__in=OPEN_STATUSES)
    tickets = tickets.filter(status__in=OPEN_STATUSES)
    if view == "unassigned":
        tickets = tickets.filter(assignee__isnull=True)
    elif view == "mine":
        tickets = tickets.filter(assignee=user)
    elif view == "team":
        team = ContractMember.objects.filter(
            contract__in=contracts_visible_to(user)).values("user_id")
        tickets = tickets.filter(assignee__in=team)
    return tickets


# Search (issue 15): how many people or assets a term may name before the ticket query stops
# listing them (a term that matches more is too vague to narrow tickets by requester or device).
SEARCH_REFERENCE_CAP = 200
# pg_trgm serves LIKE '%q%' from an index only for three characters or more; a shorter term
# is looked up in the bigram index (tickets 0011) on the ticket's own text, not its timeline.
SEARCH_TIMELINE_MIN = 3
# More ids than this from the indexes: a common word, filtered row by row newest first.
SEARCH_COMMON = 2000
# A scope the planner expects to hold at most this many tickets (an end user's, a small
# contract's) is ANDed into each index lookup; a larger one is applied to the ids found. At a
# million tickets a larger scope cost more than it saved: an engineer's 250,000 tickets (the
# contract index's bitmap, ~50 ms), the desk's 49,000 open ones (the planner walked the open
# tickets' index instead of the term's, 140 ms).
SEARCH_SCOPE_SMALL = 20_000
NUMBER_PART = re.compile(r"[\d-]{2,}")


def ticket_search(tickets: QuerySet[Ticket], text: str, *, user=None) -> QuerySet[Ticket]:
    """Tickets whose number (whole or partial), title, description, replies, internal notes (the
    provider's staff only), requester (name, phone), contact phone or asset (tag, serial)
    contain ``text``, literally: %, _ and backslashes are plain characters (Django escapes
    them). The queue's ``q``, GET /api/tickets/?q=, My tickets and the global search share this.
    A term shorter than three characters is not looked for in the timeline.

    How PostgreSQL answers fast at a million tickets (bench/README.md): the term is first
    looked up in the indexes — trigram (tickets 0008) for three characters or more, the bigram
    array (0011) for two — one bitmap scan per column in a UNION ALL stopped at SEARCH_COMMON
    ids, the ticket columns within the caller's scope when it is small (the planner ANDs the
    term's bitmap with the requester's or contract's, so an end user's search reads only their
    matching rows). Fewer: the tickets are those ids. More (a common word; for two characters
    the bigram statistics tell beforehand): the tickets are filtered row by row newest first,
    which finds a page after a few thousand rows. As one OR of conditions the planner walks
    newest first whatever the term (seconds for a rare one); as an id list a common word would
    join a million rows. SQLite looks terms of three characters or more up in its FTS5
    trigram tables (tickets/search_fts.py) the same way."""
    q = text.strip()
    if not q:
        return tickets
    if TICKET_NUMBER.fullmatch(q):  # an exact number: one unique-index lookup, no scan
        return tickets.filter(number=q)
    own = [Q(title__icontains=q), Q(description__icontains=q), Q(contact_phone__contains=q)]
    others = [Q(number__contains=q)] if NUMBER_PART.fullmatch(q) else []
    people, devices = _referenced(q)
    if people:
        others.append(Q(requester_id__in=people))
    if devices:
        others.append(Q(asset_id__in=devices))
    entries = None
    if len(q) >= SEARCH_TIMELINE_MIN:
        entries = _readable(Entry.objects.filter(body__icontains=q), user)
    match = _any(own + others)
    if entries is not None:
        match |= Exists(entries.filter(ticket_id=OuterRef("pk")))
    scope_rows = _scope_rows(tickets)
    within = tickets if scope_rows <= SEARCH_SCOPE_SMALL else Ticket.objects.all()
    if connection.vendor == "postgresql" and scope_rows >= SEARCH_COMMON:
        # The index statistics say the term is common in the tickets' own text (卡纸 in 25,000
        # tickets, 打印机 in 50,000): the walk finds a page at once; looking up 2,000 ids first
        # would only add to it (65 ms for 打印机 at a million tickets, issue 19). The bigram
        # index for two characters, the trigram indexes for more. A scope expected to hold
        # fewer tickets than that cannot hold so many matches: no second estimate.
        text = BigramsContain(q) if len(q) < SEARCH_TIMELINE_MIN else _any(own)
        if _expected_rows(within.filter(text)) >= SEARCH_COMMON:
            return tickets.filter(match)
    found = _indexed_ids(within, q, own, others, entries, user)
    if len(found) < SEARCH_COMMON:
        return tickets.filter(pk__in=found)
    return tickets.filter(match)


def _indexed_ids(within: QuerySet[Ticket], q: str, own: list[Q], others: list[Q], entries,
                 user) -> list[int]:
    """Up to SEARCH_COMMON ids of tickets containing ``q``, each branch served by an index.

    With a small scope (_scope_rows) the ticket branches are taken ``within`` it:
    PostgreSQL ANDs the term's index bitmap with the scope's (requester, contract) and reads
    only the rows in both, so a word common in the whole table but not among an end user's
    tickets stays on this path. The timeline branch never is (joining entries to a scope costs
    more than it saves); the caller applies the scope to the ids."""
    vendor = connection.vendor
    if vendor == "postgresql" and len(q) >= SEARCH_TIMELINE_MIN:
        # One branch for the ticket's own text: a BitmapOr of the three trigram indexes, the
        # scope's bitmap built once, a ticket matching in its title and description counted once.
        own = [_any(own)]
    elif vendor == "postgresql":
        # The index finds the candidates; the conditions keep the exact semantics (the phone
        # is compared case-sensitively, the array holds upper-cased text).
        own = [Q(BigramsContain(q)) & _any(own)]
    elif vendor == "sqlite" and len(q) >= FTS_MIN:
        # Constant SQL; the term is a parameter.
        own = [Q(pk__in=RawSQL(ticket_ids_sql(), [fts_phrase(q)]))]  # noqa: S611
        if entries is not None:
            entries = _readable(Entry.objects.filter(
                pk__in=RawSQL(entry_ids_sql(), [fts_phrase(q)])), user)  # noqa: S611
    # order_by(): the models' default order would make each branch sort what it found.
    first, *branches = [within.filter(c).order_by().values_list("pk", flat=True)
                        for c in own + others]
    if entries is not None:
        branches.append(entries.order_by().values_list("ticket_id", flat=True))
    return list(first.union(*branches, all=True)[:SEARCH_COMMON])


def _scope_rows(tickets: QuerySet[Ticket]) -> float:
    """How many tickets the planner expects the scope to hold: its estimate (EXPLAIN, no
    execution, about a millisecond) rather than a count, which would read the scope's rows.
    Every ticket (no condition) counts as unbounded; on SQLite every scope as empty (an
    embedded database is small). At most SEARCH_SCOPE_SMALL: a small scope."""
    if not tickets.query.where:
        return math.inf
    if connection.vendor != "postgresql":
        return 0
    return _expected_rows(tickets)


def _expected_rows(tickets: QuerySet[Ticket]) -> float:
    """How many rows PostgreSQL's planner expects the queryset to return (EXPLAIN, nothing
    executed)."""
    if tickets.query.is_empty():
        return 0
    try:
        text = tickets.order_by().values("pk").explain(format="json")
    except EmptyResultSet:  # a condition that can match nothing (e.g. pk__in=[])
        return 0
    return json.loads(text)[0]["Plan"]["Plan Rows"] if text else 0


class BigramsContain(Func):
    """True when the ticket's bigram array (the expression of index ticket_bigrams, tickets
    0011) holds the two-character ``term``, upper-cased by PostgreSQL as icontains is."""

    template = "itsm_ticket_bigrams(%(expressions)s) @> ARRAY[UPPER(%(term)s)]::text[]"
    output_field = BooleanField()

    def __init__(self, term: str):
        super().__init__(F("title"), F("description"), F("contact_phone"))
        self.term = term

    def as_sql(self, compiler, connection, **extra):
        sql, params = super().as_sql(compiler, connection, term="%s", **extra)
        return sql, (*params, self.term)


def _readable(entries: QuerySet[Entry], user) -> QuerySet[Entry]:
    """The entries whose text the user may search: internal notes only for the provider's
    staff (no user: replies only)."""
    if getattr(user, "is_client_side", True):
        return entries.filter(internal=False)
    return entries


def _any(conditions: list[Q]) -> Q:
    match = Q()
    for condition in conditions:
        match |= condition
    return match


def _referenced(q: str) -> tuple[list[int], list[int]]:
    """The people (name, phone) and assets (tag, serial) ``q`` names, at most
    SEARCH_REFERENCE_CAP of each: their tickets match too."""
    people = list(User.objects.filter(Q(name__icontains=q) | Q(phone__contains=q))
                  .values_list("pk", flat=True)[:SEARCH_REFERENCE_CAP])
    # tickets names the asset model only through the foreign key (assets builds on tickets).
    asset_model = Ticket._meta.get_field("asset").related_model
    devices = list(asset_model.objects.filter(Q(tag__icontains=q) | Q(serial__icontains=q))
                   .values_list("pk", flat=True)[:SEARCH_REFERENCE_CAP])
    return people, devices


def queue_order(tickets: QuerySet[Ticket], sort: str) -> QuerySet[Ticket]:
    sort = sort if sort in QUEUE_SORTS else "-created_at"
    order = F("sla_due_at").asc(nulls_last=True) if sort == "sla_due_at" else sort
    return tickets.order_by(order, "-pk")


def open_tickets_of(*, user, requester: User, limit: int = 10) -> list[Ticket]:
    """The caller's open tickets, shown while logging a call so duplicates are caught."""
    return list(tickets_visible_to(user).filter(requester=requester, status__in=OPEN_STATUSES)
                .select_related("service_type", "assignee").order_by("-created_at")[:limit])


def engineer_workload(*, user) -> list[dict]:
    """Open tickets per engineer of the contracts the user sees, for dispatching: rows of
    ``name`` and ``open``. Cached for 30 s: it counts every open ticket of those engineers, too
    much for each page view. Plain values, not User models: the cache pickles what it keeps,
    and unpickling fifty people on every queue page cost more than showing their names."""
    key = f"workload:{user.pk}"
    rows = cache.get(key)
    if rows is None:
        rows = _engineer_workload(user)
        cache.set(key, rows, 30)
    return rows


def _engineer_workload(user) -> list[dict]:
    contracts = contracts_visible_to(user)
    engineers = (User.objects.filter(
        contract_memberships__contract__in=contracts,
        contract_memberships__duty__in=[ContractMember.Duty.ENGINEER,
                                        ContractMember.Duty.SECOND_LINE],
        is_active=True).distinct())
    load = dict(Ticket.objects.filter(status__in=OPEN_STATUSES, assignee__in=engineers)
                .values_list("assignee").annotate(n=Count("pk")).values_list("assignee", "n"))
    people = sorted((load.get(pk, 0), names)
                    for pk, *names in engineers.values_list("pk", *PERSON_NAME_FIELDS))
    # The least loaded first, then by name (ties in both keep the order of their columns).
    return [{"name": User.name_shown(*names), "open": count} for count, names in people]


def assignable_engineers(*, contract) -> QuerySet[User]:
    """People a ticket of this contract can be dispatched to: its engineers and desk."""
    return (User.objects.filter(contract_memberships__contract=contract, is_active=True,
                                contract_memberships__duty__in=[
                                    ContractMember.Duty.ENGINEER,
                                    ContractMember.Duty.SECOND_LINE,
                                    ContractMember.Duty.AGENT])
            .order_by("name"))


# The people the ticket page's forms offer, read on every ticket page: compiled once per
# process (core.prepared). A negative id is no contract's.
ASSIGNABLE_ENGINEERS = PreparedQuery(lambda contract: assignable_engineers(contract=contract),
                                     contract=-1_987_654_321)
SECOND_LINE_ENGINEERS = PreparedQuery(lambda contract: second_line_engineers(contract=contract),
                                      contract=-1_987_654_321)


def assignable_engineer_rows(*, contract) -> list[User]:
    """assignable_engineers as rows, read once per request scope (core.batch): the ticket
    page's dispatch and visit forms offer the same people."""
    pk = getattr(contract, "pk", contract)
    return batch.remember(("tickets.assignable_engineers", pk),
                          lambda: ASSIGNABLE_ENGINEERS.models(contract=pk))


def second_line_engineer_rows(*, contract) -> list[User]:
    """second_line_engineers as rows: what the escalation form offers."""
    return SECOND_LINE_ENGINEERS.models(contract=getattr(contract, "pk", contract))


def _bulk_assignees_of(contracts) -> QuerySet[User]:
    return (User.objects.filter(contract_memberships__contract__in=contracts, is_active=True,
                                contract_memberships__duty__in=[
                                    ContractMember.Duty.ENGINEER,
                                    ContractMember.Duty.SECOND_LINE,
                                    ContractMember.Duty.AGENT])
            .distinct().order_by("name"))


def bulk_assignees(*, user) -> QuerySet[User]:
    """Whom the queue's bulk bar offers: the team of every contract the user sees (each row
    still checks its own contract's team)."""
    return _bulk_assignees_of(contracts_visible_to(user))


# The bar's options (id and name columns) on every queue page: compiled once per rule of
# contract_scope (core.prepared), with the same markers as the contracts' codes.
BULK_ASSIGNEE_ROWS = {
    scope: PreparedQuery(lambda scope=scope, **values: _bulk_assignees_of(
        contracts_in_scope(scope, **values)).values_list("pk", *PERSON_NAME_FIELDS), **markers)
    for scope, markers in CONTRACT_SCOPE_MARKERS.items()}


def bulk_assignee_rows(*, user) -> list[tuple]:
    """bulk_assignees(user=user) as (id, *PERSON_NAME_FIELDS) rows, by name."""
    scope, values = contract_scope(user)
    return BULK_ASSIGNEE_ROWS[scope].rows(**values) if scope != "none" else []


def second_line_engineers(*, contract) -> QuerySet[User]:
    return User.objects.filter(contract_memberships__contract=contract, is_active=True,
                               contract_memberships__duty=ContractMember.Duty.SECOND_LINE)


def categories() -> QuerySet[Category]:
    return Category.objects.filter(active=True).select_related("parent", "service_type")


# --- canned replies (issue 15.5) ---------------------------------------------------------------
def canned_replies_manageable(*, user) -> QuerySet[CannedReply]:
    """The replies a manager of replies sees: shared ones and those of their contracts."""
    contracts = list(contracts_visible_to(user).values_list("pk", flat=True))
    return (CannedReply.objects.filter(Q(contract__isnull=True) | Q(contract_id__in=contracts))
            .select_related("contract", "updated_by"))


def canned_replies_for(*, ticket: Ticket) -> QuerySet[CannedReply]:
    """The active replies one may pick on this ticket: shared ones and its contract's."""
    return CannedReply.objects.filter(
        Q(contract__isnull=True) | Q(contract_id=ticket.contract_id), active=True)


def resolution_template_for(*, ticket: Ticket) -> ResolutionTemplate | None:
    """The template of the ticket's category, or else of its parent category."""
    if ticket.category_id is None:
        return None
    templates = {t.category_id: t for t in ResolutionTemplate.objects.filter(
        category_id__in=[ticket.category_id, ticket.category.parent_id])}
    return templates.get(ticket.category_id) or templates.get(ticket.category.parent_id)


# A link read from its target's side: (stored kind) → (kind seen from there, label).
LINK_INVERSE = {
    TicketLink.Kind.RELATED: ("related", _("Related to")),
    TicketLink.Kind.DUPLICATE_OF: ("duplicated_by", _("Has duplicate")),
    TicketLink.Kind.CAUSED_BY: ("causes", _("Caused")),
    TicketLink.Kind.CHILD_OF: ("parent_of", _("Parent of")),
}
# Every kind a caller may name, from the ticket's own side: → (stored kind, stored reversed).
LINK_KINDS = {
    **{kind: (kind, False) for kind in TicketLink.Kind.values},
    **{seen: (stored, True) for stored, (seen, _label) in LINK_INVERSE.items()
       if seen != stored},
}

LINK_KIND_NAMES = list(LINK_KINDS)  # the API's enum of relation names


@dataclass
class LinkRow:
    link: TicketLink
    kind: str
    label: str
    ticket: Ticket


def ticket_links(*, user, ticket: Ticket) -> list[LinkRow]:
    """The ticket's links both ways, each worded from this ticket's side; a link to a ticket
    the user may not see is left out. Two queries, none for a ticket read for its page that
    has no links (tickets.page)."""
    if not (hooks.panel_flags.has(ticket, "links_out")
            or hooks.panel_flags.has(ticket, "links_in")):
        return []
    visible = tickets_visible_to(user)
    rows = [LinkRow(link, link.kind, str(link.get_kind_display()), link.target)
            for link in TicketLink.objects.filter(source=ticket, target__in=visible)
            .select_related("target")]
    rows += [LinkRow(link, LINK_INVERSE[link.kind][0], str(LINK_INVERSE[link.kind][1]),
                     link.source)
             for link in TicketLink.objects.filter(target=ticket, source__in=visible)
             .select_related("source")]
    return sorted(rows, key=lambda row: (row.link.created_at, row.link.pk))


def ticket_link_get(*, user, ticket: Ticket, pk: int) -> TicketLink:
    """One link of this ticket whose other end the user may see; DoesNotExist otherwise."""
    if not 0 < pk <= ID_MAX:
        raise TicketLink.DoesNotExist
    visible = tickets_visible_to(user)
    return TicketLink.objects.get(Q(source=ticket, target__in=visible)
                                  | Q(target=ticket, source__in=visible), pk=pk)
