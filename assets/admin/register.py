"""Admin for the asset register (see itsm/admin_site.py for who may use it). Day-to-day work happens
on the register pages; the admin holds reference data (asset types, checklists) and repairs.

Asset writes go through assets/services/register.py like every other write: the admin's form shows
the service's refusal, and history records the administrator as the one who changed the asset.
There is no delete: an asset is retired (with its history kept), not removed."""

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from simple_history.admin import SimpleHistoryAdmin

from assets.models import Asset, AssetRelation, AssetType
from assets.services import register as services
from core.errors import ActionRefused
from core.forms import add_service_error


@admin.register(AssetType)
class AssetTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "ordering"]
    list_editable = ["ordering"]


class RelationInline(admin.TabularInline):
    model = AssetRelation
    fk_name = "source"
    extra = 0
    raw_id_fields = ["target"]


class AssetAdminForm(forms.ModelForm):
    """Checks the asset with the service's own rules before anything is saved, so a refusal
    shows on the form with what was typed still in it."""

    def _get_validation_exclusions(self):
        # The tag and the serial are unique (model constraints): the service checks them and
        # says so on the field ("Asset tag … is already in use."), where the model's own check
        # would put "Constraint “asset_unique_tag” is violated." on top of the form.
        return {*super()._get_validation_exclusions(), "tag", "serial"}

    def _post_clean(self):
        super()._post_clean()
        asset = self.instance
        if self.errors or asset.contract_id is None or asset.asset_type_id is None:
            return
        try:
            services.asset_validate(asset)
        except ActionRefused as exc:
            add_service_error(self, exc)


@admin.register(Asset)
class AssetAdmin(SimpleHistoryAdmin):
    form = AssetAdminForm
    list_display = ["tag", "name", "asset_type", "contract", "site", "status", "criticality",
                    "warranty_end"]
    list_filter = ["contract", "asset_type", "status", "criticality"]
    search_fields = ["tag", "serial", "name", "model"]
    list_select_related = ["asset_type", "contract", "site"]
    raw_id_fields = ["custodian"]
    readonly_fields = ["recurring_fault", "warranty_notice_for", "retired_at", "created_at",
                       "updated_at"]
    inlines = [RelationInline]
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        # An asset stays on its contract (the service has no move); a new one picks it.
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "contract"] if obj is not None else fields

    def has_delete_permission(self, request, obj=None):
        return False

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # What the form could not foresee (permission, a concurrent edit taking the tag) comes
        # back from the service after validation: nothing was saved; say why.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ActionRefused as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in services.EDITABLE
                  if name in form.cleaned_data}
        if change:
            saved = services.asset_update(actor=request.user, asset=obj, **fields)
        else:
            saved = services.asset_create(actor=request.user, contract=obj.contract, **fields)
        # The admin goes on with its own instance (inlines, the log entry, the redirect).
        for field in Asset._meta.concrete_fields:
            setattr(obj, field.attname, getattr(saved, field.attname))
        obj._state.adding, obj._state.db = False, saved._state.db
