from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssetsConfig(AppConfig):
    name = "assets"
    verbose_name = _("Assets")

    def ready(self):
        # Ticket screens list devices and show the store panel through tickets.hooks (tickets
        # builds below assets and never imports it). Imported here: models are ready only now.
        from assets.selectors.register import (  # ready(): app wiring
            assets_held_by,
            assets_reportable_by,
        )
        from assets.selectors.store import ticket_store_context  # ready(): app wiring
        from tickets import hooks  # ready(): app wiring

        hooks.assets_held_by.provide(assets_held_by)
        hooks.assets_reportable_by.provide(assets_reportable_by)
        hooks.ticket_page_context.provide(ticket_store_context)
        hooks.panel_flags.add("part_movements", "loans")
