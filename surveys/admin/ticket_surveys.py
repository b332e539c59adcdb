"""Admin for per-ticket surveys (see itsm/admin_site.py for who may use it). Policies are edited
here; survey answers are evidence and stay read-only; callbacks are worked on the desk page."""

from django.contrib import admin

from core.admin import ReadOnlyAdminMixin
from surveys.models import CallbackTask, SurveyPolicy, TicketSurvey


@admin.register(SurveyPolicy)
class SurveyPolicyAdmin(admin.ModelAdmin):
    list_display = ["contract", "sample_percent", "quiet_days", "satisfaction_target",
                    "complaint_limit", "major_complaint_limit"]
    list_select_related = ["contract"]


@admin.register(TicketSurvey)
class TicketSurveyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["ticket", "contract", "requester", "engineer", "sent_at", "answered_at",
                    "fixed", "response_speed", "attitude", "ability", "overall"]
    list_filter = ["contract", "fixed", "overall"]
    search_fields = ["ticket__number", "requester__name"]
    list_select_related = ["ticket", "contract", "requester", "engineer"]
    # The token is the key to the survey: never shown, even to administrators.
    exclude = ["token"]
    date_hierarchy = "sent_at"


@admin.register(CallbackTask)
class CallbackTaskAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Done from the callback list (callback_done records who and the outcome)."""

    list_display = ["survey", "contract", "due_at", "done_at", "done_by"]
    list_filter = ["contract"]
    list_select_related = ["survey", "contract", "done_by"]
    raw_id_fields = ["survey", "done_by"]
    readonly_fields = ["survey", "contract", "created_at"]
