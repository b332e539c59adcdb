"""Change services (T12): request, submit for approval (the contract's PM by role and the
client's APPROVE_CHANGES contact), answer, remind then escalate once, implement, review.
Standard (pre-approved) changes skip approval. One locked transaction per transition."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from core.clock import now
from core.counters import next_in_year
from core.errors import ActionRefused, InvalidInput, PermissionRefused
from knowledge.models import Change, ChangeApproval, ChangeCounter, Decision
from knowledge.services._common import is_client_approver, link, works_contract
from knowledge.services.problems import problem_fix_done
from notifications.services import email_from_template

S = Change.Status
TEXT_FIELDS = ("title", "reason", "scope", "config_before", "config_after", "risk_notes",
               "test_plan", "rollback_plan")


@dataclass(frozen=True)
class ChangeInput:
    """What a request carries (the form and the API build one; the service checks it)."""

    title: str
    reason: str
    kind: str = Change.Kind.NORMAL
    scope: str = ""
    config_before: str = ""
    config_after: str = ""
    risk: str = Change.Risk.LOW
    risk_notes: str = ""
    test_plan: str = ""
    rollback_plan: str = ""
    window_start: datetime | None = None
    window_end: datetime | None = None
    downtime: bool = False


def change_number_next(year: int) -> str:
    return f"CHG-{year}-{next_in_year(ChangeCounter, year):04d}"


def _locked(change: Change) -> Change:
    return Change.objects.select_for_update().select_related("contract").get(pk=change.pk)


def _save(change: Change, actor, reason: str, fields: list[str]) -> Change:
    change.updated_at = now()
    change._history_user = actor
    change._change_reason = reason
    change.save(update_fields=[*fields, "updated_at"])
    return change


def _require(change: Change, *states) -> None:
    if change.status not in states:
        raise ActionRefused(_("Change %(number)s is %(status)s: this cannot be done now.")
                            % {"number": change.number, "status": change.get_status_display()})


def _check(data: ChangeInput) -> None:
    if not data.title.strip():
        raise InvalidInput(_("Give the change a title."), field="title")
    if not data.reason.strip():
        raise InvalidInput(_("Say why the change is needed."), field="reason")
    if data.kind not in Change.Kind.values:
        raise InvalidInput(_("Choose a kind of change."), field="kind")
    if data.risk not in Change.Risk.values:
        raise InvalidInput(_("Choose a risk level."), field="risk")
    if (data.window_start is None) != (data.window_end is None):
        raise InvalidInput(_("Give both the start and the end of the window."),
                           field="window_end" if data.window_end is None else "window_start")
    if data.window_start and data.window_end <= data.window_start:
        raise InvalidInput(_("The window must end after it starts."), field="window_end")
    if data.downtime and data.window_start is None:
        raise InvalidInput(_("A change that interrupts the service needs its window."),
                           field="window_start")


def _url(change: Change) -> str:
    return link("knowledge:change_detail", number=change.number)


@transaction.atomic
def change_create(*, actor, contract, data: ChangeInput, assets=()) -> Change:
    if not works_contract(actor, contract):
        raise PermissionRefused(_("Only the provider's staff on this contract request changes."))
    _check(data)
    for asset in assets:
        if asset.contract_id != contract.pk:
            raise InvalidInput(_("Asset %(asset)s is on another contract.") % {"asset": asset},
                               field="assets")
    moment = now()
    values = {name: getattr(data, name) for name in ChangeInput.__dataclass_fields__}
    for name in TEXT_FIELDS:
        values[name] = values[name].strip()
    change = Change(number=change_number_next(moment.year), contract=contract,
                    requested_by=actor, created_at=moment, updated_at=moment, **values)
    change._history_user = actor
    change.save()
    change.assets.set(assets)
    return change


@transaction.atomic
def change_edit(*, actor, change: Change, data: ChangeInput) -> Change:
    """Edit a draft (or a rejected change, to submit it again)."""
    change = _locked(change)
    if not works_contract(actor, change.contract):
        raise PermissionRefused(_("Only the provider's staff on this contract edit changes."))
    _require(change, S.DRAFT, S.REJECTED)
    _check(data)
    fields = list(ChangeInput.__dataclass_fields__)
    for name in fields:
        value = getattr(data, name)
        setattr(change, name, value.strip() if name in TEXT_FIELDS else value)
    change.status = S.DRAFT
    return _save(change, actor, "edited", [*fields, "status"])


def _client_approver(contract, chosen):
    if chosen is not None:
        if not is_client_approver(chosen, contract):
            raise InvalidInput(_("%(name)s does not approve changes for this contract.")
                               % {"name": chosen.display_name}, field="client_approver")
        return chosen
    for contact in contract.client_contacts.filter(is_active=True).order_by("pk"):
        if is_client_approver(contact, contract):
            return contact
    raise ActionRefused(_("Contract %(code)s has no client contact who approves changes.")
                        % {"code": contract.code}, field="client_approver")


@transaction.atomic
def change_submit(*, actor, change: Change, client_approver=None) -> Change:
    """Ask for approval. A standard change is pre-approved and skips it."""
    change = _locked(change)
    if not works_contract(actor, change.contract):
        raise PermissionRefused(_("Only the provider's staff on this contract submit changes."))
    _require(change, S.DRAFT)
    moment = now()
    change.submitted_at = moment
    if change.kind == Change.Kind.STANDARD:
        change.status = S.APPROVED
        change.approved_at = moment
        return _save(change, actor, "approved (standard change)",
                     ["status", "submitted_at", "approved_at"])
    pm = change.contract.project_manager
    if pm is None:
        raise ActionRefused(_("Contract %(code)s has no project manager to approve changes.")
                            % {"code": change.contract.code})
    client = _client_approver(change.contract, client_approver)
    change.approvals.all().delete()  # a resubmitted (once rejected) change asks afresh
    remind = moment + timedelta(hours=settings.CHANGE_APPROVAL_REMIND_HOURS)
    escalate = moment + timedelta(hours=settings.CHANGE_APPROVAL_ESCALATE_HOURS)
    for party, approver in ((ChangeApproval.Party.PROVIDER, pm),
                            (ChangeApproval.Party.CLIENT, client)):
        approval = ChangeApproval.objects.create(change=change, party=party, approver=approver,
                                                 remind_at=remind, escalate_at=escalate)
        email_from_template(recipient=approver, event="change.approval",
                            template="knowledge/email/change_approval.txt",
                            context={"change": change, "approval": approval,
                                     "url": _url(change)})
    change.status = S.PENDING
    return _save(change, actor, "submitted", ["status", "submitted_at"])


def may_answer(user, approval: ChangeApproval) -> bool:
    """Only the named approver; for the client's approval also any contact holding
    APPROVE_CHANGES on that contract (a colleague standing in)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if approval.approver_id == user.pk:
        return True
    return (approval.party == ChangeApproval.Party.CLIENT
            and is_client_approver(user, approval.change.contract))


