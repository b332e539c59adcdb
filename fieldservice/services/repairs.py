"""Vendor repairs (送修): one locked transaction per change (fieldservice/repair_workflow.py says
who may do what when; fieldservice/repair_dates.py computes the dates)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from assets.services.store import loan_lend
from core.clock import now
from core.errors import ActionRefused, InvalidInput, PermissionRefused
from core.periods import today
from fieldservice import repair_dates
from fieldservice.models import RepairPolicy, RepairStatus, RepairUpdate, VendorRepair
from fieldservice.repair_workflow import check, is_desk
from notifications.services import email_from_template
from sla.working_days import WorkingDays, working_days_of
from tickets.models import OPEN_STATUSES
from tickets.selectors import tickets_visible_to

TEXT_MAX = 4000


def policy_of(contract) -> RepairPolicy:
    """The contract's repair policy, or the defaults (an unsaved row) when it has none."""
    try:
        return contract.repair_policy
    except RepairPolicy.DoesNotExist:
        return RepairPolicy(contract=contract)


def calendar_of(contract) -> WorkingDays:
    """The working days of the contract's service calendar (China's when it keeps them)."""
    return working_days_of(contract.calendar)


def _locked(repair: VendorRepair) -> VendorRepair:
    return (VendorRepair.objects.select_for_update(of=("self",))
            .select_related("ticket__contract__calendar", "ticket__requester", "asset")
            .get(pk=repair.pk))


def _text(value, field: str, *, required: bool = False, limit: int = TEXT_MAX) -> str:
    text = (value or "").strip() if isinstance(value, str) else ""
    if required and not text:
        raise InvalidInput(_("This field is required."), field=field)
    if len(text) > limit:
        raise InvalidInput(_("At most %(n)d characters.") % {"n": limit}, field=field)
    return text


def _date(value, field: str, *, required: bool = True) -> date | None:
    if value is None or value == "":
        if required:
            raise InvalidInput(_("Give a date."), field=field)
        return None
    if not isinstance(value, date):
        raise InvalidInput(_("Give a date."), field=field)
    return value


def _notify_user(repair: VendorRepair, body: str) -> None:
    """The written progress (书面反馈进度) goes to the requester through the outbox."""
    ticket = repair.ticket
    email_from_template(
        recipient=ticket.requester, event="repair.progress",
        template="fieldservice/email/repair_progress.txt",
        context={"repair": repair, "ticket": ticket, "body": body,
                 "url": settings.SITE_URL + reverse("tickets:detail", args=[ticket.number])})


@transaction.atomic
def repair_create(*, actor, ticket, vendor: str, in_warranty: bool, sent_on: date | None = None,
                  expected_back: date | None = None, rma_number: str = "", fault: str = "",
                  data_backed_up: bool = False, storage_kept: bool = True) -> VendorRepair:
    """Send the ticket's device to its vendor. Seed 001: back the user's data up first and keep
    the disks with the client; the dates follow the contract's working days."""
    if not is_desk(actor):
        raise PermissionRefused(_("Only the service desk and engineers send devices for "
                                  "repair."))
    if not tickets_visible_to(actor).filter(pk=ticket.pk).exists():
        raise PermissionRefused(_("This ticket is not one of yours."))
    if ticket.status not in OPEN_STATUSES:
        raise ActionRefused(_("Ticket %(number)s is not open.") % {"number": ticket.number})
    vendor = _text(vendor or (ticket.asset.warranty_vendor if ticket.asset_id else ""),
                   "vendor", required=True, limit=100)
    if not isinstance(in_warranty, bool):
        raise InvalidInput(_("Say whether the device is in warranty."), field="in_warranty")
    if not data_backed_up:
        raise InvalidInput(_("Back the user's data up before the device is sent (seed 001)."),
                           field="data_backed_up")
    sent_on = _date(sent_on, "sent_on", required=False) or today()
    if sent_on > today():
        raise InvalidInput(_("The send date is in the future."), field="sent_on")
    expected_back = _date(expected_back, "expected_back", required=False)
    if expected_back is not None and expected_back < sent_on:
        raise InvalidInput(_("The return date is before the send date."),
                           field="expected_back")
    contract = ticket.contract
    calendar = calendar_of(contract)
    repair = VendorRepair.objects.create(
        ticket=ticket, contract_id=ticket.contract_id, asset_id=ticket.asset_id, vendor=vendor,
        in_warranty=in_warranty,
        rma_number=_text(rma_number, "rma_number", limit=64), fault=_text(fault, "fault"),
        data_backed_up=True, storage_kept=bool(storage_kept), sent_on=sent_on,
        expected_back=expected_back, return_due=repair_dates.return_due(sent_on, calendar),
        progress_due=repair_dates.progress_due(
            sent_on, calendar, policy_of(contract).progress_working_days),
        created_by=actor, created_at=now())
    _notify_user(repair, _("Your device was sent to %(vendor)s for repair on %(day)s; it is due "
                           "back by %(due)s.") % {"vendor": vendor, "day": sent_on,
                                                  "due": repair.return_due})
    return repair


