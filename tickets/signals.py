"""Signals other apps listen to, so tickets never imports them (surveys → tickets, not back)."""

from django.dispatch import Signal

# Sent inside the resolving transaction, after the ticket is saved: ticket=, actor=.
ticket_resolved = Signal()

# Sent inside the filing transaction, after the ticket is saved and its recurring-fault flag
# set: ticket=, actor=. The knowledge app proposes problems and tags maintenance windows.
ticket_filed = Signal()
