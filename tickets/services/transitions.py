"""The lifecycle (T5): one function per transition, one transaction each."""

from __future__ import annotations

import inspect
import mimetypes

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role
from core import batch
from core import uploads as files
from core.clock import now
from core.errors import ActionRefused, InvalidInput
from sla import clocks
from sla.models import ClockKind
from tickets import hooks, notify, signals
from tickets.models import (
    OPEN_STATUSES,
    EscalationTarget,
    PendingReason,
    ResolutionCode,
    Status,
    Ticket,
)
from tickets.permissions import is_engineer
from tickets.selectors import assignable_engineers, second_line_engineers
from tickets.services._common import _attach, _locked, _record, _save, _sync_due
from tickets.workflow import check


# --- transitions ----------------------------------------------------------------------------
@transaction.atomic
def ticket_accept(*, actor: User, ticket: Ticket, note: str = "") -> Ticket:
    """Respond to a ticket (the response clock stops). An engineer who accepts takes it."""
    ticket = _locked(ticket)
    check("accept", actor, ticket)
    moment = now()
    before = ticket.status
    first_response = ticket.accepted_at is None
    ticket.status = Status.ACCEPTED
    ticket.accepted_at = ticket.accepted_at or moment
    if is_engineer(actor) and ticket.assignee_id is None:
        ticket.assignee = actor
    _save(ticket, actor, "accept", moment)
    if first_response:
        clocks.clock_stop(ticket=ticket, kind=ClockKind.RESPONSE, moment=moment)
        _sync_due(ticket)
    _record(ticket, actor, "accept", before, ticket.status, moment, body=note)
    if first_response:  # an engineer acknowledging a dispatched ticket is not news to the user
        notify.accepted(ticket)
    return ticket


@transaction.atomic
def ticket_claim(*, actor: User, ticket: Ticket) -> Ticket:
    """An engineer takes an unassigned ticket (接单); of two at once exactly one wins. Taking it
    is also accepting it, so the ticket is accepted, not waiting for its assignee to accept."""
    ticket = _locked(ticket)
    check("claim", actor, ticket)
    moment = now()
    # The conditional update is what makes the claim exclusive even without row locks (SQLite).
    won = Ticket.objects.filter(pk=ticket.pk, assignee__isnull=True).update(assignee=actor)
    if not won:
        ticket.refresh_from_db()
        check("claim", actor, ticket)  # raises "another engineer got there first"
    before = ticket.status
    first_response = ticket.accepted_at is None
    ticket.assignee = actor
    ticket.status = Status.ACCEPTED
    ticket.accepted_at = ticket.accepted_at or moment
    ticket.dispatched_at = moment
    _save(ticket, actor, "claim", moment)
    if first_response:
        clocks.clock_stop(ticket=ticket, kind=ClockKind.RESPONSE, moment=moment)
        _sync_due(ticket)
    _record(ticket, actor, "claim", before, ticket.status, moment, detail=actor.display_name)
    if first_response:
        notify.accepted(ticket)
    return ticket


@transaction.atomic
def ticket_dispatch(*, actor: User, ticket: Ticket, assignee: User, note: str = "") -> Ticket:
    """Assign or reassign to an engineer of the contract (dispatching also counts as response)."""
    ticket = _locked(ticket)
    check("dispatch", actor, ticket)
    on_team = batch.remember(  # a bulk dispatch asks once per contract
        ("tickets.on_team", ticket.contract_id, assignee.pk),
        lambda: assignable_engineers(contract=ticket.contract_id).filter(pk=assignee.pk).exists())
    if not on_team:
        raise ActionRefused(_("%(name)s is not on the team of contract %(code)s.")
                                % {"name": assignee.display_name, "code": ticket.contract.code})
    if ticket.assignee_id == assignee.pk and ticket.status == Status.DISPATCHED:
        raise ActionRefused(_("The ticket is already dispatched to %(name)s.")
                                % {"name": assignee.display_name})
    moment = now()
    before = ticket.status
    first_response = ticket.accepted_at is None
    _hand_over(ticket, assignee, moment)
    _save(ticket, actor, "dispatch", moment)
    if first_response:
        clocks.clock_stop(ticket=ticket, kind=ClockKind.RESPONSE, moment=moment)
        _sync_due(ticket)
    _record(ticket, actor, "dispatch", before, ticket.status, moment, body=note,
            detail=assignee.display_name)
    if assignee.pk != actor.pk:
        notify.assigned(ticket)
    if first_response:
        notify.accepted(ticket)
    return ticket


