"""Every change to a ticket: one function per transition, one transaction each (STYLE.md).

Each function locks the ticket row, checks the rules in tickets/workflow.py, changes the ticket,
writes a timeline entry (and the field history through simple-history) and queues notifications
in the same transaction. Views, the API, tasks and commands all call these.
"""

from tickets.services.bulk import (
    BULK_ACTIONS,
    BULK_MAX,
    bulk_submissions_purge,
    bulk_summary,
    tickets_bulk,
)
from tickets.services.intake import (
    ticket_create,
    ticket_file_finding,
    ticket_log_call,
    ticket_update,
)
from tickets.services.relations import ticket_link, ticket_merge, ticket_unlink
from tickets.services.transitions import (
    ticket_accept,
    ticket_act,
    ticket_cancel,
    ticket_check_in,
    ticket_claim,
    ticket_confirm,
    ticket_dispatch,
    ticket_escalate,
    ticket_pend,
    ticket_reopen,
    ticket_resolve,
    ticket_resume,
)
from tickets.services.worklog import ticket_comment, tickets_close_after_silence

__all__ = [
    "ticket_accept", "ticket_act", "ticket_cancel", "ticket_check_in", "ticket_claim",
    "ticket_comment", "ticket_confirm", "ticket_create", "ticket_dispatch", "ticket_escalate",
    "ticket_file_finding",
    "ticket_log_call", "ticket_pend", "ticket_reopen", "ticket_resolve", "ticket_resume",
    "ticket_update", "tickets_close_after_silence",
    "BULK_ACTIONS", "BULK_MAX", "bulk_submissions_purge", "bulk_summary", "tickets_bulk",
    "ticket_link", "ticket_merge", "ticket_unlink",
]
