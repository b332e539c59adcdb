"""Spare-part store (备件库, A7) and loaner devices (备用机): the changes, one transaction each.

Stock is the sum of the append-only ledger (StockMovement). Every outbound movement locks the
part's row first, so two engineers taking the last disk at the same moment queue up and the
second one is refused instead of driving the balance below zero (PostgreSQL; SQLite serialises
writers anyway).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.roles import Capability, can
from assets.models import (
    Asset,
    AssetStatus,
    BadPart,
    Loan,
    Part,
    RestockRequest,
    StockLocation,
    StockMovement,
)
from core.clock import now
from core.errors import ActionRefused, InvalidInput, PermissionRefused
from core.periods import today as local_today
from notifications.services import notification_enqueue
from sla.selectors import contracts_visible_to
from tickets.models import OPEN_STATUSES

Kind = StockMovement.Kind
NOTE_MAX = StockMovement._meta.get_field("note").max_length


# --- checks --------------------------------------------------------------------------------------
def _require(actor, contract) -> None:
    if not can(actor, Capability.MANAGE_STORE):
        raise PermissionRefused(_("You may not change the spare-part store."))
    if not contracts_visible_to(actor).filter(pk=contract.pk).exists():
        raise PermissionRefused(_("Contract %(code)s is not one of yours.")
                                    % {"code": contract.code})


def _quantity(quantity) -> int:
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
        raise InvalidInput(_("The quantity must be a whole number of at least 1."),
                           field="quantity")
    return quantity


def _location(part: Part, location: StockLocation) -> None:
    if location.contract_id != part.contract_id:
        raise InvalidInput(_("%(location)s is not a store of contract %(code)s.")
                           % {"location": location.name, "code": part.contract.code},
                           field="location")


def _ticket_of_part(part: Part, ticket, *, must_be_open: bool) -> None:
    if ticket is None:
        raise InvalidInput(_("Give the ticket the part is for."), field="ticket")
    if ticket.contract_id != part.contract_id:
        raise InvalidInput(_("Ticket %(number)s belongs to another contract.")
                           % {"number": ticket.number}, field="ticket")
    if must_be_open and ticket.status not in OPEN_STATUSES:
        raise InvalidInput(_("Ticket %(number)s is %(status)s: parts go only to open tickets.")
                           % {"number": ticket.number, "status": ticket.get_status_display()},
                           field="ticket")


def _note(note: str) -> str:
    return (note or "").strip()[:NOTE_MAX]


def _locked_part(part: Part) -> Part:
    """The part's row, locked until the end of the transaction: the one place where concurrent
    movements of a part queue up, so the balance read after it is the true one."""
    return Part.objects.select_for_update().select_related("contract").get(pk=part.pk)


def balance_at(part: Part, location: StockLocation) -> int:
    return StockMovement.objects.filter(part=part, location=location).aggregate(
        total=Coalesce(Sum("quantity"), 0))["total"]


def balance_total(part: Part) -> int:
    return StockMovement.objects.filter(part=part).aggregate(
        total=Coalesce(Sum("quantity"), 0))["total"]


def _take(part: Part, location: StockLocation, quantity: int) -> None:
    """Refuse when taking `quantity` would leave the location below zero (part row locked)."""
    have = balance_at(part, location)
    if have < quantity:
        raise InvalidInput(
            _("Only %(have)d %(unit)s of %(code)s in %(location)s; cannot take %(want)d.")
            % {"have": have, "unit": part.unit, "code": part.code, "location": location.name,
               "want": quantity}, field="quantity")


def _move(part, location, kind, quantity, actor, *, ticket=None, asset_id=None, note="",
          moment=None) -> StockMovement:
    return StockMovement.objects.create(
        part=part, location=location, kind=kind, quantity=quantity, ticket=ticket,
        asset_id=asset_id, actor=actor, note=_note(note), created_at=moment or now())


# --- stock ---------------------------------------------------------------------------------------
@transaction.atomic
def stock_receive(*, actor, part: Part, location: StockLocation, quantity: int,
                  note: str = "") -> StockMovement:
    """Parts arrive in a store (purchase, vendor swap); may fulfil the open restock request."""
    part = _locked_part(part)
    _require(actor, part.contract)
    _location(part, location)
    movement = _move(part, location, Kind.RECEIVE, _quantity(quantity), actor, note=note)
    _restock_close(part, received=True)
    return movement


@transaction.atomic
def stock_issue(*, actor, part: Part, location: StockLocation, quantity: int, ticket,
                asset=None, note: str = "") -> StockMovement:
    """Parts go out to an open ticket of the part's contract; never more than the store holds."""
    part = _locked_part(part)
    _require(actor, part.contract)
    _location(part, location)
    quantity = _quantity(quantity)
    _ticket_of_part(part, ticket, must_be_open=True)
    if asset is not None and asset.contract_id != part.contract_id:
        raise InvalidInput(_("Asset %(asset)s belongs to another contract.")
                           % {"asset": asset.tag or asset.name}, field="asset")
    _take(part, location, quantity)
    # Without a device named, the part went into the ticket's own device, if it has one.
    movement = _move(part, location, Kind.ISSUE, -quantity, actor, ticket=ticket,
                     asset_id=asset.pk if asset is not None else ticket.asset_id, note=note)
    restock_check(part)
    return movement


