"""Spare-part store pages and API: who reads, who changes, what a form does."""

from datetime import timedelta

import pytest

from assets.models import Asset, BadPart, Loan, Part, RestockRequest, StockLocation, StockMovement
from assets.services import store as svc
from core.clock import now
from tickets.models import Ticket


@pytest.fixture
def s(demo):
    return {
        "mem": Part.objects.get(code="MEM-8G-DDR4"), "ssd": Part.objects.get(code="SSD-512"),
        "server_disk": Part.objects.get(code="HDD-1.92T-SSD"),
        "hq": StockLocation.objects.get(name="总部备件库"),
        "printer": Ticket.objects.get(title="三楼财务部打印机频繁卡纸"),
        "server_ticket": Ticket.objects.get(title__startswith="交易数据库服务器"),
        "spare": Asset.objects.get(tag="MY-NB-9001"),
        **demo,
    }


def part_url(part, action=""):
    return f"/store/parts/{part.pk}/" + (f"{action}/" if action else "")


# --- reading ---------------------------------------------------------------------------------
def test_the_store_lists_parts_per_contract_with_stock(s, login):
    body = login(s["desk"]).get("/store/").content.decode()
    assert "MEM-8G-DDR4" in body and "HDD-1.92T-SSD" in body and "总部备件库" in body
    # The demo toner (2 of minimum 3) carries the badge.
    assert 'data-part="TONER-CF276A" class="table-warning"' in body
    engineer = login(s["engineer"]).get("/store/").content.decode()
    assert "MEM-8G-DDR4" in engineer and "HDD-1.92T-SSD" not in engineer


def test_search_by_code_name_or_model(s, login):
    client = login(s["desk"])
    body = client.get("/store/", {"q": "ThinkPad E14"}).content.decode()
    assert "SSD-512" in body and "MEM-8G-DDR4" not in body
    body = client.get("/store/", {"below": "1"}).content.decode()
    assert "TONER-CF276A" in body and "KB-USB" not in body
    body = client.get("/store/", {"contract": "DEMO-SERVER"}).content.decode()
    assert "SFP-10G" in body and "KB-USB" not in body


@pytest.mark.parametrize("who", ["user", "user2"])
def test_end_users_are_refused(s, login, who):
    client = login(s[who])
    for path in ["/store/", "/store/restock/", "/store/loans/"]:
        assert client.get(path).status_code == 403
    assert client.get(part_url(s["mem"])).status_code == 404


def test_anonymous_is_sent_to_log_in(s, client):
    assert client.get("/store/").status_code == 302
    assert client.post(part_url(s["mem"], "receive"), {}).status_code == 302
    assert client.get("/api/parts/").status_code == 401


def test_a_part_of_another_contract_is_404(s, login):
    client = login(s["engineer"])
    assert client.get(part_url(s["server_disk"])).status_code == 404
    assert client.get(part_url(s["mem"])).status_code == 200


def test_engineers_read_but_do_not_change(s, login):
    client = login(s["engineer"])
    page = client.get(part_url(s["mem"])).content.decode()
    assert 'data-testid="store-actions"' not in page
    response = client.post(part_url(s["mem"], "issue"), {
        "location": s["hq"].pk, "quantity": 1, "ticket": s["printer"].number})
    assert response.status_code == 403
    assert not StockMovement.objects.filter(kind="issue").exists()
    assert client.post("/store/loans/lend/", {}).status_code == 403


def test_store_pages_are_get_only_for_changes(s, login):
    client = login(s["desk"])
    assert client.get(part_url(s["mem"], "receive")).status_code == 405
    assert client.get("/store/loans/lend/").status_code == 405


# --- changing --------------------------------------------------------------------------------
def test_issue_from_the_page(s, login):
    client = login(s["desk"])
    response = client.post(part_url(s["mem"], "issue"), {
        "location": s["hq"].pk, "quantity": 2, "ticket": s["printer"].number, "note": "换内存"})
    assert response.status_code == 302 and response["Location"] == part_url(s["mem"])
    row = StockMovement.objects.get(kind="issue")
    assert row.quantity == -2 and row.ticket == s["printer"] and row.actor == s["desk"]
    page = client.get(response["Location"]).content.decode()
    assert "换内存" in page and s["printer"].number in page


