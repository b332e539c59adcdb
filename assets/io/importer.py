"""Importing and exporting the asset register (A3): the columns and the import service.

An import is all or nothing: every row is read and checked first, and every problem is reported
by spreadsheet row and column; only a file without a single error is written, in one
transaction, matching existing assets of the contract by tag, else by serial number. Importing
the same file twice changes nothing the second time. Export (assets/io/write.py) writes the same
columns, so an exported file imports back unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.models import Department, Site, User
from assets.io.columns import (
    COLUMNS,
    COLUMNS_BY_KEY,
    SPEC_MAX_LENGTH,
    SPEC_PREFIXES,
    spec_keys_in_use,
)
from assets.io.read import parse_date, read_bytes
from assets.io.write import write_export
from assets.models import Asset, AssetStatus, AssetType, Criticality
from assets.permissions import may_import
from core.clock import now
from core.sheet_import import (
    BATCH,
    ImportResult,
    Plan,
    SheetSpec,
    fail,
    import_all_or_nothing,
    read_sheet,
)
from core.spreadsheets import RowError

# Attribute each lookup column sets on Asset.
ATTRIBUTES = {"asset_type": "asset_type_id", "site": "site_id", "department": "department_id",
              "custodian": "custodian_id"}


def norm(text) -> str:
    """Header and label matching ignores case, spaces, underscores and full-width colons."""
    return re.sub(r"[\s_\-]+", "", str(text)).replace("：", ":").casefold()


HEADERS = {norm(alias): c for c in COLUMNS for alias in (c.header, c.key, *c.aliases)}


# Words Chinese registers use for the states, accepted whatever the translations say.
CHOICE_ALIASES = {
    "in_use": ("在用", "使用中", "正常"), "spare": ("备用", "闲置", "库存"),
    "in_repair": ("维修中", "送修", "故障"), "retired": ("报废", "已报废", "退役", "停用"),
    "core": ("核心",), "non_core": ("非核心", "一般"), "key_user": ("关键用户", "重要用户"),
}


def choice_labels(choices) -> dict[str, str]:
    """code, English label, Chinese label and common synonyms (normalised) → code."""
    found = {norm(alias): code for code, _label in choices.choices
             for alias in CHOICE_ALIASES.get(code, ())}
    for code, label in choices.choices:
        found[norm(code)] = code
        for language in ("en", "zh-hans"):
            with translation.override(language):
                found[norm(str(label))] = code
    return found


def assets_import(*, actor, contract, file_name: str, data, dry_run: bool = False,
                  progress=None) -> ImportResult:
    """Import a register file into a contract; actor=None is the system (management command).

    Returns the counts, or the errors with nothing written. Raises PermissionDenied when the
    actor may not import into this contract. ``progress(stage, rows)`` is called every BATCH
    rows while reading ("read") and checking ("check"), and once before writing ("write").
    The read / check / all-or-nothing skeleton is core/sheet_import.py's, shared with people.
    """
    progress = progress or (lambda stage, rows: None)
    if actor is not None and not may_import(actor, contract):
        raise PermissionDenied
    result = ImportResult(dry_run=dry_run)
    known_specs = {norm(key): key for key in spec_keys_in_use()}
    spec = SheetSpec(key_for=lambda text: _header_key(text, known_specs),
                     required=[(c.key, c.header) for c in COLUMNS if c.required],
                     max_rows=settings.ASSET_IMPORT_MAX_ROWS, clean=_clean,
                     check_headers=_check_headers)

    def check(headers, records) -> Plan:
        creates, updates, changed_fields = _plan(contract, headers, records, result, progress)
        return Plan(len(creates), len(updates), (creates, updates, changed_fields))

    def write(plan: Plan) -> None:
        progress("write", result.rows)
        _apply(actor, *plan.changes)

    return import_all_or_nothing(
        result, read=lambda: read_sheet(file_name, read_bytes(data), result, spec,
                                        progress=progress),
        check=check, write=write,
        conflict=lambda exc: _("The register changed while the file was imported; nothing "
                               "was imported. Please try again."))


# --- reading and checking each cell -----------------------------------------------------------

def _check_headers(number, headers, result) -> None:
    if "tag" not in headers and "serial" not in headers:
        fail(result, number, COLUMNS_BY_KEY["tag"].header, _(
            "The file needs an asset tag or a serial number column to match assets."))


def _header_key(text: str, known_specs: dict[str, str]):
    normalised = norm(text)
    for prefix in SPEC_PREFIXES:
        if normalised.startswith(prefix):
            spec = known_specs.get(normalised[len(prefix):])
            return ("spec", spec) if spec else None
    column = HEADERS.get(normalised)
    return column.key if column else None


def _clean(row, key, header, value, result):
    """Per-cell checks that need no database: length, required, dates."""
    if isinstance(key, tuple):
        if isinstance(value, str) and len(value) > SPEC_MAX_LENGTH:
            result.errors.append(RowError(row, header, _too_long(SPEC_MAX_LENGTH)))
        return value.isoformat() if hasattr(value, "isoformat") else value
    column = COLUMNS_BY_KEY[key]
    if value is None:
        if column.required:
            result.errors.append(RowError(row, header, _("A value is required.")))
        return None
    if column.kind == "date":
        try:
            return parse_date(value)
        except ValueError:
            result.errors.append(RowError(row, header, _(
                "“%(value)s” is not a date; write it as 2026-01-05.") % {"value": value}))
            return None
    if hasattr(value, "isoformat"):
        value = value.isoformat()
    if column.max_length and len(value) > column.max_length:
        result.errors.append(RowError(row, header, _too_long(column.max_length)))
    return value


def _too_long(limit: int) -> str:
    return _("Too long: at most %(limit)s characters.") % {"limit": limit}


# --- checking against the register and planning the writes ------------------------------------

def _chunks(values: Iterable, size: int = BATCH):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start:start + size]


class _Lookups:
    """Everything the rows refer to, loaded in a constant number of queries per 500 rows."""

    def __init__(self, contract, records):
        client_id = contract.client_id
        self.types = {}
        for asset_type in AssetType.objects.all():
            for label in (asset_type.code, asset_type.name, asset_type.name_en):
                if label:
                    self.types.setdefault(norm(label), asset_type.pk)
        self.statuses = choice_labels(AssetStatus)
        self.criticalities = choice_labels(Criticality)
        self.sites = {norm(s.name): s.pk for s in Site.objects.filter(organisation_id=client_id)}
        self.departments = {norm(d.name): d.pk
                            for d in Department.objects.filter(organisation_id=client_id)}
        wanted = {r.values.get("custodian") for r in records} - {None}
        self.usernames, self.employee_nos = {}, {}
        for chunk in _chunks(wanted):
            for user in User.objects.filter(organisation_id=client_id).filter(
                    Q(username__in=chunk) | Q(employee_no__in=chunk)).only(
                    "pk", "username", "employee_no"):
                self.usernames[user.username] = user.pk
                if user.employee_no:
                    self.employee_nos.setdefault(user.employee_no, set()).add(user.pk)
        tags = {r.values.get("tag") for r in records} - {None}
        serials = {r.values.get("serial") for r in records} - {None}
        self.by_tag, self.by_serial, self.foreign_tags = {}, {}, set()
        loaded: dict[int, Asset] = {}
        for chunk in _chunks(tags):
            for asset in Asset.objects.filter(tag__in=chunk):
                if asset.contract_id == contract.pk:
                    self.by_tag[asset.tag] = loaded.setdefault(asset.pk, asset)
                else:
                    self.foreign_tags.add(asset.tag)
        for chunk in _chunks(serials):
            for asset in Asset.objects.filter(contract=contract, serial__in=chunk):
                self.by_serial[asset.serial] = loaded.setdefault(asset.pk, asset)

    def custodian(self, value):
        if value in self.usernames:
            return self.usernames[value], None
        matches = self.employee_nos.get(value, set())
        if len(matches) == 1:
            return next(iter(matches)), None
        if matches:
            return None, _("Several people have employee number “%(value)s”; use the username.")
        return None, _("No person of the client has the username or employee number "
                       "“%(value)s”.")


def _plan(contract, headers, records, result, progress):
    """Resolve every row; return (assets to create, assets to update, fields updated)."""
    lookups = _Lookups(contract, records)
    moment = now()
    creates, updates, changed_fields = [], [], set()
    seen_tags, seen_serials, matched = {}, {}, {}
    for done, record in enumerate(records, start=1):
        if done % BATCH == 0:
            progress("check", done)
        values, row = record.values, record.number
        target, ok = _resolve(row, values, headers, lookups, result)
        tag, serial = values.get("tag"), values.get("serial")
        asset = lookups.by_tag.get(tag) if tag else None
        if asset is None and serial:
            asset = lookups.by_serial.get(serial)
        for value, seen, key in ((tag, seen_tags, "tag"), (serial, seen_serials, "serial")):
            if value and value in seen:
                ok = fail(result, row, headers[key], _(
                    "“%(value)s” is also on row %(other)s.") % {"value": value,
                                                                 "other": seen[value]})
            elif value:
                seen[value] = row
        if not tag and not serial:
            ok = fail(result, row, headers.get("tag") or headers.get("serial"), _(
                "Give an asset tag or a serial number so the row can be matched next time."))
        if tag and tag in lookups.foreign_tags:
            ok = fail(result, row, headers["tag"], _(
                "Tag “%(value)s” is already used by an asset of another contract.")
                % {"value": tag})
        if asset is not None:
            if asset.pk in matched:
                ok = fail(result, row, headers.get("tag") or headers["serial"], _(
                    "This row matches the same asset as row %(other)s.")
                    % {"other": matched[asset.pk]})
            matched[asset.pk] = row
        holder = lookups.by_serial.get(serial) if serial else None
        if holder is not None and holder is not asset:
            ok = fail(result, row, headers["serial"], _(
                "Serial number “%(value)s” is already used by asset %(asset)s.")
                % {"value": serial, "asset": holder.label})
        if not ok or result.errors:
            continue  # after the first error only checking goes on: nothing will be written
        if asset is None:
            creates.append(_new_asset(contract, target, moment))
        else:
            fields = _update(asset, target, moment)
            if fields:
                updates.append(asset)
                changed_fields.update(fields)
    return creates, updates, changed_fields


def _resolve(row, values, headers, lookups, result) -> tuple[dict, bool]:
    """The row's target attribute values (only for columns the file has)."""
    target, ok = {}, True
    problems = {
        "asset_type": (lookups.types, _("Unknown asset type “%(value)s”.")),
        "status": (lookups.statuses, _("Unknown status “%(value)s”.")),
        "criticality": (lookups.criticalities, _("Unknown criticality “%(value)s”.")),
        "site": (lookups.sites, _("The client has no site “%(value)s”.")),
        "department": (lookups.departments, _("The client has no department “%(value)s”.")),
    }
    for key, value in values.items():
        if isinstance(key, tuple):
            target.setdefault("specs", {})[key[1]] = value
            continue
        attribute = ATTRIBUTES.get(key, key)
        if key in problems:
            if value is None:
                target[attribute] = None
                continue
            table, message = problems[key]
            found = table.get(norm(value))
            if found is None:
                ok = fail(result, row, headers[key], message % {"value": value})
            target[attribute] = found
        elif key == "custodian":
            if value is None:
                target[attribute] = None
                continue
            found, message = lookups.custodian(value)
            if message:
                ok = fail(result, row, headers[key], message % {"value": value})
            target[attribute] = found
        elif COLUMNS_BY_KEY[key].kind == "date":
            target[attribute] = value
        else:
            target[attribute] = value or ""
    return target, ok


