"""Spare-part store services (A7): the ledger, stock checks, bad parts, restock, loans."""

from datetime import timedelta

import pytest
import time_machine
from django.db import IntegrityError, transaction

from assets.models import (
    Asset,
    AssetStatus,
    BadPart,
    Loan,
    Part,
    RestockRequest,
    StockLocation,
    StockMovement,
)
from assets.selectors import store as sel
from assets.services import store as svc
from core.clock import now
from core.errors import ActionRefused, PermissionRefused
from notifications.models import Notification
from tickets.models import Status, Ticket


@pytest.fixture
def store(demo):
    def part(code):
        return Part.objects.get(code=code)

    return {
        "ssd": part("SSD-512"), "toner": part("TONER-CF276A"), "mem": part("MEM-8G-DDR4"),
        "keyboard": part("KB-USB"), "server_disk": part("HDD-1.92T-SSD"),
        "hq": StockLocation.objects.get(name="总部备件库"),
        "dc": StockLocation.objects.get(name="主数据中心备件柜"),
        "printer": Ticket.objects.get(title="三楼财务部打印机频繁卡纸"),
        "resolved": Ticket.objects.get(title="电脑弹出勒索病毒提示"),
        "server_ticket": Ticket.objects.get(title__startswith="交易数据库服务器"),
        "spare": Asset.objects.get(tag="MY-NB-9001"),
        "desk": demo["desk"], "pm": demo["pm"], "engineer": demo["engineer"],
    }


def issue(s, part="mem", quantity=1, ticket="printer", **kw):
    return svc.stock_issue(actor=s["desk"], part=s[part], location=s["hq"],
                           quantity=quantity, ticket=s[ticket], **kw)


# --- the ledger -------------------------------------------------------------------------------
def test_the_ledger_only_grows(store):
    row = issue(store)
    row.note = "changed"
    with pytest.raises(ValueError):
        row.save()
    with pytest.raises(ValueError):
        row.delete()
    assert StockMovement.objects.get(pk=row.pk).note == ""


def test_the_balance_is_the_sum_of_the_ledger(store):
    svc.stock_receive(actor=store["desk"], part=store["mem"], location=store["hq"], quantity=4)
    issue(store, quantity=3)
    assert svc.balance_at(store["mem"], store["hq"]) == 6 + 4 - 3
    balances = sel.part_balances(Part.objects.filter(code="MEM-8G-DDR4"))
    assert balances == {store["mem"].pk: {store["hq"].pk: 7}}
    assert sel.parts_visible_to(store["desk"]).get(code="MEM-8G-DDR4").total == 7


def test_part_balances_is_one_query(store, django_assert_num_queries):
    with django_assert_num_queries(1):
        sel.part_balances(Part.objects.all())


def test_issuing_more_than_in_stock_is_refused_and_writes_nothing(store):
    before = StockMovement.objects.count()
    with pytest.raises(ActionRefused) as refused:
        issue(store, quantity=7)
    assert "Only 6" in refused.value.message and refused.value.field == "quantity"
    assert StockMovement.objects.count() == before
    assert not RestockRequest.objects.exists()


@pytest.mark.parametrize("quantity", [0, -1, True, "1"])
def test_a_quantity_must_be_positive(store, quantity):
    with pytest.raises(ActionRefused):
        issue(store, quantity=quantity)


def test_issue_goes_only_to_an_open_ticket_of_the_same_contract(store):
    with pytest.raises(ActionRefused, match="open tickets"):
        issue(store, ticket="resolved")
    Ticket.objects.filter(pk=store["printer"].pk).update(status=Status.CLOSED,
                                                         resolution_code="fixed")
    store["printer"].refresh_from_db()
    with pytest.raises(ActionRefused, match="open tickets"):
        issue(store)
    with pytest.raises(ActionRefused, match="another contract"):
        issue(store, ticket="server_ticket")
    assert not StockMovement.objects.filter(kind="issue").exists()


def test_a_location_of_another_contract_is_refused(store):
    with pytest.raises(ActionRefused, match="not a store"):
        svc.stock_receive(actor=store["desk"], part=store["mem"], location=store["dc"],
                          quantity=1)


def test_issue_defaults_to_the_tickets_device(store):
    row = issue(store)
    assert row.quantity == -1 and row.asset_id == store["printer"].asset_id
    assert list(sel.movements_for_ticket(store["printer"])) == [row]


def test_only_store_keepers_of_the_contract_change_stock(store, demo):
    for who in ["engineer", "engineer2", "client", "user", "gm", "delivery"]:
        with pytest.raises(PermissionRefused):
            svc.stock_receive(actor=demo[who], part=store["mem"], location=store["hq"],
                              quantity=1)
    # pm and admin do; the desk too (MANAGE_STORE).
    svc.stock_receive(actor=demo["pm"], part=store["mem"], location=store["hq"], quantity=1)
    svc.stock_receive(actor=demo["admin"], part=store["mem"], location=store["hq"], quantity=1)