def test_too_many_re_renders_with_the_error_on_the_quantity(s, login):
    response = login(s["desk"]).post(part_url(s["mem"], "issue"), {
        "location": s["hq"].pk, "quantity": 9, "ticket": s["printer"].number})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Only 6" in body or "仅" in body
    assert 'data-action="issue" open' in body
    assert not StockMovement.objects.filter(kind="issue").exists()


def test_an_unknown_or_foreign_ticket_is_a_field_error(s, login):
    client = login(s["pm"])
    response = client.post(part_url(s["mem"], "issue"), {
        "location": s["hq"].pk, "quantity": 1, "ticket": "1999-000001"})
    assert response.status_code == 200 and "1999-000001" in response.content.decode()
    response = client.post(part_url(s["mem"], "issue"), {
        "location": s["hq"].pk, "quantity": 1, "ticket": s["server_ticket"].number})
    assert response.status_code == 200
    assert not StockMovement.objects.filter(kind="issue").exists()


def test_a_location_of_another_contract_is_not_a_choice(s, login):
    dc = StockLocation.objects.get(name="主数据中心备件柜")
    response = login(s["desk"]).post(part_url(s["mem"], "receive"),
                                     {"location": dc.pk, "quantity": 1})
    assert response.status_code == 200
    assert StockMovement.objects.filter(part=s["mem"]).count() == 1


def test_receive_transfer_count_and_write_off_from_the_page(s, login):
    client = login(s["desk"])
    other = StockLocation.objects.create(contract=s["mem"].contract, name="分部备件柜")
    posts = [
        ("receive", {"location": s["hq"].pk, "quantity": 3, "note": "采购单 PO-1"}),
        ("transfer", {"source": s["hq"].pk, "target": other.pk, "quantity": 2}),
        ("count", {"location": other.pk, "counted": 1, "note": "盘点少一条"}),
        ("write-off", {"location": s["hq"].pk, "quantity": 1, "note": "静电损坏"}),
    ]
    for action, data in posts:
        response = client.post(part_url(s["mem"], action), data)
        assert response.status_code == 302, (action, response.content.decode()[:500])
    assert svc.balance_total(s["mem"]) == 6 + 3 - 1 - 1


def test_return_unused_from_the_page(s, login):
    client = login(s["desk"])
    client.post(part_url(s["mem"], "issue"), {
        "location": s["hq"].pk, "quantity": 2, "ticket": s["printer"].number})
    response = client.post(part_url(s["mem"], "return"), {
        "location": s["hq"].pk, "quantity": 1, "ticket": s["printer"].number})
    assert response.status_code == 302
    assert svc.balance_at(s["mem"], s["hq"]) == 5


def test_bad_part_of_a_data_disk_must_stay_with_the_client(s, login):
    client = login(s["desk"])
    client.post(part_url(s["ssd"], "issue"), {
        "location": s["hq"].pk, "quantity": 1, "ticket": s["printer"].number})
    row = StockMovement.objects.get(kind="issue")
    response = client.post(f"/store/movements/{row.pk}/bad-part/",
                           {"serial": "SN1", "disposition": "to_vendor"}, follow=True)
    assert not BadPart.objects.exists()
    assert "换下的部件须留给甲方" in response.content.decode()  # pages speak Chinese first
    client.post(f"/store/movements/{row.pk}/bad-part/",
                {"serial": "SN1", "disposition": "kept_by_client"})
    assert BadPart.objects.get().serial == "SN1"
    assert 'data-testid="bad-part"' in client.get(part_url(s["ssd"])).content.decode()
    # An engineer cannot record one; an end user does not find the row.
    assert login(s["engineer"]).post(f"/store/movements/{row.pk}/bad-part/", {
        "disposition": "kept_by_client"}).status_code == 403
    assert login(s["user"]).post(f"/store/movements/{row.pk}/bad-part/", {
        "disposition": "kept_by_client"}).status_code == 404


def test_restock_page_shows_overdue_in_red(s, login):
    svc.stock_issue(actor=s["desk"], part=s["mem"], location=s["hq"], quantity=6,
                    ticket=s["printer"])
    RestockRequest.objects.update(due_at=now() - timedelta(hours=1))
    body = login(s["pm"]).get("/store/restock/").content.decode()
    assert 'data-part="MEM-8G-DDR4" class="table-danger" data-overdue' in body


