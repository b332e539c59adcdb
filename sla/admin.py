from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, ngettext
from simple_history.admin import SimpleHistoryAdmin

from core.clock import now
from sla.clocks import clocks_recompute
from sla.holidays import calendar_days_clear, holiday_edits_lose_festivals, holiday_year_missing
from sla.models import (
    Clock,
    Contract,
    ContractMember,
    Escalation,
    EscalationRule,
    HolidayDay,
    HolidayYear,
    ServiceCalendar,
    Target,
)


@admin.register(ServiceCalendar)
class ServiceCalendarAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "hours", "holidays", "time_zone"]
    search_fields = ["name", "code"]


class ContractMemberInline(admin.TabularInline):
    model = ContractMember
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Contract)
class ContractAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "client", "starts_on", "ends_on", "calendar",
                    "project_manager"]
    list_filter = ["client", "calendar"]
    search_fields = ["code", "name", "client__name"]
    list_select_related = ["client", "calendar", "project_manager"]
    autocomplete_fields = ["project_manager"]
    filter_horizontal = ["sites", "client_contacts", "webhooks"]
    inlines = [ContractMemberInline]


# Both holiday lists link to the page that enters a whole year from the notice.
HOLIDAY_CHANGE_LIST = "admin/sla/holiday_change_list.html"


def _lost_message(lost: dict[int, list[str]]) -> str:
    return "; ".join(
        gettext("%(year)s would lose %(festivals)s and no longer count as entered")
        % {"year": year, "festivals": "、".join(festivals)} for year, festivals in lost.items())


class HolidayYearForm(forms.ModelForm):
    class Meta:
        model = HolidayYear
        fields = ["region", "year", "source"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("year") and cleaned.get("region"):
            missing = holiday_year_missing(cleaned["year"], region=cleaned["region"])
            if missing:
                raise ValidationError(gettext(
                    "%(year)s has no days of %(missing)s: a year counts as entered only with all "
                    "seven statutory festivals. Enter it from the State Council's notice "
                    "(Enter a holiday year).") % {"year": cleaned["year"],
                                                 "missing": "、".join(missing)})
        return cleaned


@admin.register(HolidayYear)
class HolidayYearAdmin(admin.ModelAdmin):
    list_display = ["region", "year", "source", "entered_at"]
    form = HolidayYearForm
    change_list_template = HOLIDAY_CHANGE_LIST

    def save_model(self, request, obj, form, change):
        """Marking a year entered makes its deadlines final: recompute the provisional ones."""
        super().save_model(request, obj, form, change)
        calendar_days_clear()
        changed = clocks_recompute(clocks=Clock.objects.filter(provisional=True), moment=now())
        if changed:
            self.message_user(request, ngettext(
                "%(n)d provisional deadline recomputed.",
                "%(n)d provisional deadlines recomputed.", changed) % {"n": changed})


class HolidayDayForm(forms.ModelForm):
    class Meta:
        model = HolidayDay
        fields = ["region", "day", "kind", "name"]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is not None and all(cleaned.get(k) for k in ("region", "day", "kind")):
            lost = holiday_edits_lose_festivals(
                removed=[HolidayDay.objects.get(pk=self.instance.pk)],
                added=[HolidayDay(region=cleaned["region"], day=cleaned["day"],
                                  kind=cleaned["kind"], name=cleaned.get("name", ""))])
            if lost:
                raise ValidationError(_lost_message(lost))
        return cleaned


@admin.register(HolidayDay)
class HolidayDayAdmin(SimpleHistoryAdmin):
    list_display = ["day", "kind", "name", "region"]
    list_filter = ["region", "kind"]
    date_hierarchy = "day"
    search_fields = ["name"]
    form = HolidayDayForm
    change_list_template = HOLIDAY_CHANGE_LIST

    def get_deleted_objects(self, objs, request):
        """Deleting the last days of a festival of an entered year is refused (listed as
        protected), for one day and for the bulk action alike."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        lost = holiday_edits_lose_festivals(removed=list(objs))
        if lost:
            protected = [*protected, _lost_message(lost)]
        return deleted, counts, perms_needed, protected


@admin.register(Target)
class TargetAdmin(SimpleHistoryAdmin):
    list_display = ["contract", "service_type", "priority", "response_minutes",
                    "arrival_minutes", "resolution_minutes", "calendar", "warning_percent"]
    list_filter = ["contract", "service_type", "priority"]
    list_editable = ["response_minutes", "arrival_minutes", "resolution_minutes",
                     "warning_percent"]
    list_select_related = ["contract", "service_type", "calendar"]


@admin.register(EscalationRule)
class EscalationRuleAdmin(SimpleHistoryAdmin):
    list_display = ["level", "contract", "trigger", "offset_minutes", "max_priority",
                    "clock_kinds", "recipient", "active"]
    list_filter = ["contract", "trigger", "recipient", "active"]


@admin.register(Clock)
class ClockAdmin(admin.ModelAdmin):
    """Clocks are the engine's own records: read them here, change them through tickets."""

    list_display = ["ticket", "kind", "due_at", "paused_since", "stopped_at", "met",
                    "breached_at", "provisional"]
    list_filter = ["kind", "met", "provisional"]
    readonly_fields = [f.name for f in Clock._meta.fields]
    list_select_related = ["ticket"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False


@admin.register(Escalation)
class EscalationAdmin(admin.ModelAdmin):
    list_display = ["clock", "rule", "fired_at", "overdue_seconds"]
    readonly_fields = ["clock", "rule", "fired_at", "overdue_seconds"]
    list_select_related = ["clock__ticket", "rule"]

    def has_add_permission(self, request):
        return False
