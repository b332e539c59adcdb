"""Changes to the asset register: one function per change, one transaction each (STYLE.md).

Views, the API, the importer and the beat jobs all call these; simple-history records who
changed what on every save.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import User
from assets.models import Asset, AssetRelation, AssetStatus
from assets.permissions import may_edit_assets
from core.clock import now
from core.errors import ActionRefused, InvalidInput, PermissionRefused
from core.versions import check_version
from notifications.services import notification_enqueue
from sla.models import Contract
from sla.selectors import contracts_visible_to

# What a form or the API may set; everything else (flags, timestamps) belongs to the services.
EDITABLE = ("tag", "name", "asset_type", "manufacturer", "model", "serial", "part_number",
            "specs", "software", "site", "location", "department", "custodian", "status",
            "criticality", "purchase_date", "warranty_end", "warranty_vendor", "notes")


def _require_edit(actor: User, contract: Contract) -> None:
    if not may_edit_assets(actor):
        raise PermissionRefused(_("Your role may not change the asset register."))
    if not contracts_visible_to(actor).filter(pk=contract.pk).exists():
        raise PermissionRefused(_("You are not on this contract."))


def asset_validate(asset: Asset) -> None:
    """The rules a form, the API and the importer share; raises InvalidInput naming the field."""
    client_id = asset.contract.client_id
    if not (asset.name or "").strip():
        raise InvalidInput(_("Give the asset a name."), field="name")
    if asset.site_id and asset.site.organisation_id != client_id:
        raise InvalidInput(_("The site is not one of the client's sites."), field="site")
    if asset.department_id and asset.department.organisation_id != client_id:
        raise InvalidInput(_("The department is not one of the client's departments."),
                           field="department")
    if asset.custodian_id and asset.custodian.organisation_id != client_id:
        raise InvalidInput(_("The custodian is not a person of the client."),
                           field="custodian")
    if asset.tag and Asset.objects.filter(tag=asset.tag).exclude(pk=asset.pk).exists():
        raise InvalidInput(_("Asset tag %(tag)s is already in use.") % {"tag": asset.tag},
                           field="tag")
    if asset.serial and Asset.objects.filter(contract_id=asset.contract_id,
                                             serial=asset.serial).exclude(pk=asset.pk).exists():
        raise InvalidInput(_("Serial number %(serial)s is already registered.")
                           % {"serial": asset.serial}, field="serial")
    if (asset.purchase_date and asset.warranty_end
            and asset.warranty_end < asset.purchase_date):
        raise InvalidInput(_("The warranty cannot end before the purchase date."),
                           field="warranty_end")
    allowed = set(asset.asset_type.spec_keys())
    unknown = sorted(set(asset.specs or {}) - allowed)
    if unknown:
        raise InvalidInput(_("Unknown specification fields for %(type)s: %(keys)s.")
                           % {"type": asset.asset_type.label, "keys": ", ".join(unknown)},
                           field="specs")


def _clean(fields: dict) -> dict:
    cleaned = {}
    for key, value in fields.items():
        if key not in EDITABLE:
            raise PermissionRefused(_("You may not set: %(fields)s.") % {"fields": key})
        if isinstance(value, str) and key != "notes":
            value = value.strip()
        if key == "specs":
            value = {k: str(v).strip() for k, v in (value or {}).items() if str(v).strip()}
        cleaned[key] = value
    return cleaned


@transaction.atomic
def asset_create(*, actor: User, contract: Contract, **fields) -> Asset:
    _require_edit(actor, contract)
    moment = now()
    asset = Asset(contract=contract, created_at=moment, updated_at=moment, **_clean(fields))
    if asset.status == AssetStatus.RETIRED:
        asset.retired_at = moment
    asset_validate(asset)
    asset._history_user = actor
    try:
        with transaction.atomic():
            asset.save()
    except IntegrityError:  # a concurrent registration took the tag or serial
        raise ActionRefused(_("The asset tag or serial number is already in use.")) from None
    return asset


@transaction.atomic
def asset_update(*, actor: User, asset: Asset, expected_version: int | None = None,
                 **fields) -> Asset:
    """``expected_version``: the version the edit was made from (the form's hidden field, the
    API's If-Match); an older one is refused as stale (core/versions.py)."""
    asset = Asset.objects.select_for_update().select_related("contract", "asset_type").get(
        pk=asset.pk)
    _require_edit(actor, asset.contract)
    check_version(asset, expected_version)
    changes = _clean(fields)
    changed = [key for key, value in changes.items() if getattr(asset, key) != value]
    if not changed:
        return asset
    for key in changed:
        setattr(asset, key, changes[key])
    if "asset_type" in changed:  # spec fields belong to the type: keep only the new type's
        keys = set(asset.asset_type.spec_keys())
        asset.specs = {k: v for k, v in asset.specs.items() if k in keys}
    if "status" in changed:
        asset.retired_at = now() if asset.status == AssetStatus.RETIRED else None
    asset_validate(asset)
    asset.updated_at = now()
    asset._history_user = actor
    try:
        with transaction.atomic():
            asset.save()
    except IntegrityError:
        raise ActionRefused(_("The asset tag or serial number is already in use.")) from None
    return asset


def asset_retire(*, actor: User, asset: Asset, reason: str = "") -> Asset:
    """Retired assets stay in the register with their history; they leave lists and forms."""
    notes = asset.notes
    if reason.strip():
        stamp = now().strftime("%Y-%m-%d")
        notes = f"{notes}\n{stamp} {_('Retired')}: {reason.strip()}".strip()
    return asset_update(actor=actor, asset=asset, status=AssetStatus.RETIRED, notes=notes)


@transaction.atomic
def relation_add(*, actor: User, source: Asset, kind: str, target: Asset) -> AssetRelation:
    _require_edit(actor, source.contract)
    if kind not in AssetRelation.Kind.values:
        raise InvalidInput(_("Choose how the assets are related."), field="kind")
    if source.pk == target.pk:
        raise InvalidInput(_("An asset cannot be related to itself."), field="target")
    if target.contract_id != source.contract_id:
        raise InvalidInput(_("Both assets must be on the same contract."), field="target")
    relation, _created = AssetRelation.objects.get_or_create(source=source, kind=kind,
                                                             target=target)
    return relation


@transaction.atomic
def relation_remove(*, actor: User, relation: AssetRelation) -> None:
    _require_edit(actor, relation.source.contract)
    relation.delete()


def warranty_notices_send(*, today=None) -> int:
    """Tell each contract's PM, once per asset and warranty end, about warranties ending within
    the notice window (default 30 days). Returns the number of assets announced."""
    today = today or now().date()
    soon = today + timedelta(days=settings.WARRANTY_NOTICE_DAYS)
    due = (Asset.objects.exclude(status=AssetStatus.RETIRED)
           .filter(warranty_end__gte=today, warranty_end__lte=soon)
           .exclude(warranty_notice_for=F("warranty_end"))
           .select_related("contract__project_manager", "asset_type", "site")
           .order_by("contract_id", "warranty_end", "pk"))
    announced = 0
    batch: dict[int, list[Asset]] = {}
    for asset in due.iterator(chunk_size=500):
        batch.setdefault(asset.contract_id, []).append(asset)
    for assets in batch.values():
        announced += _warranty_notice(assets)
    return announced


@transaction.atomic
def _warranty_notice(assets: list[Asset]) -> int:
    contract = assets[0].contract
    pm = contract.project_manager
    locked = list(Asset.objects.select_for_update(skip_locked=True, of=("self",))
                  .filter(pk__in=[a.pk for a in assets])
                  .exclude(warranty_notice_for=F("warranty_end"))
                  .select_related("asset_type", "site").order_by("warranty_end", "pk"))
    if not locked:
        return 0
    with translation.override(pm.language or settings.LANGUAGE_CODE):
        lines = [f"- {a.tag or '-'} {a.name} ({a.asset_type.label}, {a.site or ''}): "
                 f"{a.warranty_end:%Y-%m-%d} {a.warranty_vendor}" for a in locked]
        subject = _("[%(code)s] %(n)d warranties end within %(days)d days") % {
            "code": contract.code, "n": len(locked), "days": settings.WARRANTY_NOTICE_DAYS}
        body = "\n".join([
            _("These assets of %(contract)s go out of warranty soon; arrange an extension or "
              "a replacement with the client:") % {"contract": contract.name},
            "", *lines, "",
            f"{settings.SITE_URL}/assets/?contract={contract.code}&warranty=expiring"])
    notification_enqueue(
        recipient=pm, event="asset.warranty", subject=subject, body=body,
        dedupe_key=f"warranty:{contract.pk}:{min(a.pk for a in locked)}:"
                   f"{locked[0].warranty_end:%Y%m%d}:{len(locked)}")
    Asset.objects.filter(pk__in=[a.pk for a in locked]).update(
        warranty_notice_for=F("warranty_end"))
    return len(locked)
