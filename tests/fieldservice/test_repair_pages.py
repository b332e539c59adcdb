"""Vendor repair pages: from the ticket page to the repair, its transitions, the print form."""

import pytest

from fieldservice.models import RepairStatus, VendorRepair
from tickets.models import Ticket


@pytest.fixture
def printer(demo):
    return Ticket.objects.get(title="三楼财务部打印机频繁卡纸")


def _send(client, ticket, **fields):
    return client.post(f"/tickets/{ticket.number}/repairs/new/", {
        "vendor": "惠普", "in_warranty": "0", "rma_number": "RMA-9", "fault": "定影器异响",
        "data_backed_up": "on", "storage_kept": "on", **fields})


def test_the_desk_sends_a_device_from_the_ticket_page(demo, client, printer):
    client.force_login(demo["desk"])
    page = client.get(f"/tickets/{printer.number}/").content.decode()
    assert f"/tickets/{printer.number}/repairs/new/" in page
    response = _send(client, printer)
    repair = VendorRepair.objects.get()
    assert response.status_code == 302 and response.url == f"/repairs/{repair.pk}/"
    detail = client.get(response.url).content.decode()
    assert "RMA-9" in detail and 'data-testid="repair-quote"' in detail
    assert f"/repairs/{repair.pk}/" in client.get(f"/tickets/{printer.number}/").content.decode()


def test_bad_input_comes_back_under_the_field(demo, client, printer):
    client.force_login(demo["desk"])
    response = _send(client, printer, data_backed_up="", sent_on="2026-01-10",
                     expected_back="2026-01-09")
    assert response.status_code == 400
    assert not VendorRepair.objects.exists()


def test_the_client_contact_approves_on_the_page_and_others_are_refused(demo, client,
                                                                          printer):
    client.force_login(demo["desk"])
    _send(client, printer)
    repair = VendorRepair.objects.get()
    client.post(f"/repairs/{repair.pk}/quote/", {"amount": "300", "text": "更换定影器"})
    assert client.post(f"/repairs/{repair.pk}/approve/").status_code == 403
    client.force_login(demo["client"])
    page = client.get(f"/repairs/{repair.pk}/").content.decode()
    assert 'data-testid="repair-approve"' in page
    assert client.post(f"/repairs/{repair.pk}/approve/").status_code == 302
    assert VendorRepair.objects.get().status == RepairStatus.APPROVED


def test_the_printable_repair_form(demo, client, printer):
    client.force_login(demo["desk"])
    _send(client, printer)
    repair = VendorRepair.objects.get()
    response = client.get(f"/repairs/{repair.pk}/print/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = response.content.decode()
    assert response.status_code == 200
    assert "RMA-9" in html and "fieldservice_print.css" in html and "<script>" not in html
    client.force_login(demo["user2"])
    assert client.get(f"/repairs/{repair.pk}/print/").status_code == 404
    assert client.get(f"/repairs/{repair.pk}/").status_code == 404
