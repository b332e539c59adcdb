"""Admin of the knowledge app. Problems, changes and notices are written through their pages
and API (their services check every rule); the admin only sets each contract's notice period.
"""

from django.contrib import admin

# --- problems, changes, notices (k18chg) ---
from knowledge.models import NoticePolicy


@admin.register(NoticePolicy)
class NoticePolicyAdmin(admin.ModelAdmin):
    list_display = ["contract", "notice_hours"]
    search_fields = ["contract__code", "contract__name"]
    autocomplete_fields = ["contract"]
