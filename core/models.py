"""Model parts shared by the apps, and the installation's own state."""

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class BilingualName(models.Model):
    """Reference data named in Chinese and English; `label` follows the active language."""

    name = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if translation.get_language() == "en" and self.name_en:
            return self.name_en
        return self.name


class Versioned(models.Model):
    """A counter raised on every save: the ETag of the API and the hidden field of edit forms,
    so an edit made from an old copy is refused instead of overwriting (core/versions.py).

    Saves go through services that lock the row first (select_for_update), so the counter in
    hand is the stored one; bulk writes (imports) raise it themselves."""

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            self.version = (self.version or 0) + 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        super().save(*args, **kwargs)


class SystemState(models.Model):
    """Facts about the installation itself: the last heartbeat, whether demo data is loaded.

    Moved here from the project package (itsm/) so the apps that write it (the demo) and read
    it (the system page, /healthz) need not import the project; the table keeps its name.
    """

    HEARTBEAT = "heartbeat"  # written by the worker running beat's heartbeat task
    BEAT_HEARTBEAT = "beat_heartbeat"  # written by beat when it publishes that task
    DEMO_LOADED = "demo_loaded"

    key = models.CharField(_("key"), max_length=64, primary_key=True)
    value = models.JSONField(_("value"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        db_table = "itsm_systemstate"
        verbose_name = _("system state")
        verbose_name_plural = _("system state")

    def __str__(self) -> str:
        return self.key