def test_lend_and_return_from_the_page(s, login):
    client = login(s["desk"])
    assert "MY-NB-9001" in client.get("/store/loans/").content.decode()
    due = (now().date() + timedelta(days=5)).isoformat()
    response = client.post("/store/loans/lend/", {
        "asset": s["spare"].pk, "ticket": s["printer"].number, "due_back": due})
    assert response.status_code == 302
    loan = Loan.objects.get()
    assert loan.borrower == s["printer"].requester
    # Lent devices are no longer offered; a second lend of it is a field error.
    response = client.post("/store/loans/lend/", {
        "asset": s["spare"].pk, "ticket": s["printer"].number, "due_back": due})
    assert response.status_code == 200 and Loan.objects.count() == 1
    response = client.post(f"/store/loans/{loan.pk}/return/")
    assert response.status_code == 302
    loan.refresh_from_db()
    assert loan.returned_at is not None


def test_lend_to_a_named_borrower_of_the_client_only(s, login):
    client = login(s["desk"])
    due = (now().date() + timedelta(days=5)).isoformat()
    response = client.post("/store/loans/lend/", {
        "asset": s["spare"].pk, "ticket": s["printer"].number, "due_back": due,
        "borrower": s["engineer"].username})
    assert response.status_code == 200 and not Loan.objects.exists()
    client.post("/store/loans/lend/", {
        "asset": s["spare"].pk, "ticket": s["printer"].number, "due_back": due,
        "borrower": s["user2"].username})
    assert Loan.objects.get().borrower == s["user2"]


def test_the_ticket_partial_renders_parts_and_loans(s, login):
    from django.template.loader import render_to_string

    from assets.selectors.store import ticket_store_context

    row = svc.stock_issue(actor=s["desk"], part=s["ssd"], location=s["hq"], quantity=1,
                          ticket=s["printer"])
    svc.bad_part_record(actor=s["desk"], issue=row, serial="SN9", disposition="kept_by_client")
    svc.loan_lend(actor=s["desk"], asset=s["spare"], ticket=s["printer"],
                  borrower=s["printer"].requester, due_back=now().date())
    html = render_to_string("assets/store/_ticket_parts.html", {
        "ticket": s["printer"], **ticket_store_context(user=s["engineer"], ticket=s["printer"])})
    assert "SSD-512" in html and "SN9" in html and "MY-NB-9001" in html
    assert "loan-return-" not in html  # engineers read only
    loan = Loan.objects.get()
    html = render_to_string("assets/store/_ticket_parts.html", {
        "ticket": s["printer"], **ticket_store_context(user=s["desk"], ticket=s["printer"])})
    assert f'data-testid="loan-return-{loan.pk}"' in html
    response = login(s["desk"]).post(f"/store/loans/{loan.pk}/return/", {"next": "ticket"})
    assert response["Location"] == f"/tickets/{s['printer'].number}/"
    empty = render_to_string("assets/store/_ticket_parts.html", {
        "ticket": s["printer"], **ticket_store_context(user=s["user"], ticket=s["printer"])})
    assert empty.strip() == ""


# --- constant queries ------------------------------------------------------------------------
def test_store_list_queries_do_not_grow_with_parts(s, login, django_assert_max_num_queries):
    client = login(s["desk"])
    client.get("/store/")
    with django_assert_max_num_queries(12) as first:
        client.get("/store/")
    for n in range(30):
        part = Part.objects.create(contract=s["mem"].contract, code=f"X-{n}", name=f"配件 {n}")
        svc.stock_receive(actor=s["desk"], part=part, location=s["hq"], quantity=n + 1)
    with django_assert_max_num_queries(len(first.captured_queries)):
        body = client.get("/store/").content.decode()
    assert "X-29" in body


def test_part_page_queries_do_not_grow_with_the_ledger(s, login, django_assert_max_num_queries):
    client = login(s["desk"])
    client.get(part_url(s["mem"]))
    with django_assert_max_num_queries(25) as first:
        client.get(part_url(s["mem"]))
    for _ in range(5):
        row = svc.stock_issue(actor=s["desk"], part=s["mem"], location=s["hq"], quantity=1,
                              ticket=s["printer"])
        svc.bad_part_record(actor=s["desk"], issue=row, serial="", disposition="scrapped")
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(part_url(s["mem"]))