@transaction.atomic
def repair_quote(*, actor, repair: VendorRepair, amount, text: str) -> VendorRepair:
    """The vendor's quote for an out-of-warranty repair; the requester or client decides."""
    repair = _locked(repair)
    check("quote", actor, repair)
    try:
        amount = Decimal(str(amount))
    except (InvalidOperation, ValueError, TypeError):
        raise InvalidInput(_("Give the amount as a number."), field="amount") from None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("100000000"):
        raise InvalidInput(_("Give the amount as a number."), field="amount")
    repair.quote_amount = amount.quantize(Decimal("0.01"))
    repair.quote_text = _text(text, "text", required=True)
    repair.quoted_at = now()
    repair.status = RepairStatus.QUOTED
    repair.save(update_fields=["quote_amount", "quote_text", "quoted_at", "status"])
    _notify_user(repair, _("The vendor quotes %(amount)s for the repair: %(text)s. Please "
                           "approve or decline the quote in the portal.")
                 % {"amount": repair.quote_amount, "text": repair.quote_text})
    return repair


def _decide(actor, repair: VendorRepair, action: str, status: str) -> VendorRepair:
    repair = _locked(repair)
    check(action, actor, repair)
    repair.status = status
    repair.quote_decided_by = actor
    repair.quote_decided_at = now()
    repair.save(update_fields=["status", "quote_decided_by", "quote_decided_at"])
    return repair


@transaction.atomic
def repair_approve(*, actor, repair: VendorRepair) -> VendorRepair:
    """The requester or the client's contact approves the quote: the vendor repairs."""
    return _decide(actor, repair, "approve", RepairStatus.APPROVED)


@transaction.atomic
def repair_decline(*, actor, repair: VendorRepair) -> VendorRepair:
    """The quote is declined: the device comes back unrepaired."""
    return _decide(actor, repair, "decline", RepairStatus.DECLINED)


@transaction.atomic
def repair_update(*, actor, repair: VendorRepair, body: str) -> RepairUpdate:
    """The desk's written progress update: sent to the user; the next one is due 3 working
    days later."""
    repair = _locked(repair)
    check("update", actor, repair)
    body = _text(body, "body", required=True)
    update = RepairUpdate.objects.create(repair=repair, author=actor, body=body,
                                         created_at=now())
    contract = repair.ticket.contract
    repair.progress_due = repair_dates.progress_due(
        today(), calendar_of(contract), policy_of(contract).progress_working_days)
    repair.save(update_fields=["progress_due"])
    _notify_user(repair, body)
    return update


@transaction.atomic
def repair_lend(*, actor, repair: VendorRepair, asset, borrower=None,
                note: str = "") -> VendorRepair:
    """Lend a spare device while the user's is away (assets' loans); due back after the
    contract's loaner days."""
    repair = _locked(repair)
    check("lend", actor, repair)
    if asset is None:
        raise InvalidInput(_("Choose the loaner device."), field="asset")
    days = policy_of(repair.ticket.contract).loaner_days
    loan = loan_lend(actor=actor, asset=asset, ticket=repair.ticket,
                     borrower=borrower or repair.ticket.requester,
                     due_back=today() + timedelta(days=days), note=note)
    repair.loan = loan
    repair.save(update_fields=["loan"])
    return repair


@transaction.atomic
def repair_return(*, actor, repair: VendorRepair, returned_on: date | None = None,
                  note: str = "") -> VendorRepair:
    """The device is back on the user's site: the repair is closed."""
    repair = _locked(repair)
    check("return", actor, repair)
    returned_on = _date(returned_on, "returned_on", required=False) or today()
    if returned_on < repair.sent_on:
        raise InvalidInput(_("The return date is before the send date."), field="returned_on")
    if returned_on > today():
        raise InvalidInput(_("The return date is in the future."), field="returned_on")
    repair.returned_on = returned_on
    repair.status = RepairStatus.RETURNED
    repair.progress_due = None
    repair.save(update_fields=["returned_on", "status", "progress_due"])
    note = _text(note, "note")
    _notify_user(repair, note or _("Your device is back from the vendor."))
    return repair
