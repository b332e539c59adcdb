from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        # Services queue the delivery tasks by name (core.publish), since the tasks module
        # imports them; importing it here registers the tasks in every process, web included.
        from notifications import tasks  # noqa: F401 - AppConfig.ready(): register the tasks
