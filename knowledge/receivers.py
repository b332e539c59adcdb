"""What the knowledge app does when tickets tell it something (tickets.signals): a filed fault
may propose a problem (k18chg) and is tagged by a maintenance window it falls in."""

from __future__ import annotations

from django.dispatch import receiver

from knowledge.services.notices import notice_tag_ticket
from knowledge.services.problems import problem_propose_for_ticket
from tickets.signals import ticket_filed


@receiver(ticket_filed, dispatch_uid="knowledge.problems_and_notices")
def on_ticket_filed(sender, *, ticket, actor, **kwargs) -> None:
    problem_propose_for_ticket(ticket)
    notice_tag_ticket(ticket)
