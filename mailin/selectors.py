"""What of the received mail a person may see: the desk (and project managers) of the
contract's mailbox; nobody else."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import User
from mailin.models import InboundMessage, Mailbox
from mailin.services.desk import may_handle_mail
from sla.selectors import contracts_visible_to


def messages_visible_to(user) -> QuerySet[InboundMessage]:
    if not getattr(user, "is_authenticated", False) or not may_handle_mail(user):
        return InboundMessage.objects.none()
    return InboundMessage.objects.filter(mailbox__contract__in=contracts_visible_to(user))


def message_list(*, user, waiting_only: bool = True) -> QuerySet[InboundMessage]:
    """The desk's mail queue (without the raw bytes: a list never needs them)."""
    messages = (messages_visible_to(user).defer("raw")
                .select_related("mailbox__contract", "ticket"))
    if waiting_only:
        messages = messages.filter(state__in=[InboundMessage.State.HELD,
                                              InboundMessage.State.CONTRIBUTION])
    return messages.order_by("-received_at", "-pk")


def message_get(*, user, pk: int) -> InboundMessage:
    return (messages_visible_to(user).select_related("mailbox__contract__client", "ticket",
                                                     "decided_by").get(pk=pk))


def requester_choices(message: InboundMessage) -> QuerySet[User]:
    """Whom the desk may file the mail for: the active people of the contract's client."""
    return (User.objects.filter(organisation_id=message.mailbox.contract.client_id,
                                is_active=True).order_by("name"))


def mailbox_health() -> list[Mailbox]:
    """Every mailbox with its last poll and error, for the system page."""
    return list(Mailbox.objects.select_related("contract").order_by("contract__code"))
