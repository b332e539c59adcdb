from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import Department, Organisation, Site, User


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
    list_display = ["name", "organisation", "address"]
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
