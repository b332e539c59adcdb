"""Celery entry points for surveys and complaints: thin wrappers over the services."""

from celery import shared_task

from surveys.services.campaigns import campaign_reminders_send
from surveys.services.complaints import complaints_escalate_overdue


@shared_task(name="surveys.tasks.complaints_escalate")
def complaints_escalate() -> int:
    return complaints_escalate_overdue()


@shared_task(name="surveys.tasks.campaign_reminders")
def campaign_reminders() -> int:
    return campaign_reminders_send()
