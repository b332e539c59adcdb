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
    "claim": gettext_lazy("Claim"),
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
    return [a for a in ACTIONS if ticket.status in FROM_STATES[a] and _may(a, user, ticket)]


def _past(action: str) -> str:
    return {
        "accept": _("accepted"), "claim": _("claimed"), "dispatch": _("dispatched"),
        "check_in": _("checked in"), "pend": _("set pending"), "resume": _("resumed"),
        "resolve": _("resolved"), "escalate": _("escalated"), "confirm": _("confirmed"),
        "reopen": _("reopened"), "cancel": _("cancelled"),
    }[action]
