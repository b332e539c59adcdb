"""Admin of field service: the per-contract policies (editable, also inline on the contract),
and read-only views of what the pages record."""

from django.contrib import admin

from core.admin import ReadOnlyAdminMixin

# vendor repairs and parts to site (f16repair)
from fieldservice.models import (
    PartRequest,
    RepairPolicy,
    RepairReminder,
    VendorRepair,
    Visit,
    VisitPolicy,
)
from sla.models import Contract


@admin.register(RepairPolicy)
class RepairPolicyAdmin(admin.ModelAdmin):
    list_display = ["contract", "loaner_days", "loaner_hours", "progress_working_days",
                    "part_hours_p1", "part_hours_p2", "part_hours_p3", "part_hours_p4"]
    search_fields = ["contract__code", "contract__name"]
    list_select_related = ["contract"]


class RepairPolicyInline(admin.StackedInline):
    model = RepairPolicy
    extra = 0
    max_num = 1
    can_delete = True


# The contract's page (sla's admin, a lower app) shows the policy inline: the upper app adds
# its inline to the registered admin instead of sla importing field service.
if Contract in admin.site._registry:
    _contract_admin = admin.site._registry[Contract]
    _contract_admin.inlines = [*_contract_admin.inlines, RepairPolicyInline]


@admin.register(VendorRepair)
class VendorRepairAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["ticket", "vendor", "in_warranty", "status", "sent_on", "return_due",
                    "returned_on"]
    list_filter = ["status", "in_warranty"]
    search_fields = ["ticket__number", "vendor", "rma_number"]
    list_select_related = ["ticket"]


@admin.register(RepairReminder)
class RepairReminderAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["repair", "kind", "due_on", "sent_at"]
    list_filter = ["kind"]


@admin.register(PartRequest)
class PartRequestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["ticket", "part", "quantity", "status", "needed_by", "delivered_at"]
    list_filter = ["status"]
    search_fields = ["ticket__number", "part__code"]
    list_select_related = ["ticket", "part"]



# --- Visits (f16visits) ------------------------------------------------------------------------
class VisitPolicyInline(admin.StackedInline):
    """The check-in rules, edited on the contract's page (no row: the safe defaults)."""

    model = VisitPolicy
    extra = 0
    max_num = 1
    can_delete = True


@admin.register(VisitPolicy)
class VisitPolicyAdmin(admin.ModelAdmin):
    list_display = ["contract", "requires_location", "requires_tag_scan", "requires_photo",
                    "radius_m"]
    list_select_related = ["contract"]
    autocomplete_fields = ["contract"]


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = ["ticket", "engineer", "planned_at", "checked_in_at", "checked_out_at",
                    "location_check", "tag_matches"]
    list_filter = ["location_check"]
    list_select_related = ["ticket", "engineer"]
    raw_id_fields = ["ticket", "engineer", "planned_by", "photo"]
    search_fields = ["ticket__number", "scanned_tag"]


# The contract's admin lives in sla (below fieldservice): add the inline to it from here.
_contract_admin = admin.site.get_model_admin(Contract)
_contract_admin.inlines = [*_contract_admin.inlines, VisitPolicyInline]
