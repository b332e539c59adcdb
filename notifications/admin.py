from django.contrib import admin, messages
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from notifications.models import ChatWebhook, Notification
from notifications.services import notifications_retry, webhook_enqueue


@admin.register(ChatWebhook)
class ChatWebhookAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "active", "created_at"]
    list_filter = ["kind", "active"]
    search_fields = ["name"]
    actions = ["send_test_message"]

    @admin.action(description=_("Send a test message"))
    def send_test_message(self, request, queryset):
        queued = skipped = 0
        for webhook in queryset:
            notification = webhook_enqueue(
                webhook=webhook, event="webhook.test",
                subject=gettext("Test message from the ITSM portal"),
                body=gettext("If this arrives in the group chat, the robot %(name)s is set up "
                             "correctly.") % {"name": webhook.name},
            )
            if notification is None:
                skipped += 1
            else:
                queued += 1
        if queued:
            self.message_user(
                request,
                ngettext("%(count)d test message queued; see the notifications list for the "
                         "result.",
                         "%(count)d test messages queued; see the notifications list for the "
                         "result.", queued) % {"count": queued},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                ngettext("%(count)d inactive webhook skipped.",
                         "%(count)d inactive webhooks skipped.", skipped) % {"count": skipped},
                messages.WARNING,
            )


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The outbox is written by the services only; here it is read, and failed rows retried."""

    list_display = ["event", "channel", "webhook", "address", "subject", "status", "attempts",
                    "error", "created_at", "sent_at"]
    list_filter = ["status", "channel", "webhook", "event"]
    list_select_related = ["webhook"]
    search_fields = ["address", "subject"]
    ordering = ["-pk"]  # the primary key index, not a sort of the whole outbox
    show_full_result_count = False
    actions = ["retry_now"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("last error"))
    def error(self, obj):
        return Truncator(obj.last_error).chars(120)

    @admin.action(description=_("Retry now"))
    def retry_now(self, request, queryset):
        count = notifications_retry(notification_ids=queryset.values_list("pk", flat=True))
        self.message_user(
            request,
            ngettext("%(count)d failed notification queued again.",
                     "%(count)d failed notifications queued again.", count) % {"count": count},
            messages.SUCCESS,
        )