def approval_of(user, change: Change) -> ChangeApproval:
    """The approval of ``change`` that ``user`` answers: their open one, else their answered
    one (which approval_answer refuses, 409). None of theirs: 403."""
    mine = [a for a in change.approvals.all() if may_answer(user, a)]
    if not mine:
        raise PermissionRefused(_("Only the named approver may answer this approval."))
    return next((a for a in mine if a.decision == Decision.PENDING), mine[0])


@transaction.atomic
def approval_answer(*, actor, approval: ChangeApproval, approve: bool,
                    comment: str = "") -> ChangeApproval:
    """Approve or reject. Only the named approver (403); a second answer is refused (409)."""
    approval = (ChangeApproval.objects.select_for_update()
                .select_related("change__contract").get(pk=approval.pk))
    if not may_answer(actor, approval):
        raise PermissionRefused(_("Only the named approver may answer this approval."))
    if approval.decision != Decision.PENDING:
        raise ActionRefused(_("This approval was already answered."), code="answered")
    change = _locked(approval.change)
    _require(change, S.PENDING)
    if not approve and not (comment or "").strip():
        raise InvalidInput(_("Say why the change is rejected."), field="comment")
    moment = now()
    approval.decision = Decision.APPROVED if approve else Decision.REJECTED
    approval.comment = (comment or "").strip()
    approval.answered_by = actor
    approval.answered_at = moment
    approval.save(update_fields=["decision", "comment", "answered_by", "answered_at"])
    if not approve:
        change.status = S.REJECTED
        _save(change, actor, "rejected", ["status"])
    elif not change.approvals.exclude(decision=Decision.APPROVED).exists():
        change.status = S.APPROVED
        change.approved_at = moment
        _save(change, actor, "approved", ["status", "approved_at"])
    if change.status != S.PENDING:
        email_from_template(recipient=change.requested_by, event="change.update",
                            template="knowledge/email/change_answered.txt",
                            context={"change": change, "url": _url(change)})
    return approval


