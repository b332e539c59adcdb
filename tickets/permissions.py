"""Who may see and write what on tickets, apart from the transitions.

The transitions' rules (which role or relationship may do which action from which state) stay
with their table in tickets/workflow.py: ``_may`` and ``FROM_STATES`` are read together and
``check`` explains a refusal from both, so splitting them would spread one rule over two files.
"""

from __future__ import annotations

from accounts.roles import ENGINEER_ROLES, Capability, can
from tickets.models import Status


def is_engineer(user) -> bool:
    """An on-site or second-line engineer (claiming an unassigned ticket makes it theirs)."""
    return user.role in ENGINEER_ROLES


def may_file_tickets(user) -> bool:
    """File a ticket: for oneself (FILE_TICKETS) or for a caller (LOG_CALLS)."""
    return can(user, Capability.FILE_TICKETS) or can(user, Capability.LOG_CALLS)


def may_edit_ticket(user, ticket) -> bool:
    """Edit a ticket's details: dispatchers while it is open, the requester until it is
    accepted (ticket_update decides which fields each may change)."""
    dispatcher = can(user, Capability.DISPATCH) and not user.is_client_side
    return (dispatcher and ticket.is_open) or (
        ticket.requester_id == user.pk and ticket.status == Status.SUBMITTED)


def may_write_internal(user) -> bool:
    """Internal notes: provider people who work, dispatch or receive escalations."""
    return not user.is_client_side and (
        can(user, Capability.WORK_TICKETS) or can(user, Capability.DISPATCH)
        or can(user, Capability.RECEIVE_ESCALATIONS))


def may_see_queue(user) -> bool:
    return not user.is_client_side and (
        can(user, Capability.WORK_TICKETS) or can(user, Capability.DISPATCH)
        or can(user, Capability.READ_DASHBOARDS))


def may_manage_canned_replies(user) -> bool:
    """Write canned replies (issue 15.5): the desk and the project managers, who take calls."""
    return not user.is_client_side and can(user, Capability.LOG_CALLS)


def may_use_canned_replies(user) -> bool:
    """Pick a canned reply on a ticket: the provider's people who write on tickets."""
    return may_write_internal(user)


def may_relate_tickets(user) -> bool:
    """Link tickets (related, duplicate, cause, parent) and remove links: the service team."""
    return not user.is_client_side and (
        can(user, Capability.WORK_TICKETS) or can(user, Capability.DISPATCH))


def may_merge_tickets(user) -> bool:
    """Merge a duplicate into another ticket: those who dispatch (it closes a ticket)."""
    return not user.is_client_side and can(user, Capability.DISPATCH)


def may_act_in_bulk(user) -> bool:
    """Use the queue's bulk actions; each row is still checked by its own service."""
    return may_relate_tickets(user)
