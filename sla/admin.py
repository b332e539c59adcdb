from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from sla.models import Contract, ContractMember, ServiceCalendar


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
    filter_horizontal = ["sites", "client_contacts"]
    inlines = [ContractMemberInline]
