from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SsoConfig(AppConfig):
    name = "sso"
    verbose_name = _("Single sign-on")

    def ready(self):
        # A role misspelt in LDAP_ROLE_GROUPS / OIDC_ROLE_GROUPS stops start-up (web, worker,
        # commands) instead of quietly giving nobody that role.
        from sso.mapping import check_configured_mappings  # noqa: PLC0415 - needs the app registry

        check_configured_mappings()
