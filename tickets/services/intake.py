"""Filing and editing tickets: the portal form, the desk's call form, the API."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Capability, can
from core import uploads as files
from core.clock import now
from core.counters import next_in_year
from core.errors import ActionRefused, InvalidInput, PermissionRefused
from core.versions import check_version
from sla import clocks
from sla.models import Contract
from sla.selectors import contract_visible_to
from tickets import notify
from tickets.models import (
    Category,
    Channel,
    Entry,
    Kind,
    Priority,
    ServiceType,
    Status,
    Ticket,
    TicketCounter,
)
from tickets.permissions import may_file_tickets
from tickets.services._common import (
    _attach_stored,
    _forget_stored,
    _locked,
    _record,
    _save,
    _store_uploads,
    _sync_due,
)
from tickets.services.transitions import ticket_accept, ticket_dispatch, ticket_resolve
from tickets.signals import ticket_filed

# The history reason of changes the system makes on its own (no person behind them).
SYSTEM_CHANGE_REASON = "system"


# --- creating ------------------------------------------------------------------------------
def ticket_create(
    *,
    actor: User,
    contract: Contract,
    service_type: ServiceType,
    title: str,
    description: str = "",
    requester: User | None = None,
    category: Category | None = None,
    kind: str = Kind.FAULT,
    channel: str = Channel.PORTAL,
    priority: int = Priority.P3,
    contact_phone: str = "",
    site=None,
    location: str = "",
    needs_on_site: bool | None = None,
    submission_key=None,
    uploads=(),
    asset=None,
) -> Ticket:
    """File a ticket. Fields the actor may not set (priority, channel, someone else as requester)
    are refused; a resubmitted form (same submission_key) returns the first ticket."""
    requester = requester or actor
    logs_calls = can(actor, Capability.LOG_CALLS)
    if not logs_calls:
        if requester.pk != actor.pk:
            raise PermissionRefused(_("You may only file tickets for yourself."))
        priority, channel = Priority.P3, Channel.PORTAL
    if not may_file_tickets(actor):
        raise PermissionRefused(_("Your role may not file tickets."))
    # A resubmitted form (the same submission_key) is caught by the unique constraint on
    # (requester, submission_key) as the ticket is written, not by a read before every filing
    # (the portal form always sends a key); nothing else is written before that row.
    _validate_new(actor=actor, requester=requester, contract=contract, service_type=service_type,
                  category=category, site=site, title=title)
    _validate_asset(asset, contract)
    files.validate_uploads(uploads)
    moment = now()
    ticket = Ticket(
        kind=kind, channel=channel, contract=contract, service_type=service_type,
        category=category, priority=priority, title=title.strip(),
        description=description.strip(), requester=requester, logged_by=actor,
        contact_phone=contact_phone or requester.phone,
        site=site if site is not None or asset is None else asset.site,
        location=location or (asset.location if asset is not None else ""), asset=asset,
        needs_on_site=service_type.needs_on_site if needs_on_site is None else needs_on_site,
        submission_key=submission_key, created_at=moment, updated_at=moment,
    )
    # The files are written before the transaction, not in it: _insert_new takes the year's
    # number, whose counter row every other filing waits on until this one commits, and a
    # file takes time to write (with object storage, a network round trip each).
    stored = _store_uploads(uploads, moment)
    try:
        with transaction.atomic():
            # Filed by the desk for a caller: the event names the caller ("on behalf of").
            on_behalf = requester.display_name if requester.pk != actor.pk else ""
            _insert_new(ticket, actor, moment, on_behalf=on_behalf, stored=stored)
            if asset is not None and kind == Kind.FAULT:
                _flag_recurring_fault(ticket)
            if ticket.priority <= Priority.P2:
                notify.urgent_ticket(ticket)
            ticket_filed.send(sender=Ticket, ticket=ticket, actor=actor)
    except IntegrityError:
        _forget_stored(stored)  # no row points to them
        if submission_key is not None:  # the same form, submitted again
            existing = Ticket.objects.filter(requester=requester,
                                             submission_key=submission_key).first()
            if existing:
                return existing
        raise
    except BaseException:
        _forget_stored(stored)
        raise
    return ticket


def _validate_new(*, actor, requester, contract, service_type, category, site, title) -> None:
    if not title or not title.strip():
        raise InvalidInput(_("Say in a few words what is wrong."), field="title")
    if not contract_visible_to(actor, contract):
        raise PermissionRefused(_("You are not on this contract."))
    if not contract.is_active_on(now().date()):
        raise ActionRefused(_("Contract %(code)s is not in force today.")
                                % {"code": contract.code})
    if requester.organisation_id != contract.client_id:
        raise InvalidInput(_("%(name)s is not a person of %(client)s.")
                           % {"name": requester.display_name, "client": contract.client},
                           field="requester")
    if not service_type.active:
        raise InvalidInput(_("This service type is no longer offered."), field="service_type")
    if category is not None and category.service_type_id != service_type.pk:
        raise InvalidInput(_("The category does not belong to the service type."),
                           field="category")
    if site is not None and site.organisation_id != contract.client_id:
        raise InvalidInput(_("The site is not one of the client's sites."), field="site")


def _validate_asset(asset, contract) -> None:
    if asset is None:
        return
    if asset.contract_id != contract.pk:
        raise InvalidInput(_("The asset is not covered by this contract."), field="asset")
    if asset.status == "retired":
        raise InvalidInput(_("Asset %(asset)s is retired.") % {"asset": asset}, field="asset")


def _flag_recurring_fault(ticket: Ticket) -> None:
    """T10: a second fault on the same asset and category within the window flags both tickets
    and the asset, so the desk looks for the cause instead of fixing the symptom again."""
    since = ticket.created_at - timedelta(days=settings.RECURRING_FAULT_DAYS)
    earlier = (Ticket.objects.filter(asset_id=ticket.asset_id, kind=Kind.FAULT,
                                     category_id=ticket.category_id,
                                     created_at__gte=since)
               .exclude(pk=ticket.pk).exclude(status=Status.CANCELLED))
    earlier_ids = list(earlier.values_list("pk", flat=True)[:50])
    if not earlier_ids:
        return
    Ticket.objects.filter(pk__in=earlier_ids, recurring_fault=False).update(recurring_fault=True)
    Ticket.objects.filter(pk=ticket.pk).update(recurring_fault=True)
    ticket.recurring_fault = True
    asset = ticket.asset
    if not asset.recurring_fault:
        asset.recurring_fault = True
        asset.updated_at = ticket.created_at
        # The system raised the flag: its own history row, by nobody (shown as "System"), so
        # it is blamed neither on the person filing the ticket (the request's user) nor on
        # whoever edits the asset next.
        asset._history_user = None
        asset._change_reason = SYSTEM_CHANGE_REASON
        try:
            asset.save(update_fields=["recurring_fault", "updated_at"])
        finally:
            del asset._history_user, asset._change_reason


@transaction.atomic
def ticket_file_finding(*, actor: User, asset, service_type: ServiceType, title: str,
                        description: str = "", priority: int = Priority.P3,
                        category: Category | None = None) -> Ticket:
    """A fault found by an engineer on an inspection round: filed on the asset, on behalf of the
    asset's custodian (or the contract's client contact), through the inspection channel."""
    if not can(actor, Capability.INSPECT):
        raise PermissionRefused(_("Your role may not record inspection findings."))
    contract = asset.contract
    requester = asset.custodian
    if requester is None or requester.organisation_id != contract.client_id:
        requester = contract.client_contacts.filter(is_active=True).order_by("pk").first()
    if requester is None:
        raise ActionRefused(
            _("Contract %(code)s has no client IT contact to file the finding for; add one or "
              "give the asset a custodian.") % {"code": contract.code})
    _validate_new(actor=actor, requester=requester, contract=contract, service_type=service_type,
                  category=category, site=asset.site, title=title)
    _validate_asset(asset, contract)
    moment = now()
    ticket = Ticket(
        kind=Kind.FAULT, channel=Channel.INSPECTION,
        contract=contract, service_type=service_type, category=category, priority=priority,
        title=title.strip()[:200], description=description.strip(), requester=requester,
        logged_by=actor, contact_phone=requester.phone, site=asset.site,
        location=asset.location, asset=asset, needs_on_site=service_type.needs_on_site,
        created_at=moment, updated_at=moment,
    )
    _insert_new(ticket, actor, moment, on_behalf=requester.display_name)
    _flag_recurring_fault(ticket)
    if ticket.priority <= Priority.P2:
        notify.urgent_ticket(ticket)
    ticket_filed.send(sender=Ticket, ticket=ticket, actor=actor)
    return ticket


def _next_number(year: int) -> str:
    return f"{year}-{next_in_year(TicketCounter, year):06d}"


def _insert_new(ticket: Ticket, actor: User, moment, *, on_behalf: str = "",
                stored: list[dict] = ()) -> Entry:
    """Write a new ticket (inside the caller's transaction) with its SLA clocks, its "create"
    timeline entry (naming the caller it was filed for, ``on_behalf``) and the rows of the
    files already written (``stored``, _store_uploads); returns the entry.

    The year's number comes from a counter row that stays locked until the commit, so every
    other filing waits on it: it is taken as late as possible. The reads come first (the SLA
    target, for the clocks' deadlines). On PostgreSQL the ticket's id is then taken from the
    table's sequence, and the rows that need only that id are written before the number; their
    foreign keys to the ticket are checked at the commit (Django declares them deferrable),
    when the row is there. Then the number and the ticket row, written once with its first
    deadline in it. SQLite has no sequence to ask: there the ticket is written first."""
    planned = clocks.clocks_plan(ticket=ticket, moment=moment)
    ticket.sla_due_at = clocks.earliest_due_of(planned)
    id_first = _reserve_id(ticket)
    if not id_first:
        _number_and_write(ticket, actor, moment)
    clocks.clocks_save(planned)
    entry = _record(ticket, actor, "create", "", Status.SUBMITTED, moment, detail=on_behalf)
    _attach_stored(ticket, actor, entry, stored, moment, internal=False)
    if id_first:
        _number_and_write(ticket, actor, moment, id_taken=True)
    return entry


def _number_and_write(ticket: Ticket, actor: User, moment, *, id_taken: bool = False) -> None:
    ticket.number = _next_number(moment.year)
    _save(ticket, actor, "created", force_insert=id_taken)


def _reserve_id(ticket: Ticket) -> bool:
    """Give a new ticket its id before its row is written (PostgreSQL: the id column's
    sequence); False where there is no sequence to ask (SQLite)."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))",
                       [Ticket._meta.db_table])
        ticket.pk = cursor.fetchone()[0]
    return True


@transaction.atomic
def ticket_log_call(*, actor: User, resolve_now: bool = False, resolution_code: str = "",
                    resolution_notes: str = "", dispatch_to: User | None = None,
                    **fields) -> Ticket:
    """The desk's phone form: file for a caller, then accept, and resolve on the spot (first-line
    resolution) or dispatch at once — all or nothing."""
    if not can(actor, Capability.LOG_CALLS):
        raise PermissionRefused(_("Your role may not log calls."))
    ticket = ticket_create(actor=actor, **fields)
    if ticket.status != Status.SUBMITTED:  # a resubmitted form: leave the first ticket alone
        return ticket
    ticket = ticket_accept(actor=actor, ticket=ticket)
    if resolve_now:
        ticket = ticket_resolve(actor=actor, ticket=ticket, code=resolution_code,
                                            notes=resolution_notes)
    elif dispatch_to is not None:
        ticket = ticket_dispatch(actor=actor, ticket=ticket,
                                             assignee=dispatch_to)
    return ticket


# --- editing -------------------------------------------------------------------------------------
REQUESTER_EDITABLE = {"title", "description", "contact_phone", "site", "location", "asset"}
DESK_EDITABLE = REQUESTER_EDITABLE | {"priority", "service_type", "category", "needs_on_site",
                                      "kind"}


@transaction.atomic
def ticket_update(*, actor: User, ticket: Ticket, expected_version: int | None = None,
                  **changes) -> Ticket:
    """Edit a ticket's details. The requester may fix what they wrote until it is accepted;
    dispatchers may also regrade priority, service type and category while it is open.
    ``expected_version``: the version the edit was made from (If-Match); an older one is
    refused as stale (core/versions.py)."""
    ticket = _locked(ticket)
    check_version(ticket, expected_version)
    dispatcher = can(actor, Capability.DISPATCH) and not actor.is_client_side
    if dispatcher and ticket.is_open:
        allowed = DESK_EDITABLE
    elif ticket.requester_id == actor.pk and ticket.status == Status.SUBMITTED:
        allowed = REQUESTER_EDITABLE
    else:
        raise PermissionRefused(_("You may not edit this ticket now."))
    refused = sorted(set(changes) - allowed)
    if refused:
        raise PermissionRefused(_("You may not change: %(fields)s.")
                                    % {"fields": ", ".join(refused)})
    if "title" in changes and not (changes["title"] or "").strip():
        raise InvalidInput(_("Say in a few words what is wrong."), field="title")
    service_type = changes.get("service_type", ticket.service_type)
    category = changes.get("category", ticket.category if "service_type" not in changes else None)
    if category is not None and category.service_type_id != service_type.pk:
        raise InvalidInput(_("The category does not belong to the service type."),
                           field="category")
    site = changes.get("site", ticket.site)
    if site is not None and site.organisation_id != ticket.contract.client_id:
        raise InvalidInput(_("The site is not one of the client's sites."), field="site")
    if changes.get("asset") is not None:
        _validate_asset(changes["asset"], ticket.contract)
    if "priority" in changes and changes["priority"] not in Priority.values:
        raise InvalidInput(_("Choose a priority from P1 to P4."), field="priority")
    changed = [f for f, v in changes.items() if getattr(ticket, f) != v]
    if "service_type" in changes:
        changes["category"] = category
    for field, value in changes.items():
        setattr(ticket, field, value)
    if not changed:
        return ticket
    moment = now()
    _save(ticket, actor, "update", moment)
    _record(ticket, actor, "update", ticket.status, ticket.status, moment,
            detail=", ".join(changed), internal=actor.pk != ticket.requester_id)
    if {"priority", "service_type"} & set(changed):
        clocks.clocks_retarget(ticket=ticket, moment=moment)
        _sync_due(ticket)
    if "priority" in changed and ticket.priority <= Priority.P2:
        notify.urgent_ticket(ticket)
    return ticket


