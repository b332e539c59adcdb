"""Admin for the KPI app (see itsm/admin_site.py for who may use it): contract targets,
scorecard schemes and scorecards with their ratings (history kept), archived service reports
read-only."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyAdminMixin
from kpi.models import KpiTargets, Scorecard, ScorecardRating, ScorecardScheme, ServiceReport


@admin.register(KpiTargets)
class KpiTargetsAdmin(SimpleHistoryAdmin):
    list_display = ["contract", "response_attainment", "arrival_attainment",
                    "resolution_attainment", "fault_resolution_rate", "reopen_rate_max"]
    list_select_related = ["contract"]
    search_fields = ["contract__code", "contract__name"]


@admin.register(ScorecardScheme)
class ScorecardSchemeAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "objective_weight", "pass_mark", "volume_target"]
    list_select_related = ["contract"]


class ScorecardRatingInline(admin.TabularInline):
    model = ScorecardRating
    extra = 0
    fields = ["item", "score", "note", "rated_by", "rated_at"]
    raw_id_fields = ["rated_by"]


@admin.register(Scorecard)
class ScorecardAdmin(SimpleHistoryAdmin):
    list_display = ["engineer", "contract", "year", "quarter", "objective_score", "rating_score",
                    "composite", "below_standard", "flag_notified_at"]
    list_filter = ["contract", "year", "quarter", "below_standard"]
    list_select_related = ["engineer", "contract"]
    search_fields = ["engineer__name", "engineer__username", "contract__code"]
    raw_id_fields = ["engineer"]
    readonly_fields = ["figures", "objective_score", "rating_score", "composite",
                       "below_standard", "flag_notified_at", "computed_at"]
    inlines = [ScorecardRatingInline]


@admin.register(ServiceReport)
class ServiceReportAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["contract", "kind", "period_start", "period_end", "version", "generated_at",
                    "sent_at"]
    list_filter = ["contract", "kind"]
    list_select_related = ["contract"]
