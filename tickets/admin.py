from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyAdminMixin
from core.clock import now
from tickets.models import (
    Attachment,
    CannedReply,
    Category,
    Entry,
    ResolutionTemplate,
    ServiceType,
    Ticket,
)


@admin.register(ServiceType)
class ServiceTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "needs_on_site", "ordering", "active"]
    list_editable = ["ordering", "active"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "service_type", "parent", "active"]
    list_filter = ["service_type", "active"]
    search_fields = ["name", "name_en"]
    list_select_related = ["service_type", "parent"]


class EntryInline(admin.TabularInline):
    model = Entry
    extra = 0
    fields = ["created_at", "kind", "author", "action", "to_status", "internal", "body"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Read-only: every change goes through the portal (tickets/services/) so the rules and the
    timeline hold; a ticket is never deleted."""

    list_display = ["number", "title", "contract", "priority", "status", "requester", "assignee",
                    "created_at"]
    list_filter = ["status", "priority", "contract", "service_type", "channel"]
    search_fields = ["number", "title", "requester__name"]
    list_select_related = ["contract", "requester", "assignee"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Ticket._meta.fields]
    inlines = [EntryInline]
    show_full_result_count = False


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["original_name", "ticket", "size", "internal", "uploaded_by", "created_at"]
    readonly_fields = ["ticket", "entry", "uploaded_by", "original_name", "storage_name",
                       "content_type", "size", "internal", "created_at"]
    list_select_related = ["ticket", "uploaded_by"]


@admin.register(CannedReply)
class CannedReplyAdmin(admin.ModelAdmin):
    """Canned replies (issue 15.5); the desk edits them on /tickets/replies/ as well."""

    list_display = ["title", "contract", "active", "updated_by", "updated_at"]
    list_filter = ["active", "contract"]
    search_fields = ["title", "body"]
    list_select_related = ["contract", "updated_by"]
    readonly_fields = ["updated_by", "updated_at"]

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        obj.updated_at = now()
        super().save_model(request, obj, form, change)


@admin.register(ResolutionTemplate)
class ResolutionTemplateAdmin(admin.ModelAdmin):
    """Prefills the resolve form of tickets in the category (and its sub-categories)."""

    list_display = ["category", "code"]
    list_select_related = ["category__service_type", "category__parent"]
    autocomplete_fields = ["category"]
