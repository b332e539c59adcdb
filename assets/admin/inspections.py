"""Admin for inspections: checklist templates (with their items). Plans are made and changed on the
plan pages (inspection_plan_create / inspection_plan_update check them); rounds, records and
results are made by generation and recording; so the admin shows those read-only."""

from django.contrib import admin

from assets.models import (
    ChecklistItem,
    ChecklistTemplate,
    InspectionPlan,
    InspectionRecord,
    InspectionRound,
)
from core.admin import ReadOnlyAdminMixin


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
class InspectionPlanAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "contract", "frequency", "template", "assignee", "pre_holiday",
                    "starts_on", "active"]
    list_filter = ["contract", "frequency", "active", "pre_holiday"]
    search_fields = ["name"]
    list_select_related = ["contract", "template", "assignee"]
    raw_id_fields = ["assignee", "assets"]


@admin.register(InspectionRound)
class InspectionRoundAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["plan", "contract", "kind", "period_start", "due_on", "assignee", "status"]
    list_filter = ["status", "kind", "contract"]
    list_select_related = ["plan", "contract", "assignee"]
    date_hierarchy = "due_on"
    show_full_result_count = False


@admin.register(InspectionRecord)
class InspectionRecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["round", "asset", "outcome", "inspected_by", "inspected_at", "ticket"]
    list_filter = ["outcome"]
    list_select_related = ["round__plan", "asset", "inspected_by", "ticket"]
    raw_id_fields = ["round", "asset", "ticket"]
    show_full_result_count = False
