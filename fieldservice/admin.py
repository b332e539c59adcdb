"""Field service in the admin, one section per sub-domain."""

from django.contrib import admin

from fieldservice.models import Visit, VisitPolicy
from sla.models import Contract


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