def test_return_unused_is_limited_to_what_the_ticket_holds(store):
    issue(store, quantity=2)
    svc.stock_return_unused(actor=store["desk"], part=store["mem"], location=store["hq"],
                            quantity=1, ticket=store["printer"])
    with pytest.raises(ActionRefused, match="holds 1"):
        svc.stock_return_unused(actor=store["desk"], part=store["mem"], location=store["hq"],
                                quantity=2, ticket=store["printer"])
    assert svc.balance_at(store["mem"], store["hq"]) == 5


def test_transfer_writes_two_rows_and_keeps_the_total(store):
    other = StockLocation.objects.create(contract=store["mem"].contract, name="分部备件柜")
    out, into = svc.stock_transfer(actor=store["desk"], part=store["mem"], source=store["hq"],
                                   target=other, quantity=4)
    assert (out.quantity, into.quantity) == (-4, 4)
    assert svc.balance_at(store["mem"], store["hq"]) == 2
    assert svc.balance_at(store["mem"], other) == 4
    assert svc.balance_total(store["mem"]) == 6
    with pytest.raises(ActionRefused, match="Only 2"):
        svc.stock_transfer(actor=store["desk"], part=store["mem"], source=store["hq"],
                           target=other, quantity=3)
    with pytest.raises(ActionRefused, match="different"):
        svc.stock_transfer(actor=store["desk"], part=store["mem"], source=other, target=other,
                           quantity=1)


def test_stock_take_records_the_difference_and_edits_nothing(store):
    first = StockMovement.objects.get(part=store["mem"])
    row = svc.stock_count_correction(actor=store["desk"], part=store["mem"],
                                     location=store["hq"], counted=4, note="年中盘点")
    assert row.kind == "count_correction" and row.quantity == -2
    assert StockMovement.objects.get(pk=first.pk).quantity == 6
    assert svc.balance_at(store["mem"], store["hq"]) == 4
    assert svc.stock_count_correction(actor=store["desk"], part=store["mem"],
                                      location=store["hq"], counted=4, note="复盘") is None
    with pytest.raises(ActionRefused):
        svc.stock_count_correction(actor=store["desk"], part=store["mem"],
                                   location=store["hq"], counted=5, note=" ")


def test_write_off_needs_a_reason_and_stock(store):
    with pytest.raises(ActionRefused, match="why"):
        svc.stock_write_off(actor=store["desk"], part=store["mem"], location=store["hq"],
                            quantity=1, note="")
    with pytest.raises(ActionRefused, match="Only 6"):
        svc.stock_write_off(actor=store["desk"], part=store["mem"], location=store["hq"],
                            quantity=7, note="丢失")
    row = svc.stock_write_off(actor=store["desk"], part=store["mem"], location=store["hq"],
                              quantity=1, note="摔坏")
    assert row.quantity == -1


# --- bad parts ------------------------------------------------------------------------------
def test_a_bad_disk_that_holds_data_stays_with_the_client(store):
    row = issue(store, part="ssd")
    for disposition in ["to_vendor", "scrapped"]:
        with pytest.raises(ActionRefused, match="stays with the client"):
            svc.bad_part_record(actor=store["desk"], issue=row, serial="S1",
                                disposition=disposition, note="")
    assert not BadPart.objects.exists()
    bad = svc.bad_part_record(actor=store["desk"], issue=row, serial="S1",
                              disposition="kept_by_client", note="交给信息部")
    assert bad.disposition == BadPart.Disposition.KEPT_BY_CLIENT
    with pytest.raises(ActionRefused, match="already"):
        svc.bad_part_record(actor=store["desk"], issue=row, serial="S1",
                            disposition="kept_by_client", note="")


def test_a_bad_part_without_data_may_go_back_to_the_vendor(store):
    row = issue(store)
    bad = svc.bad_part_record(actor=store["desk"], issue=row, serial="M1",
                              disposition="to_vendor", note="")
    assert bad.issue == row
    receipt = StockMovement.objects.filter(kind="receive", part=store["mem"]).first()
    with pytest.raises(ActionRefused, match="issue"):
        svc.bad_part_record(actor=store["desk"], issue=receipt, serial="", disposition="scrapped")
    with pytest.raises(PermissionRefused):
        svc.bad_part_record(actor=store["engineer"], issue=issue(store), serial="",
                            disposition="scrapped")


# --- restock --------------------------------------------------------------------------------
def test_falling_below_minimum_raises_one_request_due_in_three_days_and_tells_the_pm(store):
    moment = now()
    with time_machine.travel(moment, tick=False):
        issue(store, part="mem", quantity=4)  # 6 → 2: at the minimum, no request
        assert not RestockRequest.objects.exists()
        issue(store, part="mem", quantity=1)  # 1 < 2
        issue(store, part="mem", quantity=1)  # 0: still the one request
    request = RestockRequest.objects.get()
    assert request.part == store["mem"] and request.status == "open"
    assert request.due_at == moment + timedelta(days=3)
    assert request.quantity == 2 * 2 - 1
    mail = Notification.objects.filter(event="store.restock")
    assert mail.count() == 1
    assert mail.get().recipient == store["pm"] and "MEM-8G-DDR4" in mail.get().subject
    assert list(sel.restock_open(store["pm"])) == [request]
    assert list(sel.restock_open(store["engineer"])) == [request]
    assert not sel.restock_open(store["server_disk"].contract.project_manager).filter(
        part__contract__code="DEMO-SERVER").exists()


