from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from mailin.models import InboundMessage, Mailbox


class MailboxForm(forms.ModelForm):
    # The stored password is never shown back; leaving the box empty keeps it.
    password = forms.CharField(label=_("password"), required=False,
                               widget=forms.PasswordInput(render_value=False),
                               help_text=_("Leave empty to keep the stored password. Prefer the "
                                           "environment variable below."))

    class Meta:
        model = Mailbox
        fields = ["contract", "service_type", "host", "port", "use_tls", "username", "password",
                  "password_env", "folder", "processed_folder", "active"]

    def clean_password(self):
        return self.cleaned_data["password"] or (self.instance.password if self.instance.pk
                                                 else "")


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    form = MailboxForm
    list_display = ["contract", "host", "username", "folder", "active", "last_poll_at",
                    "last_success_at", "last_error"]
    list_filter = ["active"]
    readonly_fields = ["last_poll_at", "last_success_at", "last_error", "lease_until"]


@admin.register(InboundMessage)
class InboundMessageAdmin(admin.ModelAdmin):
    """Read-only: the desk decides on the portal's mail pages (services check the rules)."""

    list_display = ["received_at", "mailbox", "sender", "subject", "state", "reason", "ticket"]
    list_filter = ["state", "reason", "mailbox"]
    search_fields = ["sender", "subject", "message_id"]
    exclude = ["raw"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
