"""Issue 15.5 and 15.7 in a real browser: a canned reply with placeholders goes into the reply
box filled in for the ticket; an image attachment shows as a thumbnail and opens in the viewer."""

import io

import pytest
from PIL import Image

from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e


def test_a_canned_reply_fills_in_its_placeholders(page, demo_site, screenshot):
    from tickets.models import CannedReply, Ticket

    ticket = Ticket.objects.get(title="三楼财务部打印机频繁卡纸")
    reply = CannedReply.objects.create(
        title="已收到", body="{报修人}您好，工单 {number} 已收到。{oops}",
        updated_at=ticket.created_at)
    log_in(page, demo_site, "desk")
    page.goto(f"{demo_site}/tickets/{ticket.number}/")
    page.fill("#id_body", "")
    page.select_option("[data-testid=canned-id_body]", str(reply.pk))
    page.wait_for_selector("[data-testid=canned-unknown]")
    text = page.input_value("#id_body")
    assert text == f"{ticket.requester.display_name}您好，工单 {ticket.number} 已收到。{{oops}}"
    screenshot(page, "canned-reply")
    page.click("[data-testid=send-comment]")
    page.wait_for_selector(f"[data-testid=timeline] >> text=工单 {ticket.number} 已收到")


def test_an_image_attachment_shows_as_a_thumbnail(page, demo_site, screenshot, tmp_path,
                                                  settings):
    from tickets.models import Ticket

    settings.MEDIA_ROOT = tmp_path / "media"
    ticket = Ticket.objects.get(title="三楼财务部打印机频繁卡纸")
    photo = tmp_path / "卡纸.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), "orange").save(buffer, "JPEG")
    photo.write_bytes(buffer.getvalue())
    log_in(page, demo_site, "user")
    page.goto(f"{demo_site}/tickets/{ticket.number}/")
    page.fill("#id_body", "卡纸的照片")
    page.set_input_files("#id_uploads", str(photo))
    page.click("[data-testid=send-comment]")
    thumb = page.locator("[data-testid=thumbnail]").first
    thumb.wait_for()
    page.wait_for_function("() => document.querySelector('[data-testid=thumbnail]').complete")
    assert page.evaluate(
        "() => document.querySelector('[data-testid=thumbnail]').naturalWidth") == 320
    screenshot(page, "attachment-thumbnail")
    thumb.click()
    page.wait_for_selector("[data-testid=attachment-viewer][open]")
