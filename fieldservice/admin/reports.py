"""Service reports in the admin: the policy per contract is edited here; reports are evidence
written by the services (stock, PDF, e-mail), so a draft's text may be fixed but a frozen
(signed or sent for confirmation) report is read-only, and none is added or deleted here."""

from django.contrib import admin

from fieldservice.models import ReportPolicy, ServiceReport, ServiceReportPart


@admin.register(ReportPolicy)
class ReportPolicyAdmin(admin.ModelAdmin):
    list_display = ["contract", "signed_report_required", "confirm_days"]
    list_select_related = ["contract"]
    autocomplete_fields = ["contract"]


class PartLineInline(admin.TabularInline):
    model = ServiceReportPart
    extra = 0
    fields = ["part", "quantity"]
    readonly_fields = ["part", "quantity"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ServiceReport)
class ServiceReportAdmin(admin.ModelAdmin):
    list_display = ["ticket", "version", "status", "engineer", "created_at", "frozen_at"]
    list_filter = ["status"]
    list_select_related = ["ticket", "engineer"]
    search_fields = ["ticket__number"]
    inlines = [PartLineInline]
    editable_text = ["symptom", "cause", "actions", "result", "follow_up"]

    def get_readonly_fields(self, request, obj=None):
        names = [f.name for f in ServiceReport._meta.fields if f.editable]
        if obj is not None and obj.frozen_at is None and obj.requester_signed_at is None \
                and obj.engineer_signed_at is None:
            return [n for n in names if n not in self.editable_text]
        return names

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # A signed or frozen report is never changed: the change form is read-only (a view).
        if obj is not None and (obj.frozen_at is not None or obj.requester_signed_at
                                or obj.engineer_signed_at):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False


