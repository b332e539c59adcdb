"""Inspection rounds (巡检, A6): the changes — generation, recording and plans, one
transaction each. Periods, asset selection and the reads are in assets/selectors/inspections.py.

Generation (``rounds_generate``, hourly from beat and once from ``load_demo``) creates, for each
active plan of a contract in force, the round of the current period and, before National Day,
New Year and Spring Festival, an extra pre-holiday round. Rows are unique per
(plan, kind, period start), so running it twice — or in two processes at once — creates nothing
more. A round is never due before the day it was generated (a plan started on a Saturday gets a
weekly round due that Saturday, not an overdue one). A plan whose ``starts_on`` falls inside a
period gets that period's round from ``starts_on`` on; nothing is generated before ``starts_on``.

Recording: a completed record cannot be submitted again (its results, ticket and photos are the
record of what was found); a mistake is corrected on the ticket or in the next round.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.roles import Capability, can
from assets.models import (
    Asset,
    AssetStatus,
    Criticality,
    InspectionPhoto,
    InspectionPlan,
    InspectionRecord,
    InspectionResult,
    InspectionRound,
)
from assets.selectors.inspections import (
    PENDING,
    holiday_breaks_ahead,
    period_of,
    plan_assets,
    pre_holiday_working_days,
)
from core import uploads as files
from core.clock import now
from core.errors import ActionRefused, PermissionRefused
from core.periods import today as local_today
from sla.selectors import contracts_visible_to
from tickets.models import Priority, ServiceType
from tickets.services import ticket_file_finding

PHOTO_EXTENSIONS = {"jpg", "jpeg", "png", "gif", "webp", "heic"}
# Which service type a finding is filed under, by asset type code; anything else is hardware.
SERVICE_TYPE_BY_ASSET_TYPE = {"network": "network", "application": "software",
                              "licence": "software"}


# --------------------------------------------------------------------------------------------
# Generation
# --------------------------------------------------------------------------------------------


def _round_ensure(plan: InspectionPlan, *, kind: str, period_start: date, due_on: date,
                  holiday: str = "") -> int:
    """Create the round and its records unless it exists; 1 if created, else 0."""
    with transaction.atomic():
        asset_ids = list(plan_assets(plan).values_list("pk", flat=True))
        if not asset_ids:
            return 0
        # get_or_create: a concurrent generator that got there first makes this a no-op (the
        # unique constraint decides; the loser reads the winner's row).
        round_, created = InspectionRound.objects.get_or_create(
            plan=plan, kind=kind, period_start=period_start, defaults={
                "contract_id": plan.contract_id, "due_on": due_on, "holiday": holiday,
                "assignee_id": plan.assignee_id, "created_at": now()})
        if created:
            InspectionRecord.objects.bulk_create(
                [InspectionRecord(round=round_, asset_id=pk) for pk in asset_ids],
                ignore_conflicts=True)
    return int(created)


def rounds_generate(*, today=None) -> int:
    """Create the rounds due; idempotent. Returns how many were created."""
    today = today or local_today()
    plans = list(InspectionPlan.objects.filter(
        active=True, starts_on__lte=today, contract__starts_on__lte=today,
        contract__ends_on__gte=today).order_by("pk"))
    breaks = (holiday_breaks_ahead(today, working_days=pre_holiday_working_days())
              if any(p.pre_holiday for p in plans) else [])
    wanted = []  # (plan, kind, period_start, due_on, holiday)
    for plan in plans:
        start, due = period_of(plan.frequency, today)
        wanted.append((plan, InspectionRound.Kind.SCHEDULED, start, max(due, today), ""))
        if plan.pre_holiday:
            wanted += [(plan, InspectionRound.Kind.PRE_HOLIDAY, holiday.starts_on,
                        holiday.due_on, holiday.name) for holiday in breaks]
    # The rounds already there, in one query: most hours every round exists.
    existing = set(InspectionRound.objects.filter(
        plan_id__in=[p.pk for p in plans], period_start__in={w[2] for w in wanted})
        .values_list("plan_id", "kind", "period_start"))
    return sum(_round_ensure(plan, kind=kind, period_start=start, due_on=due, holiday=holiday)
               for plan, kind, start, due, holiday in wanted
               if (plan.pk, kind, start) not in existing)


# --------------------------------------------------------------------------------------------
# Recording
# --------------------------------------------------------------------------------------------


class InspectionInputError(ActionRefused):
    """Answers missing or wrong: HTTP 400, nothing saved. ``errors`` maps item ids to messages."""

    status_code = 400

    def __init__(self, message: str, errors: dict | None = None):
        super().__init__(message)
        self.errors = errors or {}


def _check_answers(items, results: dict) -> list[tuple]:
    """``[(item, outcome, note)]`` for every item, or InspectionInputError."""
    answers = {}
    for key, value in (results or {}).items():
        try:
            answers[int(key)] = value
        except (TypeError, ValueError):
            raise InspectionInputError(_("Unknown checklist item %(item)s.")
                                       % {"item": key}) from None
    unknown = sorted(set(answers) - {item.pk for item in items})
    if unknown:
        raise InspectionInputError(_("Unknown checklist items: %(items)s.")
                                   % {"items": ", ".join(map(str, unknown))})
    rows, errors = [], {}
    for item in items:
        outcome, note = answers.get(item.pk) or ("", "")
        note = (note or "").strip()
        if outcome not in InspectionResult.Outcome.values:
            errors[item.pk] = _("Choose pass, fail or not applicable.")
        elif outcome == InspectionResult.Outcome.FAIL and not note:
            errors[item.pk] = _("Say what is wrong.")
        elif len(note) > 500:
            errors[item.pk] = _("At most 500 characters.")
        rows.append((item, outcome, note))
    if errors:
        raise InspectionInputError(
            _("Answer every item; a failed item needs a note."), errors)
    return rows


def _check_photos(photos) -> None:
    files.validate_uploads(photos)
    for photo in photos:
        extension = files.validate_upload(photo)
        if extension not in PHOTO_EXTENSIONS:
            raise InspectionInputError(_("%(name)s is not a photo (allowed: %(types)s).")
                                       % {"name": photo.name,
                                          "types": ", ".join(sorted(PHOTO_EXTENSIONS))})


def _service_type_for(asset: Asset) -> ServiceType:
    wanted = SERVICE_TYPE_BY_ASSET_TYPE.get(asset.asset_type.code, "hardware")
    by_code = {s.code: s for s in ServiceType.objects.filter(active=True,
                                                             code__in=[wanted, "hardware"])}
    service_type = (by_code.get(wanted) or by_code.get("hardware")
                    or ServiceType.objects.filter(active=True).order_by("ordering", "pk").first())
    if service_type is None:
        raise ActionRefused(_("No service type is offered to file the finding under."))
    return service_type


def _file_finding(*, actor, record: InspectionRecord, round_: InspectionRound, failed: list,
                  notes: str):
    asset = record.asset
    # The ticket is a shared record the client reads: written in the site's language, not in
    # the language the engineer's browser happens to use.
    with translation.override(settings.LANGUAGE_CODE):
        separator = "、" if (translation.get_language() or "").startswith("zh") else ", "
        title = _("Inspection finding: %(asset)s — %(items)s") % {
            "asset": asset.label, "items": separator.join(item.label for item, _n in failed)}
        lines = [_("Found on inspection round %(round)s (due %(due)s).") % {
            "round": round_.plan.name, "due": round_.due_on.isoformat()}]
        lines += [f"- {item.label}: {note}" for item, note in failed]
        if notes:
            lines += ["", _("Inspector's notes: %(notes)s") % {"notes": notes}]
    return ticket_file_finding(
        actor=actor, asset=asset, service_type=_service_type_for(asset), title=title[:200],
        description="\n".join(lines),
        priority=Priority.P2 if asset.criticality == Criticality.CORE else Priority.P3)


@transaction.atomic
def inspection_record_complete(*, actor, record: InspectionRecord, results: dict,
                               notes: str = "", photos: Iterable = ()) -> InspectionRecord:
    """Record one asset's inspection: a result per checklist item, notes and photos.

    ``results`` maps checklist item ids to ``(outcome, note)`` with outcome ``pass``, ``fail``
    or ``na``. Every item must be answered and a failed one needs a note. Any failed item opens
    one ticket on the asset (inspection channel), linked to the record. When the round's last
    record is done, the round is done. All or nothing."""
    if not can(actor, Capability.INSPECT):
        raise PermissionRefused(_("Your role may not carry out inspections."))
    contract_id = InspectionRound.objects.filter(pk=record.round_id).values_list(
        "contract_id", flat=True).first()
    if not contracts_visible_to(actor).filter(pk=contract_id).exists():
        raise PermissionRefused(_("This inspection is not on one of your contracts."))
    # Lock the round first: completions of its records queue up, so exactly one of them sees
    # the round finished and closes it.
    round_ = (InspectionRound.objects.select_for_update().get(pk=record.round_id))
    record = InspectionRecord.objects.select_for_update().get(pk=record.pk)
    if record.outcome != PENDING:
        who = record.inspected_by.display_name if record.inspected_by else "—"
        when = (timezone.localtime(record.inspected_at).strftime("%Y-%m-%d %H:%M")
                if record.inspected_at else "—")
        raise ActionRefused(
            _("This inspection was already recorded by %(who)s at %(when)s and cannot be "
              "submitted again.") % {"who": who, "when": when})
    items = list(round_.plan.template.items.all())
    rows = _check_answers(items, results)
    photos = list(photos or [])
    _check_photos(photos)
    notes = (notes or "").strip()
    moment = now()

    InspectionResult.objects.bulk_create([
        InspectionResult(record=record, item=item, outcome=outcome, note=note)
        for item, outcome, note in rows])
    failed = [(item, note) for item, outcome, note in rows
              if outcome == InspectionResult.Outcome.FAIL]
    record.outcome = (InspectionRecord.Outcome.FAILED if failed
                      else InspectionRecord.Outcome.PASSED)
    if failed:
        record.ticket = _file_finding(actor=actor, record=record, round_=round_, failed=failed,
                                      notes=notes)
    record.notes = notes
    record.inspected_by = actor
    record.inspected_at = moment
    record.save(update_fields=["outcome", "notes", "inspected_by", "inspected_at", "ticket"])
    _photos_store(record, photos, actor=actor, moment=moment)
    if not InspectionRecord.objects.filter(round=round_, outcome=PENDING).exists():
        round_.status = InspectionRound.Status.DONE
        round_.completed_at = moment
        round_.save(update_fields=["status", "completed_at"])
    return record


def _photos_store(record, photos, *, actor, moment) -> None:
    stored = []
    try:
        for photo in photos:
            fields = files.save_upload(photo, when=moment)
            stored.append(fields["storage_name"])
            InspectionPhoto.objects.create(record=record, uploaded_by=actor, created_at=moment,
                                           **fields)
    except Exception:
        files.delete_stored(stored)
        raise


# --------------------------------------------------------------------------------------------
# Plans
# --------------------------------------------------------------------------------------------

PLAN_FIELDS = {"name", "frequency", "template", "assignee", "asset_type", "criticality", "site",
               "pre_holiday", "starts_on", "active"}


def _plan_check(actor, contract) -> None:
    if not can(actor, Capability.PLAN_INSPECTIONS):
        raise PermissionRefused(_("Your role may not plan inspections."))
    if not contracts_visible_to(actor).filter(pk=contract.pk).exists():
        raise PermissionRefused(_("You are not on this contract."))


def _plan_apply(plan: InspectionPlan, fields: dict, assets) -> InspectionPlan:
    unknown = sorted(set(fields) - PLAN_FIELDS)
    if unknown:
        raise ActionRefused(_("You may not change: %(fields)s.")
                                % {"fields": ", ".join(unknown)})
    for name, value in fields.items():
        setattr(plan, name, value)
    if plan.assignee is not None and not can(plan.assignee, Capability.INSPECT):
        raise ActionRefused(_("%(name)s does not carry out inspections.")
                                % {"name": plan.assignee.display_name})
    if plan.site is not None and plan.site.organisation_id != plan.contract.client_id:
        raise ActionRefused(_("The site is not one of the client's sites."))
    plan.save()
    if assets is not None:
        if any(a.contract_id != plan.contract_id or a.status == AssetStatus.RETIRED
               for a in assets):
            raise ActionRefused(_("Pick live assets of this contract only."))
        plan.assets.set(assets)
    return plan


@transaction.atomic
def inspection_plan_create(*, actor, contract, assets=None, **fields) -> InspectionPlan:
    _plan_check(actor, contract)
    return _plan_apply(InspectionPlan(contract=contract), fields, assets)


@transaction.atomic
def inspection_plan_update(*, actor, plan: InspectionPlan, assets=None,
                           **fields) -> InspectionPlan:
    """Change a plan; rounds already generated keep their assets and assignee."""
    _plan_check(actor, plan.contract)
    plan = InspectionPlan.objects.select_for_update().get(pk=plan.pk)
    return _plan_apply(plan, fields, assets)