def _hand_over(ticket: Ticket, assignee: User, moment) -> None:
    """Give the ticket to an engineer: dispatched (or, while pending, dispatched on resume);
    handing over is also a response if nobody had responded yet."""
    ticket.assignee = assignee
    ticket.accepted_at = ticket.accepted_at or moment
    ticket.dispatched_at = moment
    if ticket.status == Status.PENDING:
        ticket.status_before_pending = Status.DISPATCHED
    else:
        ticket.status = Status.DISPATCHED


@transaction.atomic
def ticket_check_in(*, actor: User, ticket: Ticket, note: str = "", latitude=None,
                    longitude=None, accuracy=None, scanned_tag: str = "",
                    photo=None) -> Ticket:
    """The engineer arrives on site (the arrival clock stops at the first arrival).

    The proof (the phone's position and its accuracy in metres, a scanned asset label, a photo)
    goes to the check_in_recorded hook in this transaction: fieldservice writes the visit and
    may refuse the check-in (the contract requires a proof, the tag is another contract's), which
    rolls everything back. The photo is kept as a public attachment of the check-in entry."""
    if photo is not None:
        try:
            extension = files.validate_upload(photo)
        except files.AttachmentError as exc:
            raise InvalidInput(exc.message, field="photo") from None
        if not (mimetypes.guess_type(f"photo.{extension}")[0] or "").startswith("image/"):
            raise InvalidInput(_("The photo must be an image."), field="photo")
    ticket = _locked(ticket)
    check("check_in", actor, ticket)
    moment = now()
    before = ticket.status
    ticket.status = Status.ON_SITE
    ticket.arrived_at = ticket.arrived_at or moment
    ticket.needs_on_site = True
    _save(ticket, actor, "check_in", moment)
    clocks.clock_stop(ticket=ticket, kind=ClockKind.ARRIVAL, moment=moment)
    _sync_due(ticket)
    entry = _record(ticket, actor, "check_in", before, ticket.status, moment, body=note)
    attachment = None
    if photo is not None:
        _attach(ticket, actor, entry, [photo], moment, internal=False)
        attachment = entry.attachments.get()
    hooks.check_in_recorded(actor=actor, ticket=ticket, moment=moment, proof={
        "latitude": latitude, "longitude": longitude, "accuracy": accuracy,
        "scanned_tag": (scanned_tag or "").strip(), "photo": attachment, "note": note})
    return ticket


@transaction.atomic
def ticket_pend(*, actor: User, ticket: Ticket, reason: str, note: str = "") -> Ticket:
    """Wait for the user, a vendor or a spare part (the SLA clocks pause)."""
    if reason not in PendingReason.values:
        raise InvalidInput(_("Choose why the ticket waits."), field="reason")
    ticket = _locked(ticket)
    check("pend", actor, ticket)
    moment = now()
    before = ticket.status
    ticket.status_before_pending = ticket.status
    ticket.status = Status.PENDING
    ticket.pending_reason = reason
    _save(ticket, actor, "pend", moment)
    clocks.clocks_pause(ticket=ticket, moment=moment)
    _sync_due(ticket)
    _record(ticket, actor, "pend", before, ticket.status, moment, body=note, detail=reason)
    return ticket


@transaction.atomic
def ticket_resume(*, actor: User, ticket: Ticket, note: str = "") -> Ticket:
    ticket = _locked(ticket)
    check("resume", actor, ticket)
    return _resume(ticket, actor, note)


def _resume(ticket: Ticket, actor: User, note: str = "") -> Ticket:
    moment = now()
    ticket.status = ticket.status_before_pending or Status.ACCEPTED
    ticket.status_before_pending = ""
    ticket.pending_reason = ""
    _save(ticket, actor, "resume", moment)
    clocks.clocks_resume(ticket=ticket, moment=moment)
    _sync_due(ticket)
    _record(ticket, actor, "resume", Status.PENDING, ticket.status, moment, body=note)
    return ticket


