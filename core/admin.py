"""Admin parts shared by the apps, and the installation state's read-only page."""

from django.contrib import admin

from core.models import SystemState


class ReadOnlyAdminMixin:
    """Evidence (ledgers, answers, archived reports): shown, never added, changed or deleted in
    the admin. Mixed in before a ModelAdmin class."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SystemState)
class SystemStateAdmin(admin.ModelAdmin):
    list_display = ["key", "value", "updated_at"]
    readonly_fields = ["key", "value", "updated_at"]

    def has_add_permission(self, request):
        return False
