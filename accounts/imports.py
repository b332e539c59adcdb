"""Importing people of one organisation from Excel or CSV (issue 15, point 11).

The same rules as the asset register's import (assets/io/importer.py): every row is read and
checked first and every problem reported by spreadsheet row and column; only a file without a
single error is written, in one transaction. A row matches an existing person of the
organisation by username, else employee number, else (a row with neither) phone, so importing
the same file twice changes nothing the second time. Within a client an employee number and a
phone number name one person: a second person with either, in the file or already in the
portal, is an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Department, Organisation, Site, User
from accounts.permissions import roles_grantable_by
from accounts.roles import Role
from accounts.services import check_may_manage, free_username, person_create, person_update
from core.errors import ActionRefused
from core.sheet_import import (
    ImportResult,
    Plan,
    SheetRow,
    SheetSpec,
    import_all_or_nothing,
    read_sheet,
)
from core.spreadsheets import RowError, read_upload

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # Chinese, as the template writes it
    aliases: tuple[str, ...]
    label: str
    max_length: int
    required: bool = False


COLUMNS = [
    Column("name", "姓名", ("name", "名字"), gettext_lazy("Name"), 100, required=True),
    Column("username", "用户名", ("username", "login", "账号"), gettext_lazy("Username"), 150),
    Column("employee_no", "工号", ("employee number", "employee no", "employee_no", "员工编号"),
           gettext_lazy("Employee number"), 40),
    Column("phone", "电话", ("phone", "mobile", "手机", "手机号", "联系电话"),
           gettext_lazy("Phone"), 40),
    Column("email", "邮箱", ("email", "e-mail", "电子邮件"), gettext_lazy("E-mail"), 254),
    Column("department", "部门", ("department",), gettext_lazy("Department"), 120),
    Column("site", "地点", ("site", "location", "办公地点"), gettext_lazy("Site"), 120),
    Column("role", "角色", ("role",), gettext_lazy("Role"), 64),
]
COLUMNS_BY_KEY = {c.key: c for c in COLUMNS}


def norm(text) -> str:
    """Headers and names match ignoring case, spaces, underscores and dashes."""
    return re.sub(r"[\s_\-]+", "", str(text)).casefold()


HEADERS = {norm(alias): c.key for c in COLUMNS for alias in (c.header, c.key, *c.aliases)}


def role_labels() -> dict[str, str]:
    found = {}
    for code, label in Role.choices:
        found[norm(code)] = code
        for language in ("en", "zh-hans"):
            with translation.override(language):
                found[norm(str(label))] = code
    return found


# The shared result: counts, or the errors with nothing written.
PeopleImportResult = ImportResult


@dataclass
class _Row(SheetRow):
    person: User | None = None
    target: dict = field(default_factory=dict)


def people_import(*, actor, organisation: Organisation, file_name: str, data,
                  dry_run: bool = False) -> PeopleImportResult:
    """Import a file of people into ``organisation``: the counts, or the errors with nothing
    written. Raises PermissionRefused when the actor may not manage its people. The read /
    check / all-or-nothing skeleton is core/sheet_import.py's, shared with the register."""
    # The services' own rule, before a byte of the file is read.
    check_may_manage(actor, organisation, Role.END_USER)
    result = PeopleImportResult(dry_run=dry_run)

    def read():
        content = read_upload(data, limit=MAX_BYTES, too_big=_(
            "The file is larger than %(size)s MB; split it into smaller files.")
            % {"size": MAX_BYTES // 1024 // 1024})
        return read_sheet(file_name, content, result, SPEC, row_class=_Row)

    def check(headers, rows) -> Plan:
        _check(actor, organisation, headers, rows, result)
        if result.errors:
            return Plan(0, 0)
        changes = [(row, _changes(row)) for row in rows]
        created = sum(1 for row, _c in changes if row.person is None)
        updated = sum(1 for row, c in changes if row.person is not None and c)
        return Plan(created, updated, changes)

    def conflict(exc) -> str:
        # Someone changed the organisation's people between the check and the write.
        message = exc.message if isinstance(exc, ActionRefused) else ""
        return _("The people changed while the file was imported; nothing was imported. "
                 "Please try again.") + (f" ({message})" if message else "")

    return import_all_or_nothing(
        result, read=read, check=check, conflict=conflict,
        write=lambda plan: _write(actor, organisation, plan.changes),
        conflicts=(IntegrityError, ActionRefused))


def _clean(number, key, header, value, result):
    """Per-cell checks: text, required, length."""
    if value is not None and not isinstance(value, str):
        value = value.isoformat() if hasattr(value, "isoformat") else str(value)
    column = COLUMNS_BY_KEY[key]
    if value is None and column.required:
        result.errors.append(RowError(number, header, _("A value is required.")))
    elif value is not None and len(value) > column.max_length:
        result.errors.append(RowError(number, header, _(
            "Too long: at most %(limit)s characters.") % {"limit": column.max_length}))
    return value


SPEC = SheetSpec(key_for=lambda text: HEADERS.get(norm(text)),
                 required=[(c.key, c.header) for c in COLUMNS if c.required],
                 max_rows=MAX_ROWS, clean=_clean)


# --- checking ---------------------------------------------------------------------------------

def _check(actor, organisation, headers, rows, result) -> None:
    departments = {norm(d.name): d for d in Department.objects.filter(organisation=organisation)}
    sites = {norm(s.name): s for s in Site.objects.filter(organisation=organisation)}
    roles = role_labels()
    grantable = set(roles_grantable_by(actor))
    people = list(User.objects.filter(organisation=organisation))
    by_username = {p.username.casefold(): p for p in people}
    by_employee_no = {p.employee_no: p for p in people if p.employee_no}
    by_phone = {p.phone: p for p in people if p.phone}
    is_client = organisation.kind == Organisation.Kind.CLIENT
    wanted = {(r.values.get("username") or "").casefold() for r in rows} - {""}
    taken_elsewhere = {u.casefold() for u in User.objects.filter(
        Q(username__in=wanted) | Q(username__in={w.upper() for w in wanted}))
        .exclude(organisation=organisation).values_list("username", flat=True)}
    seen = {"username": {}, "employee_no": {}, "phone": {}}

    def fail(row, key, message):
        result.errors.append(RowError(row.number, headers.get(key, ""), message))

    for row in rows:
        values = row.values
        username = values.get("username")
        employee_no, phone = values.get("employee_no"), values.get("phone")
        # Which person the row is about.
        if username and username.casefold() in by_username:
            row.person = by_username[username.casefold()]
        elif employee_no and employee_no in by_employee_no:
            row.person = by_employee_no[employee_no]
        elif phone and phone in by_phone and not username and not employee_no:
            # Only a row without username and employee number is matched by phone: one that
            # names another employee number is a second person with the same phone.
            row.person = by_phone[phone]
        if username and username.casefold() in taken_elsewhere:
            fail(row, "username", _("The username “%(value)s” belongs to a person of another "
                                    "organisation.") % {"value": username})
        for key, value in (("username", username and username.casefold()),
                           ("employee_no", employee_no), ("phone", phone if is_client else None)):
            if not value:
                continue
            if value in seen[key]:
                fail(row, key, _("“%(value)s” is also on row %(other)s.")
                     % {"value": values.get(key), "other": seen[key][value]})
            else:
                seen[key][value] = row.number
        if employee_no and employee_no in by_employee_no and (
                by_employee_no[employee_no] is not row.person):
            fail(row, "employee_no", _("Employee number “%(value)s” is already %(person)s's.")
                 % {"value": employee_no, "person": by_employee_no[employee_no].display_name})
        if is_client and phone and phone in by_phone and by_phone[phone] is not row.person:
            fail(row, "phone", _("The phone number %(value)s is already %(person)s's.")
                 % {"value": phone, "person": by_phone[phone].display_name})
        target = {"name": values.get("name") or ""}
        for key in ("employee_no", "phone", "email"):
            if key in headers:
                target[key] = values.get(key) or ""
        for key, table, message in (
                ("department", departments, _("The organisation has no department “%(value)s”.")),
                ("site", sites, _("The organisation has no site “%(value)s”."))):
            if key not in headers:
                continue
            value = values.get(key)
            if value is None:
                target[key] = None
            elif norm(value) in table:
                target[key] = table[norm(value)]
            else:
                fail(row, key, message % {"value": value})
        if "role" in headers and values.get("role"):
            role = roles.get(norm(values["role"]))
            if role is None:
                fail(row, "role", _("Unknown role “%(value)s”.") % {"value": values["role"]})
            elif role not in grantable:
                fail(row, "role", _("You may not give the role “%(value)s”.")
                     % {"value": values["role"]})
            else:
                target["role"] = role
        if row.person is not None and row.person.role not in grantable:
            fail(row, "name", _("You may not edit %(person)s.")
                 % {"person": row.person.display_name})
        if username:
            target["username"] = username
        row.target = target


def _changes(row: _Row) -> dict:
    """The fields a row changes on its matched person (all of them for a new person)."""
    target = {k: v for k, v in row.target.items() if k != "username"}
    if row.person is None:
        return target
    changed = {}
    for key, value in target.items():
        current = getattr(row.person, f"{key}_id" if key in ("department", "site") else key)
        if current != (value.pk if hasattr(value, "pk") else value):
            changed[key] = value
    return changed


# --- writing ----------------------------------------------------------------------------------

def _write(actor, organisation, changes) -> None:
    with transaction.atomic():
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        for row, fields in changes:
            if row.person is None:
                key = fields.get("employee_no") or fields.get("phone") or row.number
                username = row.target.get("username") or free_username(
                    f"{organisation.code}-{key}")
                person_create(actor=actor, username=username, organisation=organisation,
                              **fields)
            elif fields:
                person_update(actor=actor, person=row.person, **fields)