@transaction.atomic
def ticket_resolve(*, actor: User, ticket: Ticket, code: str, notes: str,
                   time_spent_minutes: int = 0, resolve_children: bool = False) -> Ticket:
    """Record the fix; the requester is asked to confirm. Resolved by the desk without an engineer
    ever dispatched counts as first-line resolution.

    ``resolve_children``: also resolve the parent's open children with the same code and notes
    (a P1 outage and its affected users' tickets). Each child in a savepoint: one the actor may
    not resolve now is left open and listed in ``ticket.children_refused``."""
    if code not in ResolutionCode.values:
        raise InvalidInput(_("Choose a resolution code."), field="code")
    if not notes or not notes.strip():
        raise InvalidInput(_("Describe what was done."), field="notes")
    ticket = _locked(ticket)
    check("resolve", actor, ticket)
    _resolve(ticket, actor, code, notes, time_spent_minutes)
    ticket.children_resolved, ticket.children_refused = [], []
    if resolve_children:
        children = (Ticket.objects.filter(links_out__kind="child_of", links_out__target=ticket,
                                          status__in=OPEN_STATUSES).order_by("pk"))
        for child in children:
            try:
                with transaction.atomic():
                    child = _locked(child)
                    check("resolve", actor, child)
                    _resolve(child, actor, code, notes, 0)
            except ActionRefused as exc:
                ticket.children_refused.append((child.number, exc.message))
            else:
                ticket.children_resolved.append(child.number)
    return ticket


def _resolve(ticket: Ticket, actor: User, code: str, notes: str, time_spent_minutes: int) -> None:
    # A rule of an app above tickets (field service: a signed service report required).
    refusal = hooks.resolve_allowed(ticket=ticket)
    if refusal:
        raise ActionRefused(refusal, code="report_required")
    moment = now()
    before = ticket.status
    ticket.status = Status.RESOLVED
    ticket.resolved_at = moment
    ticket.accepted_at = ticket.accepted_at or moment
    ticket.resolution_code = code
    ticket.resolution_notes = notes.strip()
    ticket.pending_reason = ticket.status_before_pending = ""
    ticket.first_line_resolution = (actor.role == Role.AGENT and ticket.dispatched_at is None
                                    and ticket.reopen_count == 0)
    ticket.time_spent_minutes += max(0, int(time_spent_minutes))
    _save(ticket, actor, "resolve", moment)
    # Response and resolution reached; no visit needed if nobody came (one read of the clocks).
    clocks.clocks_settle(ticket=ticket, moment=moment,
                         stop=[ClockKind.RESPONSE, ClockKind.RESOLUTION],
                         not_needed=[] if ticket.arrived_at is not None else [ClockKind.ARRIVAL])
    _sync_due(ticket)
    _record(ticket, actor, "resolve", before, ticket.status, moment,
            body=ticket.resolution_notes, detail=code,
            time_spent_minutes=max(0, int(time_spent_minutes)))
    notify.resolved(ticket)
    signals.ticket_resolved.send(sender=Ticket, ticket=ticket, actor=actor)


@transaction.atomic
def ticket_escalate(*, actor: User, ticket: Ticket, target: str, note: str,
                    to: User | None = None) -> Ticket:
    """Technical escalation to a second-line engineer, or management escalation to the PM."""
    if target not in EscalationTarget.values:
        raise InvalidInput(_("Choose whom to escalate to."), field="target")
    if not note or not note.strip():
        raise InvalidInput(_("Say why the ticket is escalated."), field="note")
    ticket = _locked(ticket)
    check("escalate", actor, ticket)
    moment = now()
    before = ticket.status
    first_response = ticket.accepted_at is None
    ticket.escalated_to = target
    if target == EscalationTarget.SECOND_LINE:
        candidates = second_line_engineers(contract=ticket.contract)
        to = to or candidates.exclude(pk=actor.pk).first()
        if to is None or not candidates.filter(pk=to.pk).exists():
            raise ActionRefused(_("Contract %(code)s has no second-line engineer to take it.")
                                    % {"code": ticket.contract.code})
        _hand_over(ticket, to, moment)
        detail = f"{target}:{to.display_name}"
    else:
        detail = f"{target}:{ticket.contract.project_manager.display_name}"
    _save(ticket, actor, "escalate", moment)
    if first_response and ticket.accepted_at is not None:
        clocks.clock_stop(ticket=ticket, kind=ClockKind.RESPONSE, moment=moment)
        _sync_due(ticket)
    _record(ticket, actor, "escalate", before, ticket.status, moment, body=note.strip(),
            detail=detail, internal=True)
    if target == EscalationTarget.SECOND_LINE:
        notify.assigned(ticket)
        if first_response:  # handed straight to second line: that is its acceptance
            notify.accepted(ticket)
    else:
        notify.escalated_to_manager(ticket, note.strip(), actor)
    return ticket


