"""Asset register pages: list, detail, create, edit, retire, relations, labels, the QR landing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Department, Site
from accounts.roles import Capability, can
from assets import labels
from assets.filters import WARRANTY_CHOICES, AssetFilterSet
from assets.forms import register as forms
from assets.models import Asset, AssetRelation, AssetStatus, AssetType
from assets.permissions import may_edit_assets
from assets.selectors.register import (
    asset_get,
    asset_history,
    asset_list,
    asset_relations,
    asset_reliability,
    asset_tickets,
    assets_reportable_by,
    assets_visible_to,
    warranty_state,
)
from assets.services import register as services
from core.errors import ActionRefused
from core.forms import add_service_error
from core.paging import page_of, query_without_page
from sla.selectors import contracts_visible_to

LABELS_MAX = 240  # ten A4 sheets


def _require(user, capability) -> None:
    if not can(user, capability):
        raise PermissionDenied


def _asset_or_404(user, pk: int) -> Asset:
    try:
        return asset_get(user=user, pk=pk)
    except Asset.DoesNotExist:
        raise Http404 from None


@login_required
def asset_list_view(request):
    _require(request.user, Capability.SEE_ASSETS)
    filterset = AssetFilterSet(request.GET, queryset=asset_list(user=request.user),
                               request=request)
    page = page_of(filterset.qs, request.GET.get("page"))
    contracts = list(contracts_visible_to(request.user).order_by("code"))
    clients = [c.client_id for c in contracts]
    return render(request, "assets/list.html", {
        "page": page, "filters": filterset.values, "contracts": contracts,
        "types": AssetType.objects.all(), "query": query_without_page(request),
        "sites": Site.objects.filter(organisation_id__in=clients).order_by("name"),
        "departments": Department.objects.filter(organisation_id__in=clients).order_by("name"),
        "statuses": AssetStatus.choices, "criticalities": forms.Criticality.choices,
        "warranty_choices": WARRANTY_CHOICES,
        "may_edit": may_edit_assets(request.user),
        "may_import": can(request.user, Capability.IMPORT_ASSETS),
    })


@login_required
def asset_detail(request, pk: int):
    _require(request.user, Capability.SEE_ASSETS)
    asset = _asset_or_404(request.user, pk)
    tickets = list(asset_tickets(user=request.user, asset=asset)[:51])
    may_edit = may_edit_assets(request.user)
    return render(request, "assets/detail.html", {
        "asset": asset, "specs": _spec_rows(asset), "relations": asset_relations(asset),
        "tickets": tickets[:50], "more_tickets": len(tickets) > 50,
        "reliability": asset_reliability(asset), "history": asset_history(asset),
        "warranty": warranty_state(asset), "may_edit": may_edit,
        "inspections": asset.inspections.select_related("round__plan", "ticket")
                            .exclude(outcome="pending").order_by("-inspected_at")[:10],
        "relation_form": forms.RelationForm(), "retire_form": forms.RetireForm(),
        "label_url": labels.label_url(request, asset),
    })


def _spec_rows(asset: Asset) -> list[tuple[str, str]]:
    from django.utils import translation

    english = translation.get_language() == "en"
    rows = []
    known = set()
    for spec in asset.asset_type.spec_fields or []:
        known.add(spec["key"])
        if asset.specs.get(spec["key"]):
            label = spec.get("name_en") if english and spec.get("name_en") else spec["name"]
            rows.append((label, asset.specs[spec["key"]]))
    rows += [(key, value) for key, value in asset.specs.items() if key not in known and value]
    return rows


@login_required
def asset_new(request):
    _require(request.user, Capability.EDIT_ASSETS)
    if request.user.is_client_side:
        raise PermissionDenied
    initial = {"contract": request.GET.get("contract"), "asset_type": request.GET.get("type")}
    form = forms.AssetForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            asset = services.asset_create(actor=request.user,
                                          contract=form.cleaned_data["contract"],
                                          **form.asset_fields())
        except ActionRefused as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Asset %(asset)s registered.") % {"asset": asset})
            return redirect("assets:detail", pk=asset.pk)
    return render(request, "assets/form.html", {"form": form, "asset": None})


@login_required
def asset_edit(request, pk: int):
    _require(request.user, Capability.EDIT_ASSETS)
    asset = _asset_or_404(request.user, pk)
    if request.user.is_client_side:
        raise PermissionDenied
    form = forms.AssetForm(request.POST or None, user=request.user, asset=asset)
    if request.method == "POST" and form.is_valid():
        try:
            services.asset_update(actor=request.user, asset=asset,
                                  expected_version=form.cleaned_data["version"],
                                  **form.asset_fields())
        except ActionRefused as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Asset %(asset)s saved.") % {"asset": asset})
            return redirect("assets:detail", pk=asset.pk)
    return render(request, "assets/form.html", {"form": form, "asset": asset})


@login_required
@require_POST
def asset_retire(request, pk: int):
    _require(request.user, Capability.EDIT_ASSETS)
    asset = _asset_or_404(request.user, pk)
    form = forms.RetireForm(request.POST)
    try:
        form.is_valid()
        services.asset_retire(actor=request.user, asset=asset,
                              reason=form.cleaned_data.get("reason", ""))
    except ActionRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Asset %(asset)s retired.") % {"asset": asset})
    return redirect("assets:detail", pk=asset.pk)


@login_required
@require_POST
def relation_add(request, pk: int):
    _require(request.user, Capability.EDIT_ASSETS)
    asset = _asset_or_404(request.user, pk)
    form = forms.RelationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a relation and give the related asset's tag."))
        return redirect("assets:detail", pk=asset.pk)
    text = form.cleaned_data["target"].strip()
    target = (assets_visible_to(request.user).filter(contract_id=asset.contract_id)
              .filter(Q(tag=text) | Q(serial=text)).first())
    if target is None:
        messages.error(request, _("No asset of this contract has the tag or serial %(text)s.")
                       % {"text": text})
        return redirect("assets:detail", pk=asset.pk)
    try:
        services.relation_add(actor=request.user, source=asset,
                              kind=form.cleaned_data["kind"], target=target)
    except ActionRefused as exc:
        messages.error(request, str(exc))
    return redirect("assets:detail", pk=asset.pk)


@login_required
@require_POST
def relation_remove(request, pk: int, relation_pk: int):
    _require(request.user, Capability.EDIT_ASSETS)
    asset = _asset_or_404(request.user, pk)
    relation = AssetRelation.objects.filter(
        Q(source=asset) | Q(target=asset), pk=relation_pk).select_related(
        "source__contract").first()
    if relation is None:
        raise Http404
    try:
        services.relation_remove(actor=request.user, relation=relation)
    except ActionRefused as exc:
        messages.error(request, str(exc))
    return redirect("assets:detail", pk=asset.pk)


@login_required
def asset_labels(request):
    """A printable A4 sheet of labels for the chosen assets (or the list's current filter)."""
    _require(request.user, Capability.SEE_ASSETS)
    ids = [int(i) for i in request.GET.getlist("ids") if i.isdigit()][:LABELS_MAX]
    if ids:
        assets = assets_visible_to(request.user).filter(pk__in=ids).select_related(
            "contract__client").order_by("tag", "pk")
    else:
        assets = AssetFilterSet(request.GET, queryset=asset_list(user=request.user),
                                request=request).qs.select_related("contract__client")
    assets = list(assets[:LABELS_MAX])
    return render(request, "assets/labels.html", {
        "labels": [{"asset": a, "url": labels.label_url(request, a),
                    "qr": labels.qr_svg(labels.label_url(request, a))} for a in assets],
        "truncated": len(assets) == LABELS_MAX,
    })


@login_required
def tag_landing(request, tag: str):
    """Where a scanned QR label lands: staff on the asset page, the client's people on
    "report a fault on this asset"."""
    asset = Asset.objects.filter(tag=tag).exclude(tag="").first()
    user = request.user
    if asset is None:
        raise Http404
    if not user.is_client_side and can(user, Capability.SEE_ASSETS) and \
            assets_visible_to(user).filter(pk=asset.pk).exists():
        return redirect("assets:detail", pk=asset.pk)
    if can(user, Capability.FILE_TICKETS) and \
            assets_reportable_by(user).filter(pk=asset.pk).exists():
        return redirect(f"{reverse('tickets:new')}?{urlencode({'asset': asset.tag})}")
    raise Http404


@login_required
def asset_lookup(request):
    """htmx: <option>s for the phone form's device field, matching a tag or serial prefix."""
    _require(request.user, Capability.SEE_ASSETS)
    text = (request.GET.get("asset_ref") or request.GET.get("q") or "").strip()[:64]
    assets = []
    if len(text) >= 2:
        found = assets_reportable_by(request.user).filter(
            Q(tag__istartswith=text) | Q(serial__istartswith=text))
        if request.GET.get("contract"):
            found = found.filter(contract__code=request.GET["contract"])
        assets = list(found.order_by("tag")[:10])
    return render(request, "assets/_lookup_options.html", {"assets": assets})
