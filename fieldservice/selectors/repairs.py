"""Read queries for vendor repairs and part requests, scoped through the tickets a person may
see (tickets.selectors.tickets_visible_to): pages and API share these."""

from __future__ import annotations

from django.db.models import QuerySet

from fieldservice.models import PartRequest, PartRequestStatus, VendorRepair
from tickets import hooks
from tickets.selectors import tickets_visible_to

REPAIR_RELATED = ["ticket__contract", "ticket__requester", "asset", "created_by", "loan__asset"]
PART_RELATED = ["ticket__contract", "part", "requested_by", "issued_by", "delivered_by",
                "movement__location"]


def repairs_visible_to(user) -> QuerySet[VendorRepair]:
    return VendorRepair.objects.filter(ticket__in=tickets_visible_to(user))


def repair_list(*, user, open_only: bool = False) -> QuerySet[VendorRepair]:
    repairs = repairs_visible_to(user).select_related(*REPAIR_RELATED)
    if open_only:
        repairs = repairs.exclude(status="returned")
    return repairs.order_by("return_due", "pk")


def repair_get(*, user, pk: int) -> VendorRepair:
    """One repair the user may see with its updates; VendorRepair.DoesNotExist otherwise."""
    return (repairs_visible_to(user).select_related(*REPAIR_RELATED, "quote_decided_by",
                                                    "ticket__contract__calendar")
            .prefetch_related("updates__author").get(pk=pk))


def ticket_panel_rows(*, user, ticket) -> tuple[list[VendorRepair], list[PartRequest]]:
    """The ticket page's repairs and part requests. The page already scoped the ticket
    (tickets.selectors.ticket_get), so this is one query, two for the provider's staff."""
    has = hooks.panel_flags.has  # a ticket read for its page says which it has (issue 19)
    repairs = (list(VendorRepair.objects.filter(ticket=ticket).order_by("-created_at", "-pk"))
               if has(ticket, "vendor_repairs") else [])
    if (not getattr(user, "is_authenticated", False) or user.is_client_side
            or not has(ticket, "part_requests")):
        return repairs, []
    return repairs, list(PartRequest.objects.filter(ticket=ticket).select_related("part")
                         .order_by("needed_by", "pk"))


def part_requests_visible_to(user) -> QuerySet[PartRequest]:
    """The provider's staff on the tickets they see; the store is the provider's own business,
    so the client's people see none (like assets.permissions.may_read_store)."""
    if not getattr(user, "is_authenticated", False) or user.is_client_side:
        return PartRequest.objects.none()
    return PartRequest.objects.filter(ticket__in=tickets_visible_to(user))


def part_request_list(*, user, open_only: bool = False) -> QuerySet[PartRequest]:
    requests = part_requests_visible_to(user).select_related(*PART_RELATED)
    if open_only:
        requests = requests.filter(status__in=[PartRequestStatus.OPEN, PartRequestStatus.ISSUED])
    return requests.order_by("needed_by", "pk")


def part_request_get(*, user, pk: int) -> PartRequest:
    return part_requests_visible_to(user).select_related(*PART_RELATED).get(pk=pk)
