"""Field-service commitments for the KPI dashboard (kpi/dashboard.py), one aggregate query each:

* loaner within 24 h (seed 003, 紧急故障备用机应急服务): of the vendor repairs sent in the period
  that got a loaner device, those lent within the contract's ``loaner_hours`` of the repair
  being recorded;
* part requests on time: of the requests delivered or still open past their deadline in the
  period, those delivered by their ``needed_by``;
* restock within the lead time (seed 003, 备件补库将在三天内完成): restock requests raised in the
  period and fulfilled by their due time.

Each query is compiled once per process (core.prepared): building the three aggregates took
more CPU than running them (issue 19).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q

from assets.models import RestockRequest
from core.clock import now
from core.periods import day_bounds
from core.prepared import PreparedQuery, one_row
from fieldservice.models import PartRequest, PartRequestStatus, VendorRepair
from fieldservice.services.repairs import policy_of


@dataclass(frozen=True)
class Share:
    met: int
    total: int

    @property
    def rate(self) -> float | None:
        return self.met / self.total if self.total else None


# Markers (core.prepared): no contract has a negative id, nothing is dated 1901.
_CONTRACT = -1_987_660_001
_START, _END = date(1901, 1, 2), date(1901, 2, 3)
_FIRST, _LAST, _MOMENT = (datetime(1901, 1, day, tzinfo=UTC) for day in (5, 6, 7))
_HOURS = timedelta(days=-1_987)

_LOANERS = PreparedQuery(
    lambda contract, start, end, hours: one_row(
        VendorRepair.objects.filter(contract_id=contract, sent_on__gte=start, sent_on__lte=end,
                                    loan__isnull=False)
        .annotate(wait=ExpressionWrapper(F("loan__lent_at") - F("created_at"),
                                         output_field=DurationField())),
        total=Count("pk"), met=Count("pk", filter=Q(wait__lte=hours))),
    contract=_CONTRACT, start=_START, end=_END, hours=_HOURS)
_PART_REQUESTS = PreparedQuery(
    lambda contract, first, last, moment: one_row(
        PartRequest.objects.filter(contract_id=contract, needed_by__gte=first,
                                   needed_by__lt=last)
        .exclude(status=PartRequestStatus.CANCELLED)
        .filter(Q(delivered_at__isnull=False) | Q(needed_by__lt=moment)),
        total=Count("pk"), met=Count("pk", filter=Q(delivered_at__isnull=False,
                                                    delivered_at__lte=F("needed_by")))),
    contract=_CONTRACT, first=_FIRST, last=_LAST, moment=_MOMENT)
_RESTOCK = PreparedQuery(
    lambda contract, first, last, moment: one_row(
        RestockRequest.objects.filter(part__contract_id=contract, due_at__gte=first,
                                      due_at__lt=last)
        .exclude(status=RestockRequest.Status.CANCELLED)
        .filter(Q(status=RestockRequest.Status.FULFILLED) | Q(due_at__lt=moment)),
        total=Count("pk"), met=Count("pk", filter=Q(status=RestockRequest.Status.FULFILLED,
                                                    closed_at__lte=F("due_at")))),
    contract=_CONTRACT, first=_FIRST, last=_LAST, moment=_MOMENT)


def _share(query: PreparedQuery, **values) -> Share:
    [(total, met)] = query.rows(**values)
    return Share(met, total)


def loaner_in_time(contract, start: date, end: date) -> Share:
    return _share(_LOANERS, contract=contract.pk, start=start, end=end,
                  hours=timedelta(hours=policy_of(contract).loaner_hours))


def part_requests_on_time(contract, start: date, end: date) -> Share:
    """Requests due in the period: delivered (on time or late), or not delivered and late."""
    first, last = day_bounds(start, end)
    return _share(_PART_REQUESTS, contract=contract.pk, first=first, last=last, moment=now())


def restock_in_time(contract, start: date, end: date) -> Share:
    """Restock requests due in the period: fulfilled by their due time, or late."""
    first, last = day_bounds(start, end)
    return _share(_RESTOCK, contract=contract.pk, first=first, last=last, moment=now())
