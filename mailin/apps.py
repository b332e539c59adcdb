from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailInConfig(AppConfig):
    """The e-mail channel (issue 17): mailboxes polled over IMAP, messages filed as tickets or
    threaded as replies, loop and spoofing protection. It builds on tickets (docs/adr/0005)."""

    name = "mailin"
    verbose_name = _("E-mail channel")
