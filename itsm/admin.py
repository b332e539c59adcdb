from django.contrib import admin

from itsm.models import SystemState


@admin.register(SystemState)
class SystemStateAdmin(admin.ModelAdmin):
    list_display = ["key", "value", "updated_at"]
    readonly_fields = ["key", "value", "updated_at"]

    def has_add_permission(self, request):
        return False