@transaction.atomic
def change_implement(*, actor, change: Change, result: str, succeeded: bool = True) -> Change:
    """Record the implementation: done, or failed and rolled back. Problems this change fixes
    then wait for the client's confirmation."""
    change = _locked(change)
    if not works_contract(actor, change.contract):
        raise PermissionRefused(_("Only the provider's staff on this contract implement "
                                  "changes."))
    _require(change, S.APPROVED)
    if not (result or "").strip():
        raise InvalidInput(_("Describe what was done and how it went."), field="result")
    change.status = S.IMPLEMENTED if succeeded else S.FAILED
    change.implementation_result = result.strip()
    change.implemented_by = actor
    change.implemented_at = now()
    _save(change, actor, "implemented", ["status", "implementation_result", "implemented_by",
                                         "implemented_at"])
    if succeeded:
        problem_fix_done(change=change)
    return change


@transaction.atomic
def change_review(*, actor, change: Change, review: str) -> Change:
    """The post-implementation review closes the change record."""
    change = _locked(change)
    if not works_contract(actor, change.contract):
        raise PermissionRefused(_("Only the provider's staff on this contract review changes."))
    _require(change, S.IMPLEMENTED, S.FAILED)
    if not (review or "").strip():
        raise InvalidInput(_("Write the review."), field="review")
    change.status = S.REVIEWED
    change.review = review.strip()
    change.reviewed_by = actor
    change.reviewed_at = now()
    return _save(change, actor, "reviewed", ["status", "review", "reviewed_by", "reviewed_at"])


@transaction.atomic
def change_cancel(*, actor, change: Change) -> Change:
    change = _locked(change)
    if not works_contract(actor, change.contract):
        raise PermissionRefused(_("Only the provider's staff on this contract cancel changes."))
    _require(change, S.DRAFT, S.PENDING, S.APPROVED, S.REJECTED)
    change.status = S.CANCELLED
    return _save(change, actor, "cancelled", ["status"])


def approvals_remind(*, moment: datetime | None = None) -> tuple[int, int]:
    """The periodic job: remind each overdue approver once, then escalate to the contract's PM
    once. Each step claims its rows by a conditional update (reminded_at/escalated_at still
    NULL), so running it twice, or on two workers at once, sends nothing twice."""
    moment = moment or now()
    return _remind(moment), _escalate(moment)


def _claimed(pk: int, field: str, moment: datetime) -> bool:
    return ChangeApproval.objects.filter(
        pk=pk, decision=Decision.PENDING, **{f"{field}__isnull": True}).update(
        **{field: moment}) == 1


def _remind(moment: datetime) -> int:
    sent = 0
    due = (ChangeApproval.objects.filter(decision=Decision.PENDING, reminded_at__isnull=True,
                                         remind_at__lte=moment)
           .values_list("pk", flat=True)[:500])
    for pk in list(due):
        with transaction.atomic():
            if not _claimed(pk, "reminded_at", moment):
                continue  # another worker got there first, or it was answered meanwhile
            approval = ChangeApproval.objects.select_related("change", "approver").get(pk=pk)
            email_from_template(recipient=approval.approver, event="change.approval",
                                template="knowledge/email/change_reminder.txt",
                                context={"change": approval.change, "approval": approval,
                                         "url": _url(approval.change)},
                                dedupe_key=f"change-remind:{pk}")
            sent += 1
    return sent


def _escalate(moment: datetime) -> int:
    sent = 0
    due = (ChangeApproval.objects.filter(decision=Decision.PENDING, escalated_at__isnull=True,
                                         escalate_at__lte=moment)
           .values_list("pk", flat=True)[:500])
    for pk in list(due):
        with transaction.atomic():
            if not _claimed(pk, "escalated_at", moment):
                continue
            approval = ChangeApproval.objects.select_related(
                "change__contract__project_manager", "approver").get(pk=pk)
            pm = approval.change.contract.project_manager
            if pm is not None:
                email_from_template(recipient=pm, event="change.escalated",
                                    template="knowledge/email/change_escalated.txt",
                                    context={"change": approval.change, "approval": approval,
                                             "url": _url(approval.change)},
                                    dedupe_key=f"change-escalate:{pk}")
            sent += 1
    return sent