@transaction.atomic
def stock_return_unused(*, actor, part: Part, location: StockLocation, quantity: int, ticket,
                        note: str = "") -> StockMovement:
    """A part taken for a ticket comes back unused (at most what the ticket still holds)."""
    part = _locked_part(part)
    _require(actor, part.contract)
    _location(part, location)
    quantity = _quantity(quantity)
    _ticket_of_part(part, ticket, must_be_open=False)
    held = -StockMovement.objects.filter(
        part=part, ticket=ticket, kind__in=[Kind.ISSUE, Kind.RETURN_UNUSED]).aggregate(
        total=Coalesce(Sum("quantity"), 0))["total"]
    if quantity > held:
        raise InvalidInput(
            _("Ticket %(number)s holds %(held)d of %(code)s; cannot return %(want)d.")
            % {"number": ticket.number, "held": held, "code": part.code, "want": quantity},
            field="quantity")
    movement = _move(part, location, Kind.RETURN_UNUSED, quantity, actor, ticket=ticket,
                     note=note)
    _restock_close(part, received=False)
    return movement


@transaction.atomic
def stock_transfer(*, actor, part: Part, source: StockLocation, target: StockLocation,
                   quantity: int, note: str = "") -> tuple[StockMovement, StockMovement]:
    """Move stock between two stores of the contract: two ledger rows, same moment."""
    part = _locked_part(part)
    _require(actor, part.contract)
    _location(part, source)
    _location(part, target)
    if source.pk == target.pk:
        raise InvalidInput(_("Choose two different stores."), field="target")
    quantity = _quantity(quantity)
    _take(part, source, quantity)
    moment = now()
    out = _move(part, source, Kind.TRANSFER_OUT, -quantity, actor, note=note, moment=moment)
    into = _move(part, target, Kind.TRANSFER_IN, quantity, actor, note=note, moment=moment)
    return out, into


@transaction.atomic
def stock_write_off(*, actor, part: Part, location: StockLocation, quantity: int,
                    note: str) -> StockMovement:
    """Stock that is lost or broken in the store leaves the ledger with a reason."""
    part = _locked_part(part)
    _require(actor, part.contract)
    _location(part, location)
    quantity = _quantity(quantity)
    if not _note(note):
        raise InvalidInput(_("Say why the stock is written off."), field="note")
    _take(part, location, quantity)
    movement = _move(part, location, Kind.WRITE_OFF, -quantity, actor, note=note)
    restock_check(part)
    return movement