# --- API -------------------------------------------------------------------------------------
def test_api_lists_parts_with_balances_and_filters(s, login):
    client = login(s["engineer2"])
    data = client.get("/api/parts/", {"contract": "DEMO-DESKTOP"}).json()
    rows = {r["code"]: r for r in data["results"]}
    assert set(rows) == {"TONER-CF276A", "SSD-512", "MEM-8G-DDR4", "KB-USB"}
    assert rows["MEM-8G-DDR4"]["total"] == 6
    assert rows["MEM-8G-DDR4"]["balances"] == [
        {"location": s["hq"].pk, "name": "总部备件库", "quantity": 6}]
    below = client.get("/api/parts/", {"below_minimum": "true"}).json()["results"]
    assert [r["code"] for r in below] == ["TONER-CF276A"]
    assert client.get(f"/api/parts/{s['mem'].pk}/").json()["total"] == 6
    assert login(s["engineer"]).get(f"/api/parts/{s['server_disk'].pk}/").status_code == 404
    assert login(s["user"]).get("/api/parts/").json()["results"] == []


def test_api_movements(s, login):
    url = f"/api/parts/{s['mem'].pk}/movements/"
    client = login(s["desk"])
    response = client.post(url, {"kind": "issue", "location": s["hq"].pk, "quantity": 2,
                                 "ticket": s["printer"].number}, content_type="application/json")
    assert response.status_code == 201, response.json()
    assert response.json()["quantity"] == -2
    response = client.post(url, {"kind": "issue", "location": s["hq"].pk, "quantity": 5,
                                 "ticket": s["printer"].number}, content_type="application/json")
    assert response.status_code == 400 and "仅有 4 个" in response.json()["detail"]
    assert response.json()["errors"]["quantity"] == [response.json()["detail"]]
    response = client.post(url, {"kind": "issue", "location": s["hq"].pk, "quantity": 1},
                           content_type="application/json")
    assert response.status_code == 400 and "ticket" in response.json()["errors"]
    ledger = client.get(url).json()["results"]
    assert [m["quantity"] for m in ledger] == [-2, 6]
    assert login(s["engineer"]).post(url, {
        "kind": "receive", "location": s["hq"].pk, "quantity": 1},
        content_type="application/json").status_code == 403
    assert login(s["engineer"]).get(url).status_code == 200


def test_api_loans(s, login):
    client = login(s["pm"])
    due = (now().date() + timedelta(days=3)).isoformat()
    response = client.post("/api/loans/", {"asset": s["spare"].pk,
                                           "ticket": s["printer"].number, "due_back": due},
                           content_type="application/json")
    assert response.status_code == 201, response.json()
    loan_id = response.json()["id"]
    assert response.json()["borrower"]["id"] == s["printer"].requester_id
    again = client.post("/api/loans/", {"asset": s["spare"].pk, "ticket": s["printer"].number,
                                        "due_back": due}, content_type="application/json")
    # Already lent: a refused action (409), not bad input.
    assert again.status_code == 409 and "已借出" in again.json()["detail"]
    assert again.json()["code"] == "refused"
    assert [r["id"] for r in client.get("/api/loans/", {"open": "true"}).json()["results"]] == [
        loan_id]
    assert login(s["engineer"]).post(f"/api/loans/{loan_id}/return/").status_code == 403
    returned = login(s["pm"]).post(f"/api/loans/{loan_id}/return/", {"note": "ok"},
                                   content_type="application/json")
    assert returned.status_code == 200 and returned.json()["returned_at"]
    assert login(s["user"]).post(f"/api/loans/{loan_id}/return/").status_code == 404


# --- the URL × role rows handed to tests/test_url_matrix.py --------------------------------------
ROLES = ["anonymous", "admin", "desk", "engineer", "engineer2", "pm", "delivery", "gm", "client",
         "user", "user2"]


@pytest.mark.parametrize("role", ROLES)
def test_matrix_rows(demo, client, role):
    from tests.assets.matrix_store import EXPECTED, POST_ONLY, names

    if role != "anonymous":
        client.force_login(demo[role])
    values = names()
    failures = []
    for template, (allowed, other, anonymous) in EXPECTED.items():
        path = template.format(**values)
        status = client.get(path).status_code
        expected = anonymous if role == "anonymous" else 200 if role in allowed else other
        if status != expected:
            failures.append(f"{path}: {status}, expected {expected}")
    if role != "anonymous":
        for route in POST_ONLY:
            path = "/" + route.replace("<int:pk>", "1")
            if client.get(path).status_code != 405:
                failures.append(f"{path}: GET should be 405")
    assert not failures, failures
