from celery import shared_task

from mailin.services.poll import mailboxes_poll


@shared_task(name="mailin.tasks.poll_mailboxes")
def poll_mailboxes() -> int:
    """Every minute: fetch new mail from every active IMAP mailbox; returns messages seen."""
    return sum(result.seen for result in mailboxes_poll())
