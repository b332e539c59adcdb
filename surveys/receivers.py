"""Signal receivers of the surveys app: a resolved ticket sends its satisfaction survey (V1)."""

from django.dispatch import receiver

from surveys.services.ticket_surveys import survey_send_for
from tickets.signals import ticket_resolved


@receiver(ticket_resolved, dispatch_uid="surveys.send_on_resolution")
def send_survey_on_resolution(sender, ticket, actor=None, **kwargs):
    # Inside the resolving transaction: the survey and its e-mail commit with the resolution.
    survey_send_for(ticket=ticket)
