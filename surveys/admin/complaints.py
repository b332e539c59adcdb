"""Admin for the complaints register (imported by surveys/admin/__init__.py; see
itsm/admin_site.py for who may use it). Complaints are evidence: read-only here, handled on the
register pages so every change has a who and a why in the history."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyAdminMixin
from surveys.models import Complaint, ComplaintAlert


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["number", "contract", "channel", "complainant_name", "major", "status",
                    "received_at", "answer_due", "resolution_due", "escalation_level"]
    list_filter = ["contract", "status", "channel", "major"]
    search_fields = ["number", "complainant_name", "ticket__number"]
    list_select_related = ["contract"]
    date_hierarchy = "received_at"


@admin.register(ComplaintAlert)
class ComplaintAlertAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["contract", "year", "quarter", "kind", "count", "created_at"]
    list_filter = ["contract", "kind"]
    list_select_related = ["contract"]
