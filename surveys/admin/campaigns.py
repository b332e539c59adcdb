"""Admin for campaigns: read-only; campaigns, their questions and invitations are made and run from
the portal pages (surveys/services/campaigns.py checks them)."""

from django.contrib import admin

from core.admin import ReadOnlyAdminMixin
from surveys.models import Campaign, Invitation, Question


class QuestionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Question
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "status", "opens_on", "closes_on", "anonymous"]
    list_filter = ["status", "contracts"]
    search_fields = ["title"]
    filter_horizontal = ["contracts", "departments"]
    raw_id_fields = ["created_by"]
    inlines = [QuestionInline]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["campaign", "person", "contract", "invited_at", "reminded_at", "answered_at"]
    list_filter = ["campaign"]
    list_select_related = ["campaign", "person", "contract"]
    raw_id_fields = ["person"]
    readonly_fields = ["token"]
