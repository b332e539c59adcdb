"""Read queries for the spare-part store and loaner devices, scoped by role and contract.

Who reads: the store's keepers (MANAGE_STORE), engineers (WORK_TICKETS, read-only) and those
who read the asset register (SEE_ASSETS), on their own contracts. End users do not.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import (
    BooleanField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from assets.models import (
    Asset,
    AssetStatus,
    Loan,
    Part,
    RestockRequest,
    StockLocation,
    StockMovement,
)
from assets.permissions import may_manage_store, may_read_store
from core.clock import now
from sla.models import Contract
from sla.selectors import contracts_visible_to
from tickets import hooks


def store_contracts(user) -> QuerySet[Contract]:
    """The contracts whose store a person may read (none for end users and anonymous)."""
    if not may_read_store(user):
        return Contract.objects.none()
    return contracts_visible_to(user)


def _total_subquery():
    return Coalesce(
        Subquery(StockMovement.objects.filter(part=OuterRef("pk")).order_by()
                 .values("part").annotate(total=Sum("quantity")).values("total")[:1],
                 output_field=IntegerField()),
        Value(0))


def parts_visible_to(user) -> QuerySet[Part]:
    """Parts of the contracts a person may read, each with `total` (stock over all locations)
    and `below_minimum`, computed in the same query."""
    return (Part.objects.filter(contract__in=store_contracts(user))
            .annotate(total=_total_subquery())
            .annotate(below_minimum=ExpressionWrapper(Q(total__lt=F("min_level")),
                                                      output_field=BooleanField())))


def parts_search(parts: QuerySet[Part], query: str) -> QuerySet[Part]:
    query = (query or "").strip()[:100]
    if not query:
        return parts
    return parts.filter(Q(code__icontains=query) | Q(name__icontains=query)
                        | Q(compatible_models__icontains=query))


def part_balances(parts) -> dict[int, dict[int, int]]:
    """Stock per part per location in one aggregate query: {part id: {location id: quantity}}.
    Locations with no movement are absent (0)."""
    ids = parts.values("pk") if isinstance(parts, QuerySet) else [p.pk for p in parts]
    rows = (StockMovement.objects.filter(part_id__in=ids).order_by()
            .values("part_id", "location_id").annotate(quantity=Sum("quantity")))
    balances: dict[int, dict[int, int]] = defaultdict(dict)
    for row in rows:
        balances[row["part_id"]][row["location_id"]] = row["quantity"]
    return dict(balances)


def locations_of(contract_ids) -> dict[int, list[StockLocation]]:
    """Stores per contract: {contract id: [locations by name]} in one query."""
    result: dict[int, list[StockLocation]] = defaultdict(list)
    for location in StockLocation.objects.filter(contract_id__in=contract_ids).order_by("name"):
        result[location.contract_id].append(location)
    return dict(result)


def with_stock(parts: list[Part]) -> list[Part]:
    """Give each part `stock`: [(location, quantity)] over its contract's stores, in two queries
    whatever the number of parts."""
    balances = part_balances(parts)
    locations = locations_of({p.contract_id for p in parts})
    for part in parts:
        mine = balances.get(part.pk, {})
        part.stock = [(location, mine.get(location.pk, 0))
                      for location in locations.get(part.contract_id, [])]
    return parts


def part_get(*, user, pk: int) -> Part:
    """One readable part with its stock; Part.DoesNotExist otherwise (→ 404)."""
    part = parts_visible_to(user).select_related("contract").get(pk=pk)
    return with_stock([part])[0]


def part_ledger(part: Part) -> QuerySet[StockMovement]:
    """The ledger, newest first, with what a row shows."""
    return (part.movements.select_related("location", "ticket", "asset", "actor", "bad_part")
            .order_by("-created_at", "-pk"))


def movement_get(*, user, pk: int) -> StockMovement:
    return (StockMovement.objects.filter(part__contract__in=store_contracts(user))
            .select_related("part__contract").get(pk=pk))


def movements_for_ticket(ticket) -> QuerySet[StockMovement]:
    """The parts issued to (and returned from) a ticket, with the bad part recorded, if any."""
    return (StockMovement.objects.filter(ticket=ticket)
            .select_related("part", "location", "actor", "bad_part", "asset")
            .order_by("created_at", "pk"))


def loans_for_ticket(ticket) -> QuerySet[Loan]:
    return Loan.objects.filter(ticket=ticket).select_related("asset", "borrower").order_by(
        "lent_at", "pk")


def ticket_store_context(*, user, ticket) -> dict:
    """What templates/assets/store/_ticket_parts.html expects, empty for people who may not read
    the store (the ticket page shows it to everyone who sees the ticket); `ticket_store_manage`
    shows the loan return button to store keepers."""
    if not may_read_store(user):
        return {"ticket_parts": [], "ticket_loans": [], "ticket_store_manage": False}
    # A ticket read for its page says whether it has parts or loans at all (issue 19).
    has = hooks.panel_flags.has
    return {"ticket_parts": list(movements_for_ticket(ticket))
            if has(ticket, "part_movements") else [],
            "ticket_loans": list(loans_for_ticket(ticket)) if has(ticket, "loans") else [],
            "ticket_store_manage": may_manage_store(user)}


def restock_open(user) -> QuerySet[RestockRequest]:
    """Open restock requests of the user's contracts, most urgent first, `overdue` flagged."""
    return (RestockRequest.objects
            .filter(status=RestockRequest.Status.OPEN, part__contract__in=store_contracts(user))
            .select_related("part__contract")
            .annotate(overdue=ExpressionWrapper(Q(due_at__lt=now()),
                                                output_field=BooleanField()))
            .order_by("due_at", "pk"))


def loans_visible_to(user) -> QuerySet[Loan]:
    return Loan.objects.filter(asset__contract__in=store_contracts(user))


def loans_open(user) -> QuerySet[Loan]:
    """Devices out on loan, soonest due first, `overdue` when the return date has passed."""
    return (loans_visible_to(user).filter(returned_at__isnull=True)
            .select_related("asset__contract", "ticket", "borrower", "lent_by")
            .annotate(overdue=ExpressionWrapper(Q(due_back__lt=now().date()),
                                                output_field=BooleanField()))
            .order_by("due_back", "pk"))


def spare_devices(user) -> QuerySet[Asset]:
    """Spare devices of the user's contracts that are not out on loan: what may be lent."""
    on_loan = Loan.objects.filter(returned_at__isnull=True).values("asset_id")
    return (Asset.objects.filter(contract__in=store_contracts(user), status=AssetStatus.SPARE)
            .exclude(pk__in=on_loan).select_related("contract").order_by("tag", "pk"))