@transaction.atomic
def stock_count_correction(*, actor, part: Part, location: StockLocation, counted: int,
                           note: str) -> StockMovement | None:
    """A stock-take: the difference to the ledger is recorded as a correction row (no row is
    ever edited). Returns None when the count matches."""
    part = _locked_part(part)
    _require(actor, part.contract)
    _location(part, location)
    if not isinstance(counted, int) or isinstance(counted, bool) or counted < 0:
        raise InvalidInput(_("The counted quantity must be a whole number, 0 or more."),
                           field="counted")
    if not _note(note):
        raise InvalidInput(_("Say who counted and why the figures differ."), field="note")
    difference = counted - balance_at(part, location)
    if difference == 0:
        return None
    movement = _move(part, location, Kind.COUNT_CORRECTION, difference, actor, note=note)
    if difference < 0:
        restock_check(part)
    else:
        _restock_close(part, received=False)
    return movement


@transaction.atomic
def bad_part_record(*, actor, issue: StockMovement, serial: str, disposition: str,
                    note: str = "") -> BadPart:
    """Where the faulty part taken out went. A part that holds data (a disk) stays with the
    client: the only disposition allowed for it is kept_by_client."""
    issue = (StockMovement.objects.select_for_update(of=("self",))
             .select_related("part__contract").get(pk=issue.pk))
    part = issue.part
    _require(actor, part.contract)
    if issue.kind != Kind.ISSUE:
        raise ActionRefused(_("A bad part is recorded against an issue to a ticket."))
    if disposition not in BadPart.Disposition.values:
        raise ActionRefused(_("Choose where the bad part went."))
    if part.holds_data and disposition != BadPart.Disposition.KEPT_BY_CLIENT:
        raise ActionRefused(
            _("%(code)s holds data: the replaced part stays with the client (disposition: "
              "kept by the client).") % {"code": part.code})
    if BadPart.objects.filter(issue=issue).exists():
        raise ActionRefused(_("The bad part of this issue is already recorded."))
    try:
        with transaction.atomic():
            return BadPart.objects.create(issue=issue, serial=(serial or "").strip()[:100],
                                          disposition=disposition, note=_note(note),
                                          actor=actor, created_at=now())
    except IntegrityError:
        raise ActionRefused(_("The bad part of this issue is already recorded.")) from None


# --- restock -------------------------------------------------------------------------------------
@transaction.atomic
def restock_check(part: Part) -> RestockRequest | None:
    """After stock leaves (and nightly, restock_sweep): below the minimum with no open request
    → raise one, due in the part's lead time, and tell the contract's project manager once."""
    part = _locked_part(part)
    if part.min_level == 0 or not part.active:
        return None
    balance = balance_total(part)
    if balance >= part.min_level:
        return None
    if RestockRequest.objects.filter(part=part, status=RestockRequest.Status.OPEN).exists():
        return None
    moment = now()
    # Refill to twice the minimum, so one more fault does not trigger the next request at once.
    request = RestockRequest.objects.create(
        part=part, quantity=max(part.min_level * 2 - balance, 1), raised_at=moment,
        due_at=moment + timedelta(days=part.restock_days))
    _notify_restock(request, balance)
    return request


def restock_sweep() -> int:
    """Nightly (assets.tasks.restock_check_all): every active part of a contract still in force
    that is below its minimum with no open request gets one — a part registered below its
    minimum, a minimum raised, a request cancelled while stock stayed low — not only the parts
    whose stock just moved. Each goes through restock_check (part locked, checked again), so a
    part never has two open requests and a second run raises nothing. Returns how many."""
    below = (Part.objects.filter(active=True, min_level__gt=0,
                                 contract__ends_on__gte=local_today())
             .exclude(restock_requests__status=RestockRequest.Status.OPEN)
             .annotate(stock=Coalesce(Sum("movements__quantity"), 0))
             .filter(stock__lt=F("min_level"))
             .order_by("pk"))
    return sum(restock_check(part) is not None for part in below)


