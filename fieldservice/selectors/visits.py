"""Reading visits (issue 16): a ticket's visits, the engineer's day, the arrival-proof figure.

Every reader starts from the tickets the person may see (tickets.selectors), so a visit is
never shown outside its ticket's scope."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from assets.models import StockMovement
from core.lookups import InIdList
from core.prepared import PreparedQuery, one_row
from fieldservice.models import LocationCheck, Visit
from tickets.models import Ticket
from tickets.selectors import tickets_visible_to

# How many earlier tickets of the device the engineer's day shows.
ASSET_HISTORY = 3
# Arrival with proof (the KPI and Visit.has_proof): a position at the site, a matching label
# or a photo.
PROOF_Q = (Q(location_check=LocationCheck.IN_RANGE) | Q(tag_matches=True)
           | Q(photo__isnull=False))


def ticket_visits(*, user, ticket: Ticket) -> list[Visit]:
    """tickets.hooks.ticket_visits: the ticket's visits, for anyone who sees the ticket. The
    callers (the ticket page and API) pass a ticket read through tickets_visible_to(user)."""
    return list(Visit.objects.filter(ticket=ticket).select_related("engineer", "photo")
                .order_by("checked_in_at", "planned_at", "pk"))


def open_visit_of(*, engineer, ticket: Ticket) -> Visit | None:
    """The engineer's visit on this ticket that is checked in and not yet out."""
    return (Visit.objects.filter(ticket=ticket, engineer=engineer, checked_in_at__isnull=False,
                                 checked_out_at__isnull=True)
            .order_by("-checked_in_at", "-pk").first())


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def engineer_day(*, user, day: date) -> list[Visit]:
    """The engineer's visits of the day in order (planned or checked in that day, and any
    still on site), each with what the phone shows: the site, the requester's phone, the
    device with its last tickets (`asset_history`) and the parts issued (`parts`). A constant
    number of queries however many visits."""
    start, end = _day_bounds(day)
    visits = list(
        Visit.objects.filter(engineer=user, ticket__in=tickets_visible_to(user))
        .filter(Q(planned_at__gte=start, planned_at__lt=end)
                | Q(checked_in_at__gte=start, checked_in_at__lt=end)
                | Q(checked_in_at__isnull=False, checked_out_at__isnull=True))
        .select_related("ticket__site", "ticket__requester", "ticket__asset__site",
                        "ticket__asset__asset_type", "ticket__contract")
        .order_by("planned_at", "checked_in_at", "pk"))
    # Planned first by time; a visit never planned sorts by its check-in.
    visits.sort(key=lambda v: (v.planned_at or v.checked_in_at or start, v.pk))
    ticket_ids = {v.ticket_id for v in visits}
    asset_ids = {v.ticket.asset_id for v in visits if v.ticket.asset_id}
    history = defaultdict(list)
    if asset_ids:
        # The last few per device in one query (a window numbering each device's tickets).
        earlier = (tickets_visible_to(user).filter(asset_id__in=asset_ids)
                   .exclude(pk__in=ticket_ids)
                   .only("pk", "number", "title", "status", "created_at", "asset_id")
                   .annotate(n=Window(RowNumber(), partition_by=[F("asset_id")],
                                      order_by=[F("created_at").desc(), F("pk").desc()]))
                   .filter(n__lte=ASSET_HISTORY).order_by("asset_id", "n"))
        for row in earlier:
            history[row.asset_id].append(row)
    parts = defaultdict(list)
    for move in (StockMovement.objects.filter(ticket_id__in=ticket_ids)
                 .select_related("part").order_by("created_at", "pk")):
        parts[move.ticket_id].append(move)
    for visit in visits:
        visit.asset_history = history.get(visit.ticket.asset_id, [])
        visit.parts = parts.get(visit.ticket_id, [])
        visit.site = visit.ticket.site or (visit.ticket.asset.site if visit.ticket.asset_id
                                           else None)
        visit.phone = visit.ticket.contact_phone or visit.ticket.requester.phone
    return visits


def checked_in_visits(*, contract_ids, start: date, end: date,
                      engineer_ids=None) -> QuerySet[Visit]:
    """Visits checked in on days start..end (inclusive, local days) on the contracts, by the
    engineers when given. Reads the visits alone (their copied contract), never the tickets."""
    first, _ = _day_bounds(start)
    _, last = _day_bounds(end)
    visits = Visit.objects.filter(contract_id__in=contract_ids, checked_in_at__gte=first,
                                  checked_in_at__lt=last)
    if engineer_ids is not None:
        visits = visits.filter(engineer_id__in=engineer_ids)
    return visits


def _arrival_proof_query(*, with_engineers: bool) -> PreparedQuery:
    def build(contracts, first, last, engineers=None):
        visits = Visit.objects.filter(InIdList(F("contract_id"), contracts),
                                      checked_in_at__gte=first, checked_in_at__lt=last)
        if with_engineers:
            visits = visits.filter(InIdList(F("engineer_id"), engineers))
        return one_row(visits, checked_in=Count("pk"), with_proof=Count("pk", filter=PROOF_Q))
    # Markers (core.prepared): no negative ids, no visit in 1901.
    markers = {"contracts": [-1_987_670_001], "first": datetime(1901, 1, 5, tzinfo=UTC),
               "last": datetime(1901, 1, 6, tzinfo=UTC)}
    if with_engineers:
        markers["engineers"] = [-1_987_670_002]
    return PreparedQuery(build, **markers)


# checked_in_visits' aggregate, compiled once per process (core.prepared, issue 19): with the
# engineers of a scope, or for all.
_ARRIVAL_PROOF = {with_engineers: _arrival_proof_query(with_engineers=with_engineers)
                  for with_engineers in (False, True)}


def arrival_proof(*, contract_ids, start: date, end: date, engineer_ids=None) -> dict:
    """Arrival with proof (the KPI): check-ins of the period, how many came with proof, and
    their rate (None without check-ins): one aggregate query on the visits, the visits of
    checked_in_visits()."""
    first, _ = _day_bounds(start)
    _, last = _day_bounds(end)
    values = {"contracts": list(contract_ids), "first": first, "last": last}
    if engineer_ids is not None:
        values["engineers"] = list(engineer_ids)
    [row] = _ARRIVAL_PROOF[engineer_ids is not None].dicts(**values)
    rate = row["with_proof"] / row["checked_in"] if row["checked_in"] else None
    return {"checked_in": row["checked_in"], "with_proof": row["with_proof"], "rate": rate}
