"""The asset register: services, scoping, recurring faults, the QR landing, labels, warranty."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assets.models import Asset, AssetStatus, AssetType
from assets.selectors.register import asset_reliability
from assets.services import register as services
from core.clock import now
from core.errors import ActionRefused, PermissionRefused
from notifications.models import Notification
from sla.models import Contract
from tickets.models import Category, ServiceType, Ticket
from tickets.services import ticket_create, ticket_resolve

pytestmark = pytest.mark.django_db


def _printer():
    return Asset.objects.get(tag="MY-PR-0301")


def _new(demo, **extra):
    contract = Contract.objects.get(code="DEMO-DESKTOP")
    fields = {"name": "测试台式机", "asset_type": AssetType.objects.get(code="pc"),
              "tag": "MY-PC-9999", "serial": "SN-9999", "specs": {"cpu": "i7"}} | extra
    return services.asset_create(actor=demo["desk"], contract=contract, **fields)


def test_create_update_retire_keep_history(demo):
    asset = _new(demo)
    services.asset_update(actor=demo["engineer"], asset=asset, location="302 室",
                          specs={"cpu": "i7", "memory": "32 GB"})
    asset = services.asset_retire(actor=demo["desk"], asset=asset, reason="报废")
    assert asset.status == AssetStatus.RETIRED and asset.retired_at is not None
    history = list(asset.history.order_by("history_date"))
    assert [h.history_type for h in history] == ["+", "~", "~"]
    assert history[1].history_user == demo["engineer"]
    assert history[1].location == "302 室"


def test_bad_input_is_refused_and_changes_nothing(demo):
    _new(demo)
    foreign_site = Contract.objects.get(code="DEMO-SERVER").client.sites.first()
    with pytest.raises(ActionRefused, match="tag"):
        _new(demo, serial="other")  # same tag
    with pytest.raises(ActionRefused, match="Serial|serial"):
        _new(demo, tag="MY-PC-9998")  # same serial, same contract
    with pytest.raises(ActionRefused):
        _new(demo, tag="MY-PC-9997", serial="x1", site=foreign_site)
    with pytest.raises(ActionRefused):
        _new(demo, tag="MY-PC-9996", serial="x2", specs={"wheels": "4"})
    with pytest.raises(PermissionRefused):
        services.asset_create(actor=demo["client"], contract=Contract.objects.get(
            code="DEMO-DESKTOP"), name="x", asset_type=AssetType.objects.first())
    with pytest.raises(PermissionRefused):
        services.asset_update(actor=demo["desk"], asset=_printer(), recurring_fault=True)
    assert Asset.objects.filter(tag__startswith="MY-PC-99").count() == 1


def test_engineer_not_on_the_contract_may_not_edit(demo):
    server = Asset.objects.get(tag="HT-SV-0001")
    with pytest.raises(PermissionRefused):
        services.asset_update(actor=demo["engineer"], asset=server, location="x")


def _fault(demo, user, asset, category_path=("打印机/扫描仪", "卡纸"), when=None):
    hardware = ServiceType.objects.get(code="hardware")
    parent = Category.objects.get(service_type=hardware, parent=None, name=category_path[0])
    category = Category.objects.get(parent=parent, name=category_path[1])
    return ticket_create(actor=user, contract=asset.contract, service_type=hardware,
                         category=category, title="又卡纸了", asset=asset)


def test_recurring_fault_flags_both_tickets_and_the_asset(demo):
    printer = _printer()
    printer.recurring_fault = False
    printer.save()
    Ticket.objects.filter(asset=printer).update(asset=None)
    first = _fault(demo, demo["user"], printer)
    assert not Ticket.objects.get(pk=first.pk).recurring_fault
    other = _fault(demo, demo["user"], printer, ("打印机/扫描仪", "无法打印"))
    assert not Ticket.objects.get(pk=other.pk).recurring_fault
    second = _fault(demo, demo["user2"], printer)
    assert Ticket.objects.get(pk=first.pk).recurring_fault
    assert Ticket.objects.get(pk=second.pk).recurring_fault
    assert not Ticket.objects.get(pk=other.pk).recurring_fault
    assert Asset.objects.get(pk=printer.pk).recurring_fault


def test_a_fault_after_the_window_is_not_recurring(demo, settings):
    printer = _printer()
    Ticket.objects.filter(asset=printer).update(asset=None)
    start = now()
    with time_machine.travel(start, tick=False):
        first = _fault(demo, demo["user"], printer)
    with time_machine.travel(start + timedelta(days=settings.RECURRING_FAULT_DAYS + 1),
                             tick=False):
        second = _fault(demo, demo["user"], printer)
    assert not Ticket.objects.get(pk=first.pk).recurring_fault
    assert not Ticket.objects.get(pk=second.pk).recurring_fault


def test_a_ticket_may_not_name_another_contracts_asset(demo):
    server = Asset.objects.get(tag="HT-SV-0001")
    with pytest.raises(ActionRefused):
        ticket_create(actor=demo["user"], contract=Contract.objects.get(code="DEMO-DESKTOP"),
                      service_type=ServiceType.objects.get(code="hardware"), title="x",
                      asset=server)


def test_reliability_figures(demo):
    printer = _printer()
    Ticket.objects.filter(asset=printer).update(asset=None)
    ticket = _fault(demo, demo["user"], printer)
    from tickets.services import ticket_accept

    ticket_accept(actor=demo["desk"], ticket=ticket)
    ticket_resolve(actor=demo["desk"], ticket=Ticket.objects.get(pk=ticket.pk), code="fixed",
                   notes="清理搓纸轮")
    figures = asset_reliability(Asset.objects.get(pk=printer.pk))
    assert figures.faults == 1 and figures.repairs == 1
    days = (now().date() - printer.purchase_date).days
    assert figures.mtbf_hours == pytest.approx(days * 24)
    assert figures.mttr_hours is not None and figures.mttr_hours < 1


# --- pages --------------------------------------------------------------------------------------
def test_qr_landing(demo, client):
    response = client.get("/a/MY-PR-0301")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert "next=/a/MY-PR-0301" in response["Location"]
    client.force_login(demo["user"])
    response = client.get("/a/MY-PR-0301")
    assert response["Location"] == "/tickets/new/?asset=MY-PR-0301"
    assert client.get("/a/HT-SV-0001").status_code == 404  # another client's asset
    assert client.get("/a/NOPE").status_code == 404
    client.force_login(demo["desk"])
    assert client.get("/a/MY-PR-0301")["Location"] == f"/assets/{_printer().pk}/"


def test_scanned_label_files_a_fault_on_that_asset(demo, client):
    client.force_login(demo["user2"])  # not the printer's custodian: any client person may
    page = client.get("/tickets/new/?asset=MY-PR-0301")
    assert page.status_code == 200
    assert "财务部激光打印机" in page.content.decode()
    form = page.context["form"]
    response = client.post("/tickets/new/?asset=MY-PR-0301", {
        "submission_key": form.initial["submission_key"], "contract": "DEMO-DESKTOP",
        "kind": "fault", "service_type": "hardware", "title": "打印机卡纸",
        "asset": _printer().pk})
    assert response.status_code == 302, response.context["form"].errors
    ticket = Ticket.objects.get(title="打印机卡纸")
    assert ticket.asset == _printer() and ticket.location == _printer().location


def test_portal_offers_only_own_assets_without_a_scan(demo, client):
    client.force_login(demo["user"])
    page = client.get("/tickets/new/")
    choices = list(page.context["form"].fields["asset"].queryset)
    assert [a.tag for a in choices] == ["MY-PC-0001"]
    form = page.context["form"]
    response = client.post("/tickets/new/", {
        "submission_key": form.initial["submission_key"], "contract": "DEMO-DESKTOP",
        "kind": "fault", "service_type": "hardware", "title": "x",
        "asset": Asset.objects.get(tag="MY-PC-0002").pk})  # someone else's PC
    assert response.status_code == 200 and "asset" in response.context["form"].errors


def test_log_call_finds_the_asset_by_serial(demo, client):
    client.force_login(demo["desk"])
    page = client.get("/tickets/log-call/")
    form = page.context["form"]
    response = client.post("/tickets/log-call/", {
        "submission_key": form.initial["submission_key"], "contract": "DEMO-DESKTOP",
        "kind": "fault", "service_type": "hardware", "title": "主机不开机", "channel": "phone",
        "priority": 3, "requester": demo["user"].pk, "asset_ref": "PC0A1B2C"})
    assert response.status_code == 302, response.context["form"].errors
    assert Ticket.objects.get(title="主机不开机").asset.tag == "MY-PC-0001"
    lookup = client.get("/assets/lookup/?asset_ref=MY-PC&contract=DEMO-DESKTOP")
    assert "MY-PC-0001" in lookup.content.decode()


def test_list_filters_search_and_scoping(demo, client):
    client.force_login(demo["engineer"])  # DEMO-DESKTOP only
    body = client.get("/assets/").content.decode()
    assert "MY-PR-0301" in body and "HT-SV-0001" not in body
    body = client.get("/assets/?q=激光").content.decode()
    assert "MY-PR-0301" in body and "MY-PR-0501" not in body
    body = client.get("/assets/?type=printer&warranty=expiring").content.decode()
    assert "MY-PR-0301" in body and "MY-PR-0501" not in body
    assert client.get(f"/assets/{Asset.objects.get(tag='HT-SV-0001').pk}/").status_code == 404
    client.force_login(demo["user"])
    assert client.get("/assets/").status_code == 403


def test_list_and_detail_queries_are_constant(demo, client, django_assert_max_num_queries):
    client.force_login(demo["desk"])
    client.get("/assets/")
    with CaptureQueriesContext(connection) as few:
        client.get("/assets/")
    for i in range(30):
        _new(demo, tag=f"MY-PC-8{i:03d}", serial=f"S8{i:03d}", custodian=demo["user"])
    with django_assert_max_num_queries(len(few)):
        assert client.get("/assets/").status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get(f"/assets/{_printer().pk}/").status_code == 200


def test_create_and_edit_pages(demo, client):
    client.force_login(demo["desk"])
    response = client.post("/assets/new/", {
        "contract": "DEMO-DESKTOP", "tag": "MY-PC-7001", "name": "新台式机", "asset_type": "pc",
        "spec__pc__cpu": "i5", "spec__printer__ip": "ignored", "status": "in_use",
        "criticality": "non_core", "custodian": "MY0003"})
    assert response.status_code == 302
    asset = Asset.objects.get(tag="MY-PC-7001")
    assert asset.specs == {"cpu": "i5"} and asset.custodian == demo["user2"]
    response = client.post(f"/assets/{asset.pk}/edit/", {
        "tag": "MY-PC-7001", "name": "新台式机", "asset_type": "pc", "status": "in_repair",
        "criticality": "non_core", "custodian": "nobody"})
    assert response.status_code == 200 and "custodian" in response.context["form"].errors
    assert Asset.objects.get(pk=asset.pk).status == "in_use"
    response = client.post(f"/assets/{asset.pk}/relations/", {"kind": "connected_to",
                                                             "target": "MY-NW-0001"})
    assert asset.relations_out.get().target.tag == "MY-NW-0001"
    client.post(f"/assets/{asset.pk}/retire/", {"reason": "损坏"})
    assert Asset.objects.get(pk=asset.pk).status == "retired"
    client.force_login(demo["client"])  # reads, never writes
    assert client.get(f"/assets/{asset.pk}/").status_code == 200
    assert client.get(f"/assets/{asset.pk}/edit/").status_code == 403
    assert client.post(f"/assets/{asset.pk}/retire/").status_code == 403


def test_labels_hold_an_absolute_url_to_the_tag(demo, client, settings):
    client.force_login(demo["desk"])
    printer = _printer()
    body = client.get(f"/assets/labels/?ids={printer.pk}").content.decode()
    assert "<svg" in body and "MY-PR-0301" in body
    settings.ASSET_LABEL_BASE_URL = "https://itsm.example.cn"
    response = client.get(f"/assets/{printer.pk}/")
    assert "https://itsm.example.cn/a/MY-PR-0301" in response.content.decode()
    other = Asset.objects.get(tag="HT-SV-0001")
    client.force_login(demo["engineer"])
    assert "HT-SV-0001" not in client.get(f"/assets/labels/?ids={other.pk}").content.decode()


def test_warranty_notice_goes_to_the_pm_once(demo, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    sent = services.warranty_notices_send()
    assert sent >= 2  # MY-PR-0301 (20 days), MY-PC-0002 (25 days), HT-SV-0101 (28 days)
    notes = Notification.objects.filter(event="asset.warranty")
    assert notes.count() == 2  # one per contract
    assert all(n.recipient == demo["pm"] for n in notes)
    assert "MY-PR-0301" in notes.get(subject__contains="DEMO-DESKTOP").body
    assert services.warranty_notices_send() == 0
    printer = _printer()
    services.asset_update(actor=demo["desk"], asset=printer,
                          warranty_end=printer.warranty_end + timedelta(days=5))
    assert services.warranty_notices_send() == 1  # a new end date is news again
    del mail.outbox[:]


# --- API ----------------------------------------------------------------------------------------
def test_api_scoping_and_writes(demo, client):
    client.force_login(demo["engineer"])
    tags = [a["tag"] for a in client.get("/api/assets/?page_size=100").json()["results"]]
    assert "MY-PR-0301" in tags and not any(t.startswith("HT-") for t in tags)
    server = Asset.objects.get(tag="HT-SV-0001")
    assert client.get(f"/api/assets/{server.pk}/").status_code == 404
    response = client.post("/api/assets/", {"contract": "DEMO-DESKTOP", "name": "API 台式机",
                                            "asset_type": "pc", "tag": "MY-PC-6001",
                                            "specs": {"cpu": "i3"}},
                           content_type="application/json")
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    response = client.patch(f"/api/assets/{pk}/", {"recurring_fault": True},
                            content_type="application/json")
    assert response.status_code == 400
    response = client.patch(f"/api/assets/{pk}/", {"location": "501"},
                            content_type="application/json")
    assert response.json()["location"] == "501"
    assert client.post(f"/api/assets/{pk}/retire/").json()["status"] == "retired"
    client.force_login(demo["user"])
    mine = client.get("/api/assets/").json()["results"]
    assert [a["tag"] for a in mine] == ["MY-PC-0001"]
    response = client.post("/api/assets/", {"contract": "DEMO-DESKTOP", "name": "x",
                                            "asset_type": "pc"}, content_type="application/json")
    assert response.status_code == 403


# --- bad input is 400 naming the field (core.errors.InvalidInput) ---------------------------
@pytest.mark.parametrize(("body", "field"), [
    ({"tag": "MY-PR-0301"}, "tag"),  # already in use
    ({"purchase_date": "2025-06-01", "warranty_end": "2025-01-01"}, "warranty_end"),
    ({"specs": {"no_such_field": "x"}}, "specs"),
    ({"name": "   "}, "name"),
])
def test_api_bad_asset_input_is_400_naming_the_field(demo, client, body, field):
    client.force_login(demo["desk"])
    response = client.post("/api/assets/", {"contract": "DEMO-DESKTOP", "name": "API 台式机",
                                            "asset_type": "pc", **body},
                           content_type="application/json")
    assert response.status_code == 400, response.json()
    assert list(response.json()["errors"]) == [field]
    assert response.json()["code"] == "invalid"


def test_api_duplicate_serial_on_update_is_400_naming_serial(demo, client):
    client.force_login(demo["desk"])
    printer, other = Asset.objects.filter(contract__code="DEMO-DESKTOP").exclude(
        serial="")[:2]
    response = client.patch(f"/api/assets/{other.pk}/", {"serial": printer.serial},
                            content_type="application/json")
    assert response.status_code == 400 and "serial" in response.json()["errors"]


def test_the_asset_page_shows_a_taken_tag_on_the_tag_field(demo, client):
    client.force_login(demo["desk"])
    response = client.post("/assets/new/", {
        "contract": "DEMO-DESKTOP", "tag": "MY-PR-0301", "name": "新台式机", "asset_type": "pc",
        "status": "in_use", "criticality": "non_core"})
    assert response.status_code == 200
    assert "MY-PR-0301" in response.context["form"].errors["tag"][0]
    assert not response.context["form"].non_field_errors()