def _notify_restock(request: RestockRequest, balance: int) -> None:
    part = request.part
    manager = part.contract.project_manager
    if manager is None:
        return
    with translation.override(manager.language or settings.LANGUAGE_CODE):
        subject = _("Restock %(code)s %(name)s (%(contract)s) by %(due)s") % {
            "code": part.code, "name": part.name, "contract": part.contract.code,
            "due": request.due_at.date().isoformat()}
        body = _("Stock of %(code)s %(name)s is %(balance)d %(unit)s, below the minimum of "
                 "%(min)d. Please restock %(quantity)d %(unit)s by %(due)s.\n\n%(url)s\n") % {
            "code": part.code, "name": part.name, "balance": balance, "unit": part.unit,
            "min": part.min_level, "quantity": request.quantity,
            "due": request.due_at.date().isoformat(),
            "url": settings.SITE_URL + reverse("assets:part", args=[part.pk])}
    notification_enqueue(recipient=manager, event="store.restock", subject=subject, body=body,
                         dedupe_key=f"store.restock:{request.pk}")


def _restock_close(part: Part, *, received: bool) -> None:
    """Stock back at or above the minimum closes the open request: fulfilled by a receipt,
    cancelled (no longer needed) when a return or a count brought it back."""
    if balance_total(part) < part.min_level:
        return
    status = RestockRequest.Status.FULFILLED if received else RestockRequest.Status.CANCELLED
    RestockRequest.objects.filter(part=part, status=RestockRequest.Status.OPEN).update(
        status=status, closed_at=now())


# --- loaner devices ------------------------------------------------------------------------------
@transaction.atomic
def loan_lend(*, actor, asset, ticket, borrower, due_back, note: str = "") -> Loan:
    """Lend a spare device of the ticket's contract to a person of the client while theirs is
    repaired. One open loan per device (a database constraint backs the check)."""
    asset = Asset.objects.select_for_update().select_related("contract").get(pk=asset.pk)
    _require(actor, ticket.contract)
    if asset.contract_id != ticket.contract_id:
        raise InvalidInput(_("Device %(asset)s belongs to another contract.")
                           % {"asset": asset.tag or asset.name}, field="asset")
    if asset.status != AssetStatus.SPARE:
        raise InvalidInput(_("Device %(asset)s is not a spare; only spare devices are "
                             "lent.") % {"asset": asset.tag or asset.name}, field="asset")
    if ticket.status not in OPEN_STATUSES:
        raise InvalidInput(_("Ticket %(number)s is not open.") % {"number": ticket.number},
                           field="ticket")
    if borrower is None or not borrower.is_active or (
            borrower.organisation_id != ticket.contract.client_id):
        raise InvalidInput(_("The borrower must be a person of the contract's client."),
                           field="borrower")
    if due_back < now().date():
        raise InvalidInput(_("The return date is in the past."), field="due_back")
    if Loan.objects.filter(asset=asset, returned_at__isnull=True).exists():
        raise ActionRefused(_("Device %(asset)s is already on loan.")
                                % {"asset": asset.tag or asset.name})
    try:
        with transaction.atomic():
            return Loan.objects.create(asset=asset, ticket=ticket, borrower=borrower,
                                       lent_by=actor, lent_at=now(), due_back=due_back,
                                       note=_note(note))
    except IntegrityError:
        raise ActionRefused(_("Device %(asset)s is already on loan.")
                                % {"asset": asset.tag or asset.name}) from None


@transaction.atomic
def loan_return(*, actor, loan: Loan, note: str = "") -> Loan:
    loan = Loan.objects.select_for_update(of=("self",)).select_related(
        "asset__contract").get(pk=loan.pk)
    _require(actor, loan.asset.contract)
    if loan.returned_at is not None:
        raise ActionRefused(_("This device was already returned."))
    loan.returned_at = now()
    loan.returned_to = actor
    if _note(note):
        loan.note = _note(f"{loan.note} / {note.strip()}" if loan.note else note)
    loan.save(update_fields=["returned_at", "returned_to", "note"])
    return loan


