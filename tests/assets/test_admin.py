"""The asset admin writes through the register's services."""

from datetime import date

import pytest
from django.utils import translation
from django.utils.translation import gettext

from accounts.models import Site
from assets.models import Asset, AssetType
from sla.models import Contract

pytestmark = pytest.mark.django_db


def _form(contract, **extra) -> dict:
    return {"contract": contract.pk, "tag": "MY-PC-5001", "name": "管理台式机",
            "asset_type": AssetType.objects.get(code="pc").pk, "specs": "{}",
            "status": "in_use", "criticality": "non_core",
            "relations_out-TOTAL_FORMS": "0", "relations_out-INITIAL_FORMS": "0"} | extra


def _errors(response) -> list[str]:
    return list(response.context["adminform"].form.non_field_errors())


def _said(response, msgid: str) -> str:
    """The service's message in the language the page was served in."""
    with translation.override(response.context["LANGUAGE_CODE"]):
        return gettext(msgid)


def test_it_refuses_an_invalid_asset_with_the_services_message(demo, client):
    client.force_login(demo["admin"])
    contract = Contract.objects.get(code="DEMO-DESKTOP")
    foreign_site = Contract.objects.get(code="DEMO-SERVER").client.sites.first()
    response = client.post("/admin/assets/asset/add/", _form(contract, site=foreign_site.pk))
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["site"] == [_said(response, "The site is not one of the client's sites.")]
    assert not Asset.objects.filter(tag="MY-PC-5001").exists()


def test_it_saves_a_valid_asset_with_the_admin_as_history_user(demo, client):
    client.force_login(demo["admin"])
    contract = Contract.objects.get(code="DEMO-DESKTOP")
    site = Site.objects.filter(organisation=contract.client).first()
    response = client.post("/admin/assets/asset/add/", _form(contract, site=site.pk))
    assert response.status_code == 302, response.context["adminform"].form.errors
    asset = Asset.objects.get(tag="MY-PC-5001")
    assert asset.history.get().history_user == demo["admin"]
    response = client.post(f"/admin/assets/asset/{asset.pk}/change/",
                           _form(contract, site=site.pk, location="7 楼"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    latest = asset.history.order_by("-history_date", "-history_id").first()
    assert latest.location == "7 楼" and latest.history_user == demo["admin"]


def test_it_refuses_an_edit_the_service_refuses(demo, client):
    client.force_login(demo["admin"])
    printer = Asset.objects.get(tag="MY-PR-0301")
    form = _form(printer.contract, tag=printer.tag, name=printer.name,
                 asset_type=printer.asset_type_id, specs="{}", purchase_date="2024-05-01",
                 warranty_end="2024-04-30")
    response = client.post(f"/admin/assets/asset/{printer.pk}/change/", form)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["warranty_end"] == [
        _said(response, "The warranty cannot end before the purchase date.")]
    assert not _errors(response)
    assert Asset.objects.get(pk=printer.pk).purchase_date != date(2024, 5, 1)


def test_it_offers_no_delete(demo, client):
    client.force_login(demo["admin"])
    printer = Asset.objects.get(tag="MY-PR-0301")
    assert client.get(f"/admin/assets/asset/{printer.pk}/delete/").status_code == 403


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_taken_asset_tag_is_a_clear_error_on_the_tag_field(demo, client, language):
    client.force_login(demo["admin"])
    contract = Contract.objects.get(code="DEMO-DESKTOP")
    client.cookies["itsm_language"] = language
    response = client.post("/admin/assets/asset/add/", _form(contract, tag="MY-PR-0301"))
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert response.context["LANGUAGE_CODE"] == language
    with translation.override(response.context["LANGUAGE_CODE"]):
        expected = gettext("Asset tag %(tag)s is already in use.") % {"tag": "MY-PR-0301"}
    assert form.errors["tag"] == [expected]
    assert ("已被使用" in expected) == (language == "zh-hans")
    assert not form.non_field_errors()
    assert Asset.objects.filter(tag="MY-PR-0301").count() == 1


def test_a_serial_taken_on_the_contract_is_an_error_on_the_serial_field(demo, client):
    client.force_login(demo["admin"])
    printer = Asset.objects.get(tag="MY-PR-0301")
    printer.serial = "SN-ADMIN-1"
    printer.save(update_fields=["serial"])
    response = client.post("/admin/assets/asset/add/",
                           _form(printer.contract, serial="SN-ADMIN-1"))
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "SN-ADMIN-1" in form.errors["serial"][0] and not form.non_field_errors()