def _new_asset(contract, target, moment) -> Asset:
    values = {k: v for k, v in target.items() if not (k in ("status", "criticality") and v is None)}
    specs = {k: v for k, v in values.pop("specs", {}).items() if v is not None}
    asset = Asset(contract=contract, specs=specs, created_at=moment, updated_at=moment, **values)
    if asset.status == AssetStatus.RETIRED:
        asset.retired_at = moment
    return asset


def _update(asset: Asset, target: dict, moment) -> list[str]:
    """Apply the row to the loaded asset; the names of the fields that really changed."""
    changed = []
    for attribute, value in target.items():
        if attribute == "specs":
            specs = dict(asset.specs or {})
            for key, text in value.items():
                if text is None:
                    specs.pop(key, None)
                elif str(specs.get(key)) != text or key not in specs:
                    specs[key] = text
            if specs != (asset.specs or {}):
                asset.specs = specs
                changed.append("specs")
            continue
        if attribute in ("status", "criticality") and value is None:
            continue  # a blank status keeps the current one
        if getattr(asset, attribute) != value:
            setattr(asset, attribute, value)
            changed.append(attribute.removesuffix("_id") if attribute in ATTRIBUTES.values()
                           else attribute)
    if "status" in changed:
        asset.retired_at = moment if asset.status == AssetStatus.RETIRED else None
        changed.append("retired_at")
    if changed:
        asset.updated_at = moment
        asset.version += 1  # bulk writes skip Versioned.save
        changed += ["updated_at", "version"]
    return changed


