from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import Department, Organisation, SecurityEvent, Site, User


class DepartmentInline(admin.TabularInline):
    model = Department
    fk_name = "organisation"
    extra = 0


class SiteInline(admin.TabularInline):
    model = Site
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "kind", "phone"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    inlines = [DepartmentInline, SiteInline]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "parent"]
    list_filter = ["organisation"]
    search_fields = ["name"]
    list_select_related = ["organisation", "parent"]


@admin.register(Site)
class SiteAdmin(SimpleHistoryAdmin):
    list_display = ["name", "organisation", "address", "latitude", "longitude"]
    list_filter = ["organisation"]
    search_fields = ["name", "address"]
    list_select_related = ["organisation"]


@admin.register(User)
class PersonAdmin(UserAdmin, SimpleHistoryAdmin):
    list_display = ["username", "name", "role", "organisation", "department", "phone",
                    "employee_no", "is_active"]
    list_filter = ["role", "organisation", "is_active"]
    search_fields = ["username", "name", "phone", "employee_no", "email"]
    list_select_related = ["organisation", "department"]
    ordering = ["organisation__name", "name"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("name", "email", "phone", "employee_no")}),
        (_("Organisation and role"), {"fields": ("role", "organisation", "department", "site")}),
        (_("Status"), {"fields": ("is_active", "last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",),
                "fields": ("username", "name", "role", "organisation", "password1", "password2")}),
    )
    readonly_fields = ["last_login", "date_joined"]


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    """The security log: read-only; rows go only by security_events_purge (retention)."""

    list_display = ["at", "kind", "username", "actor", "ip_address", "target"]
    list_filter = ["kind", ("at", admin.DateFieldListFilter),
                   ("actor", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["username", "ip_address", "target"]
    date_hierarchy = "at"
    list_select_related = ["actor"]
    readonly_fields = ["at", "kind", "actor", "username", "ip_address", "user_agent", "target",
                       "details"]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
