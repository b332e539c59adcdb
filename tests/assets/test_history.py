"""An asset's change history says who changed what: the recurring-fault flag the system raises
is the system's (no user, reason "system"), shown as 系统 / System — not the person who filed
the ticket, and not whoever edits the asset next."""

import re

import pytest
from django.utils import translation

from assets.models import Asset, AssetType
from assets.selectors.register import asset_history
from assets.services import register as services
from sla.models import Contract
from tickets.models import Category, ServiceType

pytestmark = pytest.mark.django_db


@pytest.fixture
def asset(demo):
    return services.asset_create(
        actor=demo["desk"], contract=Contract.objects.get(code="DEMO-DESKTOP"),
        name="财务部打印机", asset_type=AssetType.objects.get(code="printer"),
        tag="MY-PR-9901", serial="SN-PR-9901", location="301 室")


def _file_fault_through_the_api(client, demo, asset):
    """The desk files it over the API: a request with a logged-in user, whom simple-history's
    middleware would otherwise take for the author of every change the request makes."""
    hardware = ServiceType.objects.get(code="hardware")
    jam = Category.objects.get(parent__service_type=hardware, parent__name="打印机/扫描仪",
                               name="卡纸")
    client.force_login(demo["desk"])
    response = client.post("/api/tickets/", {
        "contract": "DEMO-DESKTOP", "service_type": "hardware", "category": jam.pk,
        "title": "打印机又卡纸了", "asset": asset.pk, "requester": demo["user"].pk,
        "channel": "phone"}, content_type="application/json")
    assert response.status_code == 201, response.content


def _history_items(html: str) -> list[str]:
    block = html.split('data-testid="asset-history"', 1)[1].split("</ol>", 1)[0]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", item)).strip()
            for item in block.split("<li")[1:]]


def test_it_records_the_flag_as_the_systems_change(client, demo, asset):
    _file_fault_through_the_api(client, demo, asset)
    _file_fault_through_the_api(client, demo, asset)  # the second: a recurring fault
    asset.refresh_from_db()
    assert asset.recurring_fault
    flag = asset.history.order_by("-history_date", "-history_id").first()
    assert flag.recurring_fault and flag.history_user is None
    assert flag.history_change_reason == "system"


def test_the_next_editor_is_not_blamed_for_the_flag(client, demo, asset):
    _file_fault_through_the_api(client, demo, asset)
    _file_fault_through_the_api(client, demo, asset)
    services.asset_update(actor=demo["engineer"], asset=Asset.objects.get(pk=asset.pk),
                          location="302 室")
    edit, flag = asset_history(asset)[:2]
    assert edit["version"].history_user == demo["engineer"]
    assert flag["version"].history_user is None
    with translation.override("en"):  # the requests above switched the thread's language
        assert [str(label) for label, _old, _new in edit["changes"]] == ["location"]
        assert [(str(label), str(old), str(new)) for label, old, new in flag["changes"]] == [
            ("recurring fault", "No", "Yes")]


def test_the_asset_page_shows_the_flag_as_system(client, demo, asset):
    _file_fault_through_the_api(client, demo, asset)
    _file_fault_through_the_api(client, demo, asset)
    services.asset_update(actor=demo["engineer"], asset=Asset.objects.get(pk=asset.pk),
                          location="302 室")
    client.force_login(demo["pm"])
    html = client.get(f"/assets/{asset.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    edit, flag = _history_items(html)[:2]
    engineer = demo["engineer"].display_name
    assert engineer in edit and "302 室" in edit and "重复故障" not in edit
    assert "系统" in flag and "重复故障" in flag and "是" in flag
    assert demo["desk"].display_name not in flag and engineer not in flag
