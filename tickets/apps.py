from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from tickets.search_fts import ensure_fts


def _ensure_search_index(sender, using, **kwargs):
    ensure_fts(connections[using])  # SQLite only: FTS5 tables and their triggers


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = _("Tickets")

    def ready(self):
        post_migrate.connect(_ensure_search_index, sender=self,
                             dispatch_uid="tickets.search_fts")
        # The ticket page reads the files of the timeline and the links only when the ticket
        # has some (tickets.hooks.panel_flags, issue 19).
        from tickets import hooks  # ready(): models are loaded only now

        hooks.panel_flags.add("attachments", "links_out", "links_in")