# --- parts fitted on site, recorded by a service report (issue 16.3, f16report) ------------------
def _require_on_site(actor, ticket) -> None:
    """The engineer who fitted the part records it (no store-keeper right needed), as does a
    store keeper; either must see the ticket's contract."""
    if not (can(actor, Capability.MANAGE_STORE) or can(actor, Capability.WORK_TICKETS)):
        raise PermissionRefused(_("You may not take parts from the store."))
    if not contracts_visible_to(actor).filter(pk=ticket.contract_id).exists():
        raise PermissionRefused(_("Contract %(code)s is not one of yours.")
                                    % {"code": ticket.contract.code})


def _fitting_location(part: Part, ticket, quantity: int) -> StockLocation:
    """The store the parts come out of: the one at the ticket's site when it holds enough, else
    the one holding the most. Refused (400, quantity) when no single store holds enough."""
    rows = (StockMovement.objects.filter(part=part).values("location")
            .annotate(total=Sum("quantity")).filter(total__gte=quantity).order_by("-total"))
    totals = {row["location"]: row["total"] for row in rows}
    if not totals:
        have = balance_total(part)
        raise InvalidInput(
            _("Only %(have)d %(unit)s of %(code)s in stock; cannot take %(want)d.")
            % {"have": have, "unit": part.unit, "code": part.code, "want": quantity},
            field="quantity")
    locations = StockLocation.objects.in_bulk(list(totals))
    at_site = [pk for pk in totals if locations[pk].site_id and
               locations[pk].site_id == ticket.site_id]
    return locations[at_site[0] if at_site else next(iter(totals))]


@transaction.atomic
def stock_fit_on_site(*, actor, part: Part, quantity: int, ticket, note: str = "",
                      ) -> StockMovement:
    """Parts fitted on site for an open ticket leave the store (an ISSUE on the ledger), never
    more than one store holds; the store is chosen by _fitting_location."""
    part = _locked_part(part)
    _require_on_site(actor, ticket)
    quantity = _quantity(quantity)
    _ticket_of_part(part, ticket, must_be_open=True)
    location = _fitting_location(part, ticket, quantity)
    movement = _move(part, location, Kind.ISSUE, -quantity, actor, ticket=ticket,
                     asset_id=ticket.asset_id, note=note)
    restock_check(part)
    return movement


@transaction.atomic
def stock_unfit_on_site(*, actor, part: Part, quantity: int, ticket, note: str = "",
                        ) -> StockMovement:
    """A corrected service report lists fewer parts: the difference goes back (RETURN_UNUSED)
    to the store the ticket's last issue of the part came from."""
    part = _locked_part(part)
    _require_on_site(actor, ticket)
    quantity = _quantity(quantity)
    last = (StockMovement.objects.filter(part=part, ticket=ticket, kind=Kind.ISSUE)
            .select_related("location").order_by("-created_at", "-pk").first())
    if last is None:
        raise InvalidInput(_("Ticket %(number)s holds no %(code)s to return.")
                           % {"number": ticket.number, "code": part.code}, field="quantity")
    held = -StockMovement.objects.filter(
        part=part, ticket=ticket, kind__in=[Kind.ISSUE, Kind.RETURN_UNUSED]).aggregate(
        total=Coalesce(Sum("quantity"), 0))["total"]
    if quantity > held:
        raise InvalidInput(
            _("Ticket %(number)s holds %(held)d of %(code)s; cannot return %(want)d.")
            % {"number": ticket.number, "held": held, "code": part.code, "want": quantity},
            field="quantity")
    movement = _move(part, last.location, Kind.RETURN_UNUSED, quantity, actor, ticket=ticket,
                     note=note)
    _restock_close(part, received=False)
    return movement
