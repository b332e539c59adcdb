"""Who may do what to a vendor repair in which state: pure rules, no database access.

Services call ``check(action, user, repair)`` before changing anything; the pages and the API
ask ``allowed_actions(user, repair)`` to show only what would work.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import Capability, Role, can
from core.errors import ActionRefused, PermissionRefused
from fieldservice.models import RepairStatus

S = RepairStatus
AT_VENDOR = {S.SENT, S.QUOTED, S.APPROVED, S.DECLINED}

# action → the states it starts from
FROM_STATES: dict[str, set[str]] = {
    "quote": {S.SENT, S.QUOTED},  # the vendor's quote, or a corrected one before the decision
    "approve": {S.QUOTED},
    "decline": {S.QUOTED},
    "update": set(AT_VENDOR),
    "lend": set(AT_VENDOR),
    "return": {S.SENT, S.APPROVED, S.DECLINED},
}
ACTION_LABELS = {
    "quote": gettext_lazy("Record the vendor's quote"),
    "approve": gettext_lazy("Approve the quote"),
    "decline": gettext_lazy("Decline the quote"),
    "update": gettext_lazy("Send a progress update"),
    "lend": gettext_lazy("Lend a loaner device"),
    "return": gettext_lazy("Device returned"),
}
ACTIONS = list(FROM_STATES)
CLIENT_ACTIONS = {"approve", "decline"}


def is_desk(user) -> bool:
    """Provider staff who handle repairs: the desk, engineers, the project manager."""
    return (getattr(user, "is_authenticated", False) and not user.is_client_side
            and (can(user, Capability.WORK_TICKETS) or can(user, Capability.DISPATCH)))


def may_decide_quote(user, repair) -> bool:
    """The ticket's requester or a client contact of the contract decides on a quote."""
    ticket = repair.ticket
    if user.pk == ticket.requester_id:
        return True
    return (user.role == Role.CLIENT_CONTACT
            and ticket.contract.client_contacts.filter(pk=user.pk).exists())


def _may(action: str, user, repair) -> bool:
    if action in CLIENT_ACTIONS:
        return may_decide_quote(user, repair)
    if action == "lend":
        return can(user, Capability.MANAGE_STORE) and is_desk(user)
    return is_desk(user)


def check(action: str, user, repair) -> None:
    """Raise PermissionRefused (403) or ActionRefused (409) unless ``action`` may happen now."""
    if not _may(action, user, repair):
        if action in CLIENT_ACTIONS:
            raise PermissionRefused(_("Only the requester or the client's contact may decide "
                                      "on the quote."))
        raise PermissionRefused(_("You may not change this repair."))
    if repair.status not in FROM_STATES[action]:
        raise ActionRefused(_("The repair is %(status)s: this cannot be done now.")
                            % {"status": repair.get_status_display()})
    if action == "quote" and repair.in_warranty:
        raise ActionRefused(_("The device is in warranty: the vendor repairs it free of "
                              "charge, there is no quote."))
    if action == "return" and not repair.in_warranty and repair.status == S.SENT:
        raise ActionRefused(_("The device is out of warranty: record the vendor's quote and "
                              "have it approved or declined first."))
    if action == "lend" and repair.loan_id is not None:
        raise ActionRefused(_("A loaner device is already lent for this repair."))


def allowed_actions(user, repair) -> list[str]:
    allowed = []
    for action in ACTIONS:
        try:
            check(action, user, repair)
        except ActionRefused:
            continue
        allowed.append(action)
    return allowed
