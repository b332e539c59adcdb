"""Who may do what to a ticket in which state (T5): pure rules, no database access.

Services ask `check(action, user, ticket)` before changing anything; pages and the API ask
`allowed_actions(user, ticket)` to show only the buttons that would work.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import Capability, can
from core.errors import ActionRefused, PermissionRefused
from tickets.models import Status

S = Status
WORKING = {S.ACCEPTED, S.DISPATCHED, S.ON_SITE, S.REOPENED}

# action → the states it starts from
FROM_STATES: dict[str, set[str]] = {
    # From dispatched: the engineer acknowledges a ticket the desk sent them (接单).
    "accept": {S.SUBMITTED, S.DISPATCHED},
    "claim": {S.SUBMITTED, S.ACCEPTED, S.REOPENED},
    "dispatch": {S.SUBMITTED, *WORKING, S.PENDING},
    "check_in": {S.ACCEPTED, S.DISPATCHED, S.REOPENED},
    "pend": set(WORKING),
    "resume": {S.PENDING},
    "resolve": {*WORKING, S.PENDING},
    "escalate": {S.SUBMITTED, *WORKING, S.PENDING},
    "confirm": {S.RESOLVED},
    "reopen": {S.RESOLVED},
    "cancel": {S.SUBMITTED, S.ACCEPTED},
}

ACTION_LABELS = {
    "accept": gettext_lazy("Accept"),
    "claim": gettext_lazy("Take it myself"),
    "dispatch": gettext_lazy("Dispatch"),
    "check_in": gettext_lazy("Check in on site"),
    "pend": gettext_lazy("Set pending"),
    "resume": gettext_lazy("Resume"),
    "resolve": gettext_lazy("Resolve"),
    "escalate": gettext_lazy("Escalate"),
    "confirm": gettext_lazy("Confirm the fix"),
    "reopen": gettext_lazy("Not fixed: reopen"),
    "cancel": gettext_lazy("Cancel ticket"),
}
ACTIONS = list(FROM_STATES)

# What a button does, said under it where two could be confused (受理 vs 接单).
ACTION_HELP = {
    "accept": gettext_lazy("Confirms to the requester that the ticket is received; the response "
                           "clock stops. Nobody is assigned yet."),
    "claim": gettext_lazy("You become the engineer on this ticket; the response clock stops."),
}


def action_label(action: str, ticket) -> str:
    """The button's words: accepting a ticket dispatched to you is taking it on (接单)."""
    if action == "accept" and ticket.status == S.DISPATCHED:
        return str(gettext_lazy("Take on this ticket"))
    return str(ACTION_LABELS[action])


def action_help(action: str, ticket) -> str:
    if action == "accept" and ticket.status == S.DISPATCHED:
        return ""
    return str(ACTION_HELP.get(action, ""))


def _may(action: str, user, ticket) -> bool:
    """Role and relationship rules, independent of state."""
    is_requester = ticket.requester_id == user.pk
    is_assignee = ticket.assignee_id is not None and ticket.assignee_id == user.pk
    dispatcher = can(user, Capability.DISPATCH)
    worker = can(user, Capability.WORK_TICKETS) and not user.is_client_side
    if action == "accept":
        if ticket.status == S.DISPATCHED:
            return is_assignee
        return worker or dispatcher
    if action == "claim":
        return worker and ticket.assignee_id is None
    if action == "dispatch":
        return dispatcher
    if action == "check_in":
        return is_assignee
    if action in {"pend", "resume", "resolve", "escalate"}:
        return is_assignee or dispatcher
    if action in {"confirm", "reopen"}:
        return is_requester or dispatcher
    if action == "cancel":
        if ticket.status == S.SUBMITTED and is_requester:
            return True
        return dispatcher
    return False


def check(action: str, user, ticket) -> None:
    """Raise a clear error unless `user` may do `action` to `ticket` in its current state."""
    if action not in FROM_STATES:
        raise ActionRefused(_("Unknown action."))
    if not _may(action, user, ticket):
        if action == "claim" and ticket.assignee_id is not None:
            raise ActionRefused(
                _("Another engineer got there first: %(name)s has this ticket.")
                % {"name": ticket.assignee.display_name})
        if action == "cancel" and ticket.requester_id == user.pk:
            raise ActionRefused(
                _("This ticket has been accepted already; ask the service desk to cancel it."))
        raise PermissionRefused(
            _("You may not do this to this ticket: %(action)s.")
            % {"action": ACTION_LABELS[action]})
    if ticket.status not in FROM_STATES[action]:
        raise ActionRefused(
            _("A ticket that is %(status)s cannot be %(action)s.")
            % {"status": ticket.get_status_display(), "action": _past(action)})


def allowed_actions(user, ticket) -> list[str]:
    """The actions to offer. For someone who is not a dispatcher, accepting an unassigned ticket
    and taking it are the same thing, so only "take it" is offered (the API still takes both)."""
    actions = [a for a in ACTIONS if ticket.status in FROM_STATES[a] and _may(a, user, ticket)]
    if "claim" in actions and "accept" in actions and not can(user, Capability.DISPATCH):
        actions.remove("accept")
    return actions


def done_message(action: str, ticket, *, before_status: str, first_response: bool) -> str:
    """What happened, in words (not "X: done"); `ticket` is the changed ticket."""
    clock_stopped = _("the response clock has stopped") if first_response else ""
    assignee = ticket.assignee.display_name if ticket.assignee_id else ""
    if action == "accept" and before_status == S.DISPATCHED:
        return _("You have taken on this ticket.")
    if action in {"accept", "claim"}:
        done = _("Accepted") if action == "accept" and not assignee else _("Ticket taken")
        return (_("%(done)s; %(clock)s.") % {"done": done, "clock": clock_stopped}
                if clock_stopped else _("%(done)s.") % {"done": done})
    if action == "escalate" and ticket.escalated_to == "second_line":
        return _("Escalated to %(name)s.") % {"name": assignee}
    messages = {
        "dispatch": lambda: _("Dispatched to %(name)s, who has been notified.")
        % {"name": assignee},
        "check_in": lambda: _("Checked in on site; the arrival clock has stopped."),
        "pend": lambda: _("Waiting for %(reason)s; the SLA clocks are paused.")
        % {"reason": ticket.get_pending_reason_display()},
        "resume": lambda: _("Work resumed; the SLA clocks run again."),
        "resolve": lambda: _("Resolved; %(name)s has been asked to confirm the fix.")
        % {"name": ticket.requester.display_name},
        "escalate": lambda: _("Escalated to the project manager."),
        "confirm": lambda: _("Fix confirmed; the ticket is closed."),
        "reopen": lambda: _("Reopened; the engineer has been told."),
        "cancel": lambda: _("Ticket cancelled."),
    }
    return messages[action]()


def _past(action: str) -> str:
    return {
        "accept": _("accepted"), "claim": _("claimed"), "dispatch": _("dispatched"),
        "check_in": _("checked in"), "pend": _("set pending"), "resume": _("resumed"),
        "resolve": _("resolved"), "escalate": _("escalated"), "confirm": _("confirmed"),
        "reopen": _("reopened"), "cancel": _("cancelled"),
    }[action]
