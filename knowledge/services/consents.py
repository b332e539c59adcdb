"""The client's consent to an on-site operation, asked from a ticket (seeds 002, 003): the
engineer asks, the requester (or the supervisor they name) answers once in the portal."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.roles import CLIENT_ROLES
from core.clock import now
from core.errors import ActionRefused, InvalidInput, PermissionRefused
from knowledge.models import Consent, Decision
from knowledge.services._common import link, works_contract
from notifications.services import email_from_template


@transaction.atomic
def consent_ask(*, actor, ticket, operation: str, details: str, approver=None) -> Consent:
    """Ask the ticket's requester, or a supervisor of the client's organisation, to consent."""
    if not works_contract(actor, ticket.contract):
        raise PermissionRefused(_("Only the provider's staff on this contract ask for consent."))
    if operation not in Consent.Operation.values:
        raise InvalidInput(_("Choose the operation."), field="operation")
    if not (details or "").strip():
        raise InvalidInput(_("Say what will be done and what the user may lose."),
                           field="details")
    approver = approver or ticket.requester
    if (approver.organisation_id != ticket.contract.client_id or approver.role not in CLIENT_ROLES
            or not approver.is_active):
        raise InvalidInput(_("The approver must be the requester or a supervisor at the "
                             "client."), field="approver")
    if not approver.has_usable_password():
        raise InvalidInput(_("%(name)s cannot log in to answer; ask someone who can.")
                           % {"name": approver.display_name}, field="approver")
    consent = Consent.objects.create(ticket=ticket, operation=operation, details=details.strip(),
                                     asked_by=actor, approver=approver, asked_at=now())
    email_from_template(recipient=approver, event="change.approval",
                        template="knowledge/email/consent_asked.txt",
                        context={"consent": consent, "ticket": ticket,
                                 "url": link("knowledge:consent_detail", pk=consent.pk)})
    return consent


@transaction.atomic
def consent_answer(*, actor, consent: Consent, approve: bool, comment: str = "") -> Consent:
    """Only the named approver answers (403 for anyone else), once (409 after)."""
    consent = Consent.objects.select_for_update().select_related("ticket").get(pk=consent.pk)
    if consent.approver_id != getattr(actor, "pk", None):
        raise PermissionRefused(_("Only the named approver may answer."))
    if consent.decision != Decision.PENDING:
        raise ActionRefused(_("This request was already answered."), code="answered")
    consent.decision = Decision.APPROVED if approve else Decision.REJECTED
    consent.comment = (comment or "").strip()
    consent.answered_at = now()
    consent.save(update_fields=["decision", "comment", "answered_at"])
    email_from_template(recipient=consent.asked_by, event="change.update",
                        template="knowledge/email/consent_answered.txt",
                        context={"consent": consent, "ticket": consent.ticket,
                                 "url": link("knowledge:consent_detail", pk=consent.pk)})
    return consent
