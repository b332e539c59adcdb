"""Issue 14.6: an edit made from an old copy is refused instead of winning silently: ETag and
If-Match on the ticket and asset API (412, code "stale"), a version field on the asset form."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from assets.io.importer import assets_import
from assets.models import Asset
from assets.services import register as asset_services
from tests.assets.test_io import HEADER, xlsx
from tickets.services import ticket_update


@pytest.fixture
def api():
    def _as(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return _as


def test_a_ticket_get_carries_an_etag_and_a_matching_patch_succeeds(demo, api, file_ticket):
    ticket = file_ticket()
    user = api(demo["user"])
    response = user.get(f"/api/tickets/{ticket.pk}/")
    tag = response["ETag"]
    assert tag == f'"{ticket.version}"'
    response = user.patch(f"/api/tickets/{ticket.pk}/", {"title": "显示器完全不亮"},
                          format="json", HTTP_IF_MATCH=tag)
    assert response.status_code == 200 and response.json()["title"] == "显示器完全不亮"
    assert response["ETag"] != tag and response["ETag"] == user.get(
        f"/api/tickets/{ticket.pk}/")["ETag"]


def test_a_stale_ticket_patch_is_412_and_changes_nothing(demo, api, file_ticket):
    ticket = file_ticket()
    user = api(demo["user"])
    old = user.get(f"/api/tickets/{ticket.pk}/")["ETag"]
    ticket_update(actor=demo["desk"], ticket=ticket, priority=2)  # the desk regrades meanwhile
    response = user.patch(f"/api/tickets/{ticket.pk}/", {"title": "旧副本上的修改"},
                          format="json", HTTP_IF_MATCH=old)
    assert response.status_code == 412
    body = response.json()
    assert body["code"] == "stale" and "张丽" in body["detail"]
    ticket.refresh_from_db()
    assert ticket.title != "旧副本上的修改" and ticket.priority == 2
    # Junk in If-Match is no version of ours: stale too. No If-Match: old clients keep working.
    assert user.patch(f"/api/tickets/{ticket.pk}/", {"title": "x"}, format="json",
                      HTTP_IF_MATCH='"abc"').status_code == 412
    assert user.patch(f"/api/tickets/{ticket.pk}/", {"title": "没有 If-Match"},
                      format="json").status_code == 200


def test_every_save_raises_the_version(demo, file_ticket):
    ticket = file_ticket()
    first = ticket.version
    ticket_update(actor=demo["desk"], ticket=ticket, title="标题改了")
    ticket.refresh_from_db()
    assert ticket.version == first + 1


def test_an_asset_get_carries_an_etag_and_a_stale_patch_is_412(demo, api):
    asset = Asset.objects.get(tag="MY-PR-0301")
    desk = api(demo["desk"])
    response = desk.get(f"/api/assets/{asset.pk}/")
    tag = response["ETag"]
    response = desk.patch(f"/api/assets/{asset.pk}/", {"location": "501"}, format="json",
                          HTTP_IF_MATCH=tag)
    assert response.status_code == 200 and response.json()["location"] == "501"
    response = desk.patch(f"/api/assets/{asset.pk}/", {"location": "502"}, format="json",
                          HTTP_IF_MATCH=tag)
    assert response.status_code == 412 and response.json()["code"] == "stale"
    asset.refresh_from_db()
    assert asset.location == "501"


def test_the_asset_form_refuses_a_stale_save_and_keeps_what_was_typed(demo, client):
    asset = Asset.objects.get(tag="MY-PR-0301")
    client.force_login(demo["desk"])
    page = client.get(f"/assets/{asset.pk}/edit/")
    assert page.context["form"]["version"].value() == asset.version
    assert f'name="version" value="{asset.version}"' in page.content.decode()
    typed = {"tag": asset.tag, "name": "我改的名字", "asset_type": asset.asset_type.code,
             "status": asset.status, "criticality": asset.criticality,
             "version": asset.version}
    # Someone else saves the asset while the form is open.
    asset_services.asset_update(actor=demo["desk"], asset=asset, location="另一个房间")
    latest = asset.history.order_by("-history_date").first()
    when = timezone.localtime(latest.history_date).strftime("%H:%M")

    response = client.post(f"/assets/{asset.pk}/edit/", typed)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="form-error"' in html and "张丽" in html and when in html
    assert "我改的名字" in html  # the typed input is kept
    asset.refresh_from_db()
    assert asset.name != "我改的名字" and asset.location == "另一个房间"
    # Reloaded (the new version), the same input saves.
    typed["version"] = asset.version
    assert client.post(f"/assets/{asset.pk}/edit/", typed).status_code == 302
    asset.refresh_from_db()
    assert asset.name == "我改的名字"


def test_an_import_raises_the_version_of_what_it_changes(demo):
    asset = Asset.objects.get(tag="MY-PR-0301")
    before = asset.version
    values = dict.fromkeys(HEADER)
    values.update({"资产标签": asset.tag, "名称": "导入改名", "类型": asset.asset_type.code})
    result = assets_import(actor=demo["pm"], contract=asset.contract, file_name="a.xlsx",
                           data=xlsx([[values[h] for h in HEADER]]))
    assert result.ok and result.updated == 1, [str(e) for e in result.errors]
    asset.refresh_from_db()
    assert asset.name == "导入改名" and asset.version == before + 1
