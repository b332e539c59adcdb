from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.roles import Capability, can
from itsm.version import VERSION


class ItsmAdminSite(admin.AdminSite):
    site_header = _("ITSM portal administration")
    site_title = _("ITSM portal")
    # The version an administrator reports a problem against (CHANGELOG.md).
    index_title = format_lazy("{} · {}", _("Administration"), VERSION)

    @property
    def login_form(self):
        """The same lockout as the login page and the token endpoint (django-axes)."""
        # Imported here: this module is loaded with the app registry (ItsmAdminConfig), before
        # any model, and the form's module needs them.
        from accounts.forms import ThrottledAdminAuthenticationForm  # app loading order

        return ThrottledAdminAuthenticationForm

    def has_permission(self, request):
        # The role decides (accounts/roles.py), not Django's is_staff flag.
        return request.user.is_active and can(request.user, Capability.ADMINISTER)


class ItsmAdminConfig(AdminConfig):
    """Installs ItsmAdminSite as Django's admin.site."""

    default_site = "itsm.admin_site.ItsmAdminSite"
