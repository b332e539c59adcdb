from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailInConfig(AppConfig):
    """The e-mail channel (issue 17): mailboxes polled over IMAP, messages filed as tickets or
    threaded as replies, loop and spoofing protection. It builds on tickets (docs/adr/0005)."""

    name = "mailin"
    verbose_name = _("E-mail channel")

    def ready(self) -> None:
        # Ticket mails carry the reply token and thread headers (tickets.hooks.mail_thread).
        from mailin import tokens  # ready(): app wiring
        from tickets import hooks  # ready(): app wiring

        hooks.mail_thread.provide(tokens.thread_of)
