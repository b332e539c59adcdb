"""The assets beat jobs: the nightly restock check (parts already below their minimum)."""

from datetime import timedelta

from django.conf import settings

from assets.models import Part, RestockRequest, StockLocation
from assets.services import store as svc
from assets.tasks import restock_check_all
from core.clock import now
from notifications.models import Notification


def _toner():
    # The demo's toner is registered at 2 against a minimum of 3: below it, and no stock moved.
    return Part.objects.get(code="TONER-CF276A")


def test_it_raises_the_request_of_a_part_already_below_its_minimum(demo):
    toner = _toner()
    assert not RestockRequest.objects.exists()
    assert restock_check_all() == 1
    request = RestockRequest.objects.get()
    assert request.part == toner and request.status == RestockRequest.Status.OPEN
    assert request.quantity == 2 * 3 - 2
    mail = Notification.objects.get(event="store.restock")
    assert mail.recipient == toner.contract.project_manager and toner.code in mail.subject


def test_it_raises_nothing_the_second_time(demo):
    restock_check_all()
    assert restock_check_all() == 0
    assert RestockRequest.objects.count() == 1
    assert Notification.objects.filter(event="store.restock").count() == 1


def test_it_leaves_a_part_with_an_open_request_alone(demo):
    toner = _toner()
    existing = RestockRequest.objects.create(part=toner, quantity=1, raised_at=now(),
                                             due_at=now() + timedelta(days=3))
    assert restock_check_all() == 0
    assert list(RestockRequest.objects.all()) == [existing]
    assert not Notification.objects.filter(event="store.restock").exists()


def test_it_raises_a_new_request_once_the_last_was_closed_with_stock_still_low(demo):
    toner = _toner()
    RestockRequest.objects.create(part=toner, quantity=1, raised_at=now(), due_at=now(),
                                  status=RestockRequest.Status.CANCELLED, closed_at=now())
    assert restock_check_all() == 1
    assert RestockRequest.objects.filter(part=toner, status="open").count() == 1


def test_it_skips_parts_at_their_minimum_inactive_or_of_an_ended_contract(demo):
    toner = _toner()
    svc.stock_receive(actor=demo["desk"], part=toner,
                      location=StockLocation.objects.get(name="总部备件库"), quantity=1)
    assert restock_check_all() == 0  # 3 against 3: at the minimum is enough
    keyboard = Part.objects.get(code="KB-USB")
    keyboard.min_level = 50
    keyboard.active = False
    keyboard.save()
    assert restock_check_all() == 0
    Part.objects.filter(pk=keyboard.pk).update(active=True)
    contract = keyboard.contract
    contract.ends_on = now().date() - timedelta(days=1)
    contract.save(update_fields=["ends_on"])
    assert restock_check_all() == 0
    assert not RestockRequest.objects.exists()


def test_a_minimum_raised_above_the_stock_is_caught_by_the_next_night(demo):
    ssd = Part.objects.get(code="SSD-512")
    ssd.min_level = 10  # 5 in stock; no movement follows
    ssd.save(update_fields=["min_level"])
    restock_check_all()
    assert RestockRequest.objects.get(part=ssd).quantity == 2 * 10 - 5


def test_beat_runs_it_nightly_and_lets_a_missed_run_expire():
    entry = settings.CELERY_BEAT_SCHEDULE["assets-restock-check"]
    assert entry["task"] == "assets.tasks.restock_check_all"
    assert entry["schedule"].hour == {2} and entry["schedule"].minute == {0}
    assert 0 < entry["options"]["expires"] < 24 * 3600
