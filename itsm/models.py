from django.db import models
from django.utils.translation import gettext_lazy as _


class SystemState(models.Model):
    """Facts about the installation itself: the last heartbeat, whether demo data is loaded."""

    HEARTBEAT = "heartbeat"
    DEMO_LOADED = "demo_loaded"

    key = models.CharField(_("key"), max_length=64, primary_key=True)
    value = models.JSONField(_("value"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("system state")
        verbose_name_plural = _("system state")

    def __str__(self) -> str:
        return self.key
