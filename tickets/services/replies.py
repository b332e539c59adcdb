"""Canned replies (issue 15.5): written by the desk and the project managers."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.clock import now
from core.errors import InvalidInput, PermissionRefused
from sla.models import Contract
from sla.selectors import contracts_visible_to
from tickets.models import CannedReply
from tickets.permissions import may_manage_canned_replies


@transaction.atomic
def canned_reply_save(*, actor: User, reply: CannedReply | None = None, title: str, body: str,
                      contract: Contract | None = None, active: bool = True) -> CannedReply:
    """Create (reply=None) or change a canned reply. Unknown placeholders are allowed (they are
    shown literally and listed by the editor), empty text is not."""
    if not may_manage_canned_replies(actor):
        raise PermissionRefused(_("Your role may not write canned replies."))
    if contract is not None and not contracts_visible_to(actor).filter(pk=contract.pk).exists():
        raise PermissionRefused(_("You may not write replies for contract %(code)s.")
                                % {"code": contract.code})
    if reply is not None and reply.contract_id is not None and not contracts_visible_to(
            actor).filter(pk=reply.contract_id).exists():
        raise PermissionRefused(_("You may not change this reply."))
    if not (title or "").strip():
        raise InvalidInput(_("Give the reply a title."), field="title")
    if not (body or "").strip():
        raise InvalidInput(_("Write the reply's text."), field="body")
    reply = reply or CannedReply()
    reply.title = title.strip()[:100]
    reply.body = body.strip()
    reply.contract = contract
    reply.active = active
    reply.updated_by = actor
    reply.updated_at = now()
    reply.save()
    return reply
