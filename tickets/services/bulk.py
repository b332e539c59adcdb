"""Bulk actions of the queue: one action on many tickets in one request, each row through the
same service as the single action and in its own transaction, so a refused row never undoes
the others. A submission key makes a resent request answer what the first one did."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core import batch
from core.clock import now
from core.errors import ActionRefused, InvalidInput, PermissionRefused
from tickets.models import BulkSubmission, ResolutionCode, Ticket
from tickets.permissions import may_act_in_bulk
from tickets.selectors import tickets_visible_to
from tickets.services.intake import ticket_update
from tickets.services.transitions import ticket_act
from tickets.services.worklog import ticket_comment

BULK_ACTIONS = ("dispatch", "priority", "pend", "comment", "resolve")
BULK_MAX = 500


def _runner(action: str, actor: User, fields: dict) -> Callable[[Ticket], object]:
    """The single-ticket service each row goes through, with the action's fields."""
    if action == "dispatch":
        return lambda t: ticket_act("dispatch", actor=actor, ticket=t,
                                    assignee=fields.get("assignee"), note=fields.get("note", ""))
    if action == "priority":
        return lambda t: ticket_update(actor=actor, ticket=t, priority=fields.get("priority"))
    if action == "pend":
        return lambda t: ticket_act("pend", actor=actor, ticket=t, reason=fields.get("reason"),
                                    note=fields.get("note", ""))
    if action == "comment":
        return lambda t: ticket_comment(actor=actor, ticket=t, body=fields.get("body", ""),
                                        internal=bool(fields.get("internal", False)))
    return lambda t: ticket_act("resolve", actor=actor, ticket=t,
                                code=fields.get("code") or ResolutionCode.DUPLICATE,
                                notes=fields.get("notes"))


def tickets_bulk(*, actor: User, action: str, ids: list[int], fields: dict | None = None,
                 key: str = "") -> list[dict]:
    """Carry out `action` on each ticket of `ids`; one result per id, in the order sent:
    ``{"id", "number", "ok", "detail"}``. A ticket the actor may not see is reported exactly
    like one that does not exist. With a `key` seen from this actor within a day, the stored
    results come back and nothing is done again."""
    if not may_act_in_bulk(actor):
        raise PermissionRefused(_("Your role has no bulk actions."))
    if action not in BULK_ACTIONS:
        raise InvalidInput(_("Unknown bulk action."), field="action")
    ids = list(dict.fromkeys(ids))  # the same id twice is done once
    if not ids:
        raise InvalidInput(_("Select at least one ticket."), field="ids")
    if len(ids) > BULK_MAX:
        raise InvalidInput(_("At most %(max)s tickets at once (%(n)s sent).")
                           % {"max": BULK_MAX, "n": len(ids)}, field="ids")
    if key:
        stored = _claim(actor, key, action)
        if stored is not None:
            return stored
    try:
        results = _carry_out(_runner(action, actor, fields or {}), actor, ids)
    except BaseException:
        if key:  # nothing stored: the same key may try again
            BulkSubmission.objects.filter(actor=actor, key=key, results__isnull=True).delete()
        raise
    if key:
        BulkSubmission.objects.filter(actor=actor, key=key).update(results=results)
    return results


def _carry_out(run: Callable[[Ticket], object], actor: User, ids: list[int]) -> list[dict]:
    """All rows in one transaction, each in its own savepoint: a refused row rolls back only
    itself. One commit instead of one per row, the rows' reference data read once (the
    prefetch below and core/batch.py: contract, type, requester, SLA target, team, channel
    choices) and one broker message for all their notifications, published on commit."""
    related = ("contract", "contract__project_manager", "service_type", "requester")
    results = []
    with transaction.atomic(), batch.scope():
        visible = {t.pk: t for t in
                   tickets_visible_to(actor).filter(pk__in=ids).select_related(*related)}
        for pk in ids:
            ticket = visible.get(pk)
            if ticket is None:
                results.append({"id": pk, "number": None, "ok": False,
                                "detail": _("No such ticket.")})
                continue
            try:
                with transaction.atomic():  # this row's savepoint
                    run(ticket)
            except ActionRefused as exc:  # also InvalidInput, PermissionRefused
                results.append({"id": pk, "number": ticket.number, "ok": False,
                                "detail": exc.message})
            else:
                results.append({"id": pk, "number": ticket.number, "ok": True, "detail": ""})
    return results


def bulk_key_ttl() -> timedelta:
    """How long a submission key is remembered with its results."""
    return timedelta(hours=settings.BULK_SUBMISSION_RETENTION_HOURS)


def bulk_submissions_purge() -> int:
    """Delete the submission keys past their time (the hourly beat task); the number deleted.
    A key still "being carried out" that old belongs to a request that died."""
    deleted, _by_model = BulkSubmission.objects.filter(
        created_at__lt=now() - bulk_key_ttl()).delete()
    return deleted


def _claim(actor: User, key: str, action: str) -> list[dict] | None:
    """Record the key before any row is touched; None if it is new, else the stored results."""
    moment = now()
    BulkSubmission.objects.filter(actor=actor, created_at__lt=moment - bulk_key_ttl()).delete()
    try:
        with transaction.atomic():
            BulkSubmission.objects.create(actor=actor, key=key, action=action, created_at=moment)
    except IntegrityError:
        stored = BulkSubmission.objects.get(actor=actor, key=key)
        if stored.results is None:
            raise ActionRefused(_("This request is still being carried out."),
                                code="in_progress") from None
        return stored.results
    return None


def bulk_summary(results: list[dict]) -> str:
    """"7 done, 1 refused: 2026-000123: …" for the page."""
    done = sum(1 for r in results if r["ok"])
    refused = [r for r in results if not r["ok"]]
    text = _("%(done)s done, %(refused)s refused") % {"done": done, "refused": len(refused)}
    if refused:
        text += ": " + "; ".join(f"{r['number'] or r['id']}: {r['detail']}" for r in refused)
    return text