def test_a_receipt_back_to_the_minimum_fulfils_the_request(store):
    issue(store, part="mem", quantity=5)
    request = RestockRequest.objects.get()
    svc.stock_receive(actor=store["desk"], part=store["mem"], location=store["hq"],
                      quantity=1)  # 2: at the minimum
    request.refresh_from_db()
    assert request.status == "fulfilled" and request.closed_at is not None
    issue(store, part="mem", quantity=1)  # below again: a new request, a new mail
    assert RestockRequest.objects.filter(status="open").count() == 1
    assert Notification.objects.filter(event="store.restock").count() == 2


def test_a_small_receipt_leaves_the_request_open(store):
    issue(store, part="mem", quantity=6)
    svc.stock_receive(actor=store["desk"], part=store["mem"], location=store["hq"], quantity=1)
    assert RestockRequest.objects.get().status == "open"


def test_one_open_request_per_part_is_a_database_rule(store):
    issue(store, part="mem", quantity=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        RestockRequest.objects.create(part=store["mem"], quantity=1, raised_at=now(),
                                      due_at=now())


def test_restock_check_on_a_part_already_below_minimum(store):
    # The demo toner is 2 against a minimum of 3: the first check raises the request.
    request = svc.restock_check(store["toner"])
    assert request.quantity == 4 and svc.restock_check(store["toner"]) is None


# --- loans ----------------------------------------------------------------------------------
def lend(s, asset="spare", ticket="printer", borrower=None, **kw):
    return svc.loan_lend(actor=s["desk"], asset=s[asset], ticket=s[ticket],
                         borrower=borrower or s[ticket].requester,
                         due_back=kw.pop("due_back", now().date() + timedelta(days=7)), **kw)


def test_lend_and_return_a_spare(store):
    loan = lend(store)
    assert list(sel.loans_open(store["desk"])) == [loan]
    assert not sel.loans_open(store["desk"]).get().overdue
    assert not sel.spare_devices(store["desk"]).filter(pk=store["spare"].pk).exists()
    with pytest.raises(ActionRefused, match="already on loan"):
        lend(store)
    returned = svc.loan_return(actor=store["desk"], loan=loan, note="完好")
    assert returned.returned_at is not None and returned.returned_to == store["desk"]
    with pytest.raises(ActionRefused, match="already returned"):
        svc.loan_return(actor=store["desk"], loan=loan)
    assert list(sel.loans_for_ticket(store["printer"])) == [loan]
    lend(store)  # lent again once back


def test_two_open_loans_of_one_device_are_a_database_rule(store):
    loan = lend(store)
    with pytest.raises(IntegrityError), transaction.atomic():
        Loan.objects.create(asset=loan.asset, ticket=loan.ticket, borrower=loan.borrower,
                            lent_by=store["desk"], lent_at=now(), due_back=loan.due_back)


def test_only_a_spare_of_the_tickets_contract_is_lent(store):
    in_use = Asset.objects.get(tag="MY-PC-0001")
    store["in_use"] = in_use
    with pytest.raises(ActionRefused, match="not a spare"):
        lend(store, asset="in_use")
    Asset.objects.filter(pk=store["spare"].pk).update(status=AssetStatus.SPARE)
    store["server_spare"] = Asset.objects.get(tag="HT-SV-0002")
    with pytest.raises(ActionRefused, match="another contract"):
        lend(store, asset="server_spare")
    with pytest.raises(ActionRefused, match="not open"):
        lend(store, ticket="resolved")
    with pytest.raises(ActionRefused, match="client"):
        lend(store, borrower=store["engineer"])
    with pytest.raises(PermissionRefused):
        svc.loan_lend(actor=store["engineer"], asset=store["spare"], ticket=store["printer"],
                      borrower=store["printer"].requester, due_back=now().date())
    assert not Loan.objects.exists()


def test_an_overdue_loan_is_flagged(store):
    lend(store)
    with time_machine.travel(now() + timedelta(days=8)):
        assert sel.loans_open(store["desk"]).get().overdue


def test_end_users_read_nothing_of_the_store(store, demo):
    lend(store)
    issue(store, quantity=6)
    for who in ["user", "user2"]:
        assert not sel.parts_visible_to(demo[who]).exists()
        assert not sel.loans_open(demo[who]).exists()
        assert not sel.restock_open(demo[who]).exists()
        assert sel.ticket_store_context(user=demo[who], ticket=store["printer"]) == {
            "ticket_parts": [], "ticket_loans": [], "ticket_store_manage": False}
    context = sel.ticket_store_context(user=demo["engineer"], ticket=store["printer"])
    assert len(context["ticket_parts"]) == 1 and len(context["ticket_loans"]) == 1
    # An engineer of the desktop contract does not see the server contract's parts.
    assert not sel.parts_visible_to(demo["engineer"]).filter(
        contract__code="DEMO-SERVER").exists()
