"""The field-service figures of the KPI dashboard: the 24 h loaner commitment, parts delivered
by their deadline, restock within the lead time."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from assets.models import Asset, AssetStatus, Part, RestockRequest
from core.clock import now
from fieldservice import figures
from fieldservice.models import PartRequest, PartRequestStatus, VendorRepair
from tickets.models import Ticket


@pytest.fixture
def ticket(demo):
    return Ticket.objects.select_related("contract").get(title="三楼财务部打印机频繁卡纸")


def _repair(demo, ticket, created_at, lent_after_hours):
    from assets.models import Loan  # local: only this helper builds loans

    # Returned loans: the same spare can serve both repairs.
    spare = Asset.objects.filter(contract=ticket.contract, status=AssetStatus.SPARE).first()
    loan = Loan.objects.create(asset=spare, ticket=ticket, borrower=ticket.requester,
                               lent_by=demo["desk"],
                               lent_at=created_at + timedelta(hours=lent_after_hours),
                               due_back=created_at.date() + timedelta(days=14),
                               returned_at=created_at + timedelta(days=3))
    return VendorRepair.objects.create(
        ticket=ticket, contract=ticket.contract,
        vendor="惠普", in_warranty=True, data_backed_up=True,
        sent_on=timezone.localdate(created_at), return_due=created_at.date(),
        created_by=demo["desk"], created_at=created_at, loan=loan)


def test_the_loaner_commitment_counts_loans_within_the_contracts_hours(demo, ticket):
    moment = now() - timedelta(days=5)
    _repair(demo, ticket, moment, 3)
    _repair(demo, ticket, moment, 30)
    day = timezone.localdate(moment)
    share = figures.loaner_in_time(ticket.contract, day, day)
    assert (share.met, share.total) == (1, 2) and share.rate == 0.5


def test_part_requests_on_time_counts_delivered_and_late_ones(demo, ticket):
    part = Part.objects.get(code="MEM-8G-DDR4")
    moment = now() - timedelta(days=2)
    common = {"ticket": ticket, "contract": ticket.contract,
              "part": part, "quantity": 1, "requested_by": demo["engineer"],
              "requested_at": moment - timedelta(hours=4), "needed_by": moment}
    PartRequest.objects.create(**common, status=PartRequestStatus.DELIVERED,
                               delivered_at=moment - timedelta(hours=1))
    PartRequest.objects.create(**common, status=PartRequestStatus.DELIVERED,
                               delivered_at=moment + timedelta(hours=1))
    PartRequest.objects.create(**common)  # still open, past its deadline: late
    PartRequest.objects.create(**common, status=PartRequestStatus.CANCELLED)
    day = timezone.localdate(moment)
    share = figures.part_requests_on_time(ticket.contract, day, day)
    assert (share.met, share.total) == (1, 3)


def test_restock_within_the_lead_time(demo, ticket):
    part = Part.objects.get(code="MEM-8G-DDR4")
    moment = now() - timedelta(days=10)
    RestockRequest.objects.filter(part=part).delete()
    RestockRequest.objects.create(part=part, quantity=2, raised_at=moment,
                                  due_at=moment + timedelta(days=3),
                                  status=RestockRequest.Status.FULFILLED,
                                  closed_at=moment + timedelta(days=2))
    RestockRequest.objects.create(part=part, quantity=2, raised_at=moment,
                                  due_at=moment + timedelta(days=3),
                                  status=RestockRequest.Status.FULFILLED,
                                  closed_at=moment + timedelta(days=4))
    day = timezone.localdate(moment + timedelta(days=3))
    share = figures.restock_in_time(ticket.contract, day - timedelta(days=1), day)
    assert (share.met, share.total) == (1, 2)


def test_the_dashboard_shows_the_field_service_cards(demo, client, ticket):
    with time_machine.travel(now(), tick=False):
        client.force_login(demo["pm"])
        response = client.get(f"/kpi/?contract={ticket.contract.code}")
    assert response.status_code == 200
    html = response.content.decode()
    for key in ("loaner", "part_requests", "restock"):
        assert f'data-testid="card-{key}"' in html
