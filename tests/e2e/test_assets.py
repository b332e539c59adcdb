"""Asset labels and the QR landing, in a real browser."""

import pytest

from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e


def test_desk_prints_labels_for_selected_assets(page, demo_site, screenshot):
    log_in(page, demo_site, "desk")
    page.goto(f"{demo_site}/assets/?contract=DEMO-DESKTOP&type=printer")
    rows = page.locator("[data-testid=asset-table] tbody tr")
    assert rows.count() == 2
    page.check("input[name=ids] >> nth=0")
    page.check("input[name=ids] >> nth=1")
    with page.context.expect_page() as opened:
        page.click("[data-testid=print-labels]")
    sheet = opened.value
    sheet.wait_for_selector("[data-testid=label-sheet]")
    labels = sheet.locator("[data-testid=label]")
    assert labels.count() == 2
    assert labels.locator("svg").count() == 2
    text = sheet.locator("[data-testid=label-sheet]").inner_text()
    assert "MY-PR-0301" in text and "MY-PR-0501" in text
    # A4 print layout: the sheet is 210 mm wide and the toolbar does not print.
    sheet.emulate_media(media="print")
    assert not sheet.locator(".toolbar").is_visible()
    pdf = sheet.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    sheet.emulate_media(media="screen")
    screenshot(sheet, "asset-labels")


def test_end_user_scans_a_label_and_files_a_fault(phone, demo_site, screenshot):
    phone.goto(f"{demo_site}/a/MY-PR-0301")
    # Not logged in yet: the login page, then straight on to the report form.
    phone.fill("#id_username", "user2")
    phone.fill("#id_password", "demo12345")
    phone.click("[data-testid=login-submit]")
    phone.wait_for_selector("[data-testid=scanned-asset]")
    assert "MY-PR-0301" in phone.locator("[data-testid=scanned-asset]").inner_text()
    assert phone.locator("#id_asset").input_value() != ""
    phone.fill("#id_title", "打印机卡纸，面板报错")
    screenshot(phone, "asset-scan-report")
    phone.click("[data-testid=submit-ticket]")
    phone.wait_for_selector("[data-testid=ticket-title]")
    assert "MY-PR-0301" in phone.locator("[data-testid=ticket-asset]").inner_text()
