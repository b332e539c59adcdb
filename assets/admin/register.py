"""Admin for the asset register (see itsm/admin_site.py for who may use it). Day-to-day work happens
on the register pages; the admin holds reference data (asset types, checklists) and repairs."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from assets.models import Asset, AssetRelation, AssetType
from core.clock import now


@admin.register(AssetType)
class AssetTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "ordering"]
    list_editable = ["ordering"]


class RelationInline(admin.TabularInline):
    model = AssetRelation
    fk_name = "source"
    extra = 0
    raw_id_fields = ["target"]


@admin.register(Asset)
class AssetAdmin(SimpleHistoryAdmin):
    list_display = ["tag", "name", "asset_type", "contract", "site", "status", "criticality",
                    "warranty_end"]
    list_filter = ["contract", "asset_type", "status", "criticality"]
    search_fields = ["tag", "serial", "name", "model"]
    list_select_related = ["asset_type", "contract", "site"]
    raw_id_fields = ["custodian"]
    readonly_fields = ["recurring_fault", "warranty_notice_for", "retired_at", "created_at",
                       "updated_at"]
    inlines = [RelationInline]
    show_full_result_count = False

    def save_model(self, request, obj, form, change):
        moment = now()
        if not change:
            obj.created_at = moment
        obj.updated_at = moment
        super().save_model(request, obj, form, change)
