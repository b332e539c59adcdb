from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("People and organisations")

    def ready(self):
        # Security events from auth, axes, User and admin signals (accounts/receivers.py).
        from accounts import receivers  # noqa: F401 - ready(): connects its receivers
