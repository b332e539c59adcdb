"""Signals other apps listen to, so tickets never imports them (surveys → tickets, not back)."""

from django.dispatch import Signal

# Sent inside the resolving transaction, after the ticket is saved: ticket=, actor=.
ticket_resolved = Signal()
