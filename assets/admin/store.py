"""Admin for the spare-part store (imported by assets/admin/__init__.py). The ledger and bad parts
are read-only here: stock changes go through the store pages so every row has a who and a why."""

from django.contrib import admin

from assets.models import BadPart, Loan, Part, RestockRequest, StockLocation, StockMovement
from core.admin import ReadOnlyAdminMixin


@admin.register(StockLocation)
class StockLocationAdmin(admin.ModelAdmin):
    list_display = ["name", "contract", "site"]
    list_filter = ["contract"]
    search_fields = ["name", "contract__code"]
    list_select_related = ["contract", "site"]
    raw_id_fields = ["site"]


@admin.register(Part)
class PartAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "contract", "unit", "min_level", "restock_days",
                    "holds_data", "active"]
    list_filter = ["contract", "holds_data", "active"]
    search_fields = ["code", "name", "compatible_models"]
    list_select_related = ["contract"]

    def has_delete_permission(self, request, obj=None):
        # A part with movements is protected by the database anyway; retire it (active=False).
        return False


@admin.register(StockMovement)
class StockMovementAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "part", "location", "kind", "quantity", "ticket", "actor"]
    list_filter = ["kind", "part__contract"]
    search_fields = ["part__code", "ticket__number", "note"]
    list_select_related = ["part", "location", "ticket", "actor"]
    date_hierarchy = "created_at"


@admin.register(BadPart)
class BadPartAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "issue", "serial", "disposition", "actor"]
    list_filter = ["disposition"]
    search_fields = ["serial", "issue__part__code", "issue__ticket__number"]
    list_select_related = ["issue__part", "issue__location", "actor"]


@admin.register(RestockRequest)
class RestockRequestAdmin(admin.ModelAdmin):
    """Admins may cancel or re-date a request; new ones come from the stock checks."""

    list_display = ["part", "quantity", "status", "raised_at", "due_at", "closed_at"]
    list_filter = ["status", "part__contract"]
    search_fields = ["part__code", "part__name"]
    list_select_related = ["part"]
    readonly_fields = ["part", "raised_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Loan)
class LoanAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Lent and returned through the store pages: the checks live in loan_lend / loan_return."""

    list_display = ["asset", "borrower", "ticket", "lent_at", "due_back", "returned_at"]
    list_filter = ["asset__contract"]
    search_fields = ["asset__tag", "ticket__number", "borrower__name"]
    list_select_related = ["asset", "borrower", "ticket"]
    raw_id_fields = ["asset", "ticket", "borrower", "returned_to"]
    readonly_fields = ["lent_by", "lent_at"]
