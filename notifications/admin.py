from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from notifications.models import Notification
from notifications.services import notifications_retry


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The outbox is written by the services only; here it is read, and failed rows retried."""

    list_display = ["event", "address", "subject", "status", "attempts", "created_at",
                    "sent_at"]
    list_filter = ["status", "event"]
    search_fields = ["address", "subject"]
    ordering = ["-pk"]  # the primary key index, not a sort of the whole outbox
    show_full_result_count = False
    actions = ["retry_now"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Retry now"))
    def retry_now(self, request, queryset):
        count = notifications_retry(notification_ids=queryset.values_list("pk", flat=True))
        self.message_user(
            request,
            ngettext("%(count)d failed notification queued again.",
                     "%(count)d failed notifications queued again.", count) % {"count": count},
            messages.SUCCESS,
        )
