"""Admin for inspections: checklist templates (with their items) and plans. Rounds, records and
results are made by generation and recording, so the admin shows them read-only."""

from django.contrib import admin

from assets.models import (
    ChecklistItem,
    ChecklistTemplate,
    InspectionPlan,
    InspectionRecord,
    InspectionRound,
)


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 1
    fields = ["ordering", "name", "name_en", "guidance"]


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "asset_type", "active"]
    list_filter = ["active", "asset_type"]
    search_fields = ["name"]
    inlines = [ChecklistItemInline]


@admin.register(InspectionPlan)
class InspectionPlanAdmin(admin.ModelAdmin):
    list_display = ["name", "contract", "frequency", "template", "assignee", "pre_holiday",
                    "starts_on", "active"]
    list_filter = ["contract", "frequency", "active", "pre_holiday"]
    search_fields = ["name"]
    list_select_related = ["contract", "template", "assignee"]
    raw_id_fields = ["assignee", "assets"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(InspectionRound)
class InspectionRoundAdmin(ReadOnlyAdmin):
    list_display = ["plan", "contract", "kind", "period_start", "due_on", "assignee", "status"]
    list_filter = ["status", "kind", "contract"]
    list_select_related = ["plan", "contract", "assignee"]
    date_hierarchy = "due_on"
    show_full_result_count = False


@admin.register(InspectionRecord)
class InspectionRecordAdmin(ReadOnlyAdmin):
    list_display = ["round", "asset", "outcome", "inspected_by", "inspected_at", "ticket"]
    list_filter = ["outcome"]
    list_select_related = ["round__plan", "asset", "inspected_by", "ticket"]
    raw_id_fields = ["round", "asset", "ticket"]
    show_full_result_count = False