@transaction.atomic
def ticket_confirm(*, actor: User, ticket: Ticket, note: str = "") -> Ticket:
    """The requester (or the desk, holding the signed report) confirms the fix: closed."""
    ticket = _locked(ticket)
    check("confirm", actor, ticket)
    moment = now()
    ticket.status = Status.CLOSED
    ticket.closed_at = moment
    _save(ticket, actor, "confirm", moment)
    _record(ticket, actor, "confirm", Status.RESOLVED, Status.CLOSED, moment, body=note)
    return ticket


@transaction.atomic
def ticket_reopen(*, actor: User, ticket: Ticket, reason: str) -> Ticket:
    """Not fixed: back to the engineer who had it, within the confirmation window."""
    if not reason or not reason.strip():
        raise InvalidInput(_("Say what is still wrong."), field="reason")
    ticket = _locked(ticket)
    check("reopen", actor, ticket)
    moment = now()
    ticket.status = Status.REOPENED
    ticket.resolved_at = None
    ticket.first_line_resolution = False
    ticket.reopen_count += 1
    _save(ticket, actor, "reopen", moment)
    clocks.clock_restart(ticket=ticket, kind=ClockKind.RESOLUTION, moment=moment)
    _sync_due(ticket)
    _record(ticket, actor, "reopen", Status.RESOLVED, Status.REOPENED, moment,
            body=reason.strip())
    if ticket.assignee_id:
        notify.reopened(ticket)
    return ticket


@transaction.atomic
def ticket_cancel(*, actor: User, ticket: Ticket, reason: str = "") -> Ticket:
    ticket = _locked(ticket)
    check("cancel", actor, ticket)
    moment = now()
    before = ticket.status
    ticket.status = Status.CANCELLED
    ticket.cancelled_at = moment
    _save(ticket, actor, "cancel", moment)
    clocks.clocks_not_needed(ticket=ticket, moment=moment)
    _sync_due(ticket)
    _record(ticket, actor, "cancel", before, ticket.status, moment, body=reason.strip())
    return ticket


# --- one entry point for pages and API ---------------------------------------------------------
_ACTIONS = {
    "accept": ticket_accept, "claim": ticket_claim, "dispatch": ticket_dispatch,
    "check_in": ticket_check_in, "pend": ticket_pend, "resume": ticket_resume,
    "resolve": ticket_resolve, "escalate": ticket_escalate, "confirm": ticket_confirm,
    "reopen": ticket_reopen, "cancel": ticket_cancel,
}


def ticket_act(action: str, *, actor: User, ticket: Ticket, **data) -> Ticket:
    """Run a transition by name with already-parsed input (pages and API both come here).

    Input the transition does not take is ignored; input it needs but lacks is a clear error."""
    function = _ACTIONS.get(action)
    if function is None:
        raise ActionRefused(_("Unknown action."))
    parameters = inspect.signature(function).parameters
    kwargs = {k: v for k, v in data.items()
              if k in parameters and k not in {"actor", "ticket"} and v is not None}
    missing = [name for name, p in parameters.items() if name not in {"actor", "ticket"}
               and p.default is inspect.Parameter.empty and name not in kwargs]
    if missing:
        raise InvalidInput(_("Missing: %(fields)s.") % {"fields": ", ".join(missing)},
                           errors={name: [_("This field is required.")] for name in missing})
    return function(actor=actor, ticket=ticket, **kwargs)
