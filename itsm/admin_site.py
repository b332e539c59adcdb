from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _

from accounts.roles import Capability, can


class ItsmAdminSite(admin.AdminSite):
    site_header = _("ITSM portal administration")
    site_title = _("ITSM portal")
    index_title = _("Administration")

    def has_permission(self, request):
        # The role decides (accounts/roles.py), not Django's is_staff flag.
        return request.user.is_active and can(request.user, Capability.ADMINISTER)


class ReadOnlyAdminMixin:
    """Evidence (ledgers, answers, archived reports): shown, never added, changed or deleted in
    the admin. Mixed in before a ModelAdmin class."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ItsmAdminConfig(AdminConfig):
    """Installs ItsmAdminSite as Django's admin.site."""

    default_site = "itsm.admin_site.ItsmAdminSite"
