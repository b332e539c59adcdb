"""Field-service commitments for the KPI dashboard (kpi/dashboard.py), one aggregate query each:

* loaner within 24 h (seed 003, 紧急故障备用机应急服务): of the vendor repairs sent in the period
  that got a loaner device, those lent within the contract's ``loaner_hours`` of the repair
  being recorded;
* part requests on time: of the requests delivered or still open past their deadline in the
  period, those delivered by their ``needed_by``;
* restock within the lead time (seed 003, 备件补库将在三天内完成): restock requests raised in the
  period and fulfilled by their due time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q

from assets.models import RestockRequest
from core.clock import now
from core.periods import day_bounds
from fieldservice.models import PartRequest, PartRequestStatus, VendorRepair
from fieldservice.services.repairs import policy_of


@dataclass(frozen=True)
class Share:
    met: int
    total: int

    @property
    def rate(self) -> float | None:
        return self.met / self.total if self.total else None


def loaner_in_time(contract, start: date, end: date) -> Share:
    hours = policy_of(contract).loaner_hours
    row = (VendorRepair.objects
           .filter(contract=contract, sent_on__gte=start, sent_on__lte=end,
                   loan__isnull=False)
           .annotate(wait=ExpressionWrapper(F("loan__lent_at") - F("created_at"),
                                            output_field=DurationField()))
           .aggregate(total=Count("pk"), met=Count("pk", filter=Q(
               wait__lte=timedelta(hours=hours)))))
    return Share(row["met"], row["total"])


def part_requests_on_time(contract, start: date, end: date) -> Share:
    """Requests due in the period: delivered (on time or late), or not delivered and late."""
    first, last = day_bounds(start, end)
    moment = now()
    row = (PartRequest.objects
           .filter(contract=contract, needed_by__gte=first, needed_by__lt=last)
           .exclude(status=PartRequestStatus.CANCELLED)
           .filter(Q(delivered_at__isnull=False) | Q(needed_by__lt=moment))
           .aggregate(total=Count("pk"), met=Count("pk", filter=Q(
               delivered_at__isnull=False, delivered_at__lte=F("needed_by")))))
    return Share(row["met"], row["total"])


def restock_in_time(contract, start: date, end: date) -> Share:
    """Restock requests due in the period: fulfilled by their due time, or late."""
    first, last = day_bounds(start, end)
    moment = now()
    row = (RestockRequest.objects
           .filter(part__contract=contract, due_at__gte=first, due_at__lt=last)
           .exclude(status=RestockRequest.Status.CANCELLED)
           .filter(Q(status=RestockRequest.Status.FULFILLED) | Q(due_at__lt=moment))
           .aggregate(total=Count("pk"), met=Count("pk", filter=Q(
               status=RestockRequest.Status.FULFILLED, closed_at__lte=F("due_at")))))
    return Share(row["met"], row["total"])
