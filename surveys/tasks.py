"""Celery entry points for surveys and complaints: thin wrappers over the services."""

from celery import shared_task


@shared_task(name="surveys.tasks.complaints_escalate")
def complaints_escalate() -> int:
    from surveys.complaints import complaints_escalate_overdue

    return complaints_escalate_overdue()


@shared_task(name="surveys.tasks.campaign_reminders")
def campaign_reminders() -> int:
    from surveys.campaigns import campaign_reminders_send

    return campaign_reminders_send()
