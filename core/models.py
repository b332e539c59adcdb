"""Abstract model parts shared by the apps (no tables of its own)."""

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