def _apply(actor, creates, updates, changed_fields) -> None:
    moment = now()
    reason = "import"
    with transaction.atomic():
        # Updates first: a tag or serial an update gives up may be taken by a new row.
        if updates and connection.vendor == "postgresql":
            _update_from_values(updates, sorted(changed_fields))
            Asset.history.bulk_history_create(
                updates, batch_size=BATCH, update=True, default_user=actor,
                default_change_reason=reason, default_date=moment)
        elif updates:
            bulk_update_with_history(updates, Asset, sorted(changed_fields), batch_size=BATCH,
                                     default_user=actor, default_change_reason=reason,
                                     default_date=moment)
        if creates:
            bulk_create_with_history(creates, Asset, batch_size=BATCH, default_user=actor,
                                     default_change_reason=reason, default_date=moment)


def _update_from_values(assets: list[Asset], fields: list[str], batch: int = 1000) -> None:
    """PostgreSQL: one `UPDATE … FROM (VALUES …)` per batch. Django's bulk_update writes a
    CASE WHEN per field and row, which took 16 of the 27 s of a 10,000-row import that changed
    every row; this takes a few seconds."""
    meta = Asset._meta
    columns = [meta.get_field(name) for name in fields]
    names = ", ".join(connection.ops.quote_name(f.column) for f in columns)
    assignments = ", ".join(f"{connection.ops.quote_name(f.column)} = v."
                            f"{connection.ops.quote_name(f.column)}" for f in columns)
    casts = ", ".join(["%s::bigint", *(f"%s::{f.db_type(connection)}" for f in columns)])
    table = connection.ops.quote_name(meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(assets), batch):
            chunk = assets[start:start + batch]
            params = []
            for asset in chunk:
                params.append(asset.pk)
                params += [f.get_db_prep_save(getattr(asset, f.attname), connection)
                           for f in columns]
            rows = ", ".join([f"({casts})"] * len(chunk))
            cursor.execute(
                f"UPDATE {table} AS t SET {assignments} FROM (VALUES {rows}) "  # noqa: S608
                f"AS v(id, {names}) WHERE t.id = v.id", params)


def assets_export(*, contract, fmt: str, out, assets=None) -> None:
    """Write the contract's register (or the given filtered assets of it) to a binary file."""
    write_export(contract=contract, fmt=fmt, out=out, assets=assets)
