"""Issue 15.7: attachments one can see — thumbnails made on the server (upright, without the
photo's metadata, kept in storage), images and PDFs viewed inline (nosniff, sandboxed), every
other type still a download; phones get a camera-first photo input."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from core import thumbnails, uploads
from tests.tickets.test_uploads import PDF, docx_bytes
from tickets.models import Attachment
from tickets.services import ticket_comment


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def photo_bytes(size=(60, 40), orientation=6) -> bytes:
    """A JPEG 60 wide × 40 high whose EXIF says "rotate 90°" and that carries a GPS position."""
    image = Image.new("RGB", size, "red")
    exif = Image.Exif()
    exif[0x0112] = orientation            # Orientation
    exif[0x010F] = "PhoneMaker"           # Make
    exif[0x8825] = {1: "N", 2: (31.0, 14.0, 0.0)}  # GPSInfo
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def attach(demo, ticket, name, content, user="user") -> Attachment:
    ticket_comment(actor=demo[user], ticket=ticket, body="见附件",
                   uploads=[SimpleUploadedFile(name, content)])
    return ticket.attachments.get(original_name=name)


def test_it_turns_the_thumbnail_upright_and_strips_the_metadata():
    content = thumbnails.render_thumbnail(io.BytesIO(photo_bytes()))
    with Image.open(io.BytesIO(content)) as thumb:
        assert thumb.format == "JPEG"
        assert thumb.size == (40, 60)  # rotated as the EXIF orientation says
        assert not thumb.getexif() and "exif" not in thumb.info and "icc_profile" not in thumb.info


def test_it_keeps_thumbnails_within_their_box():
    buffer = io.BytesIO()
    Image.new("RGBA", (2000, 1000), (0, 0, 255, 128)).save(buffer, "PNG")
    with Image.open(io.BytesIO(thumbnails.render_thumbnail(buffer))) as thumb:
        assert thumb.size == (320, 160) and thumb.mode == "RGB"


def test_it_serves_a_thumbnail_and_keeps_it_in_storage(demo, login, file_ticket):
    attachment = attach(demo, file_ticket(), "打印机.jpg", photo_bytes())
    response = login(demo["user"]).get(f"/tickets/attachments/{attachment.pk}/thumbnail/")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    with Image.open(io.BytesIO(response.content)) as thumb:
        assert thumb.size == (40, 60) and not thumb.getexif()
    assert uploads.storage().exists(thumbnails.thumbnail_name(attachment.storage_name))
    again = login(demo["user"]).get(f"/tickets/attachments/{attachment.pk}/thumbnail/")
    assert again.content == response.content


def test_it_has_no_thumbnail_for_other_types(demo, login, file_ticket):
    attachment = attach(demo, file_ticket(), "invoice.pdf", PDF)
    assert login(demo["user"]).get(
        f"/tickets/attachments/{attachment.pk}/thumbnail/").status_code == 404


def test_it_shows_images_and_pdfs_inline_sandboxed(demo, login, file_ticket):
    ticket = file_ticket()
    client = login(demo["user"])
    for name, content in [("屏幕.jpg", photo_bytes()), ("invoice.pdf", PDF)]:
        attachment = attach(demo, ticket, name, content)
        response = client.get(f"/tickets/attachments/{attachment.pk}/view/")
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("inline")
        assert response["Content-Type"] == attachment.content_type
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response["Content-Security-Policy"]
        assert "default-src 'none'" in response["Content-Security-Policy"]


def test_it_still_downloads_other_types(demo, login, file_ticket):
    attachment = attach(demo, file_ticket(), "报告.docx", docx_bytes())
    response = login(demo["user"]).get(f"/tickets/attachments/{attachment.pk}/view/")
    assert response["Content-Disposition"].startswith("attachment")


def test_it_hides_attachments_of_tickets_one_may_not_see(demo, login, file_ticket):
    attachment = attach(demo, file_ticket(), "打印机.jpg", photo_bytes())
    client = login(demo["user2"])
    assert client.get(f"/tickets/attachments/{attachment.pk}/view/").status_code == 404
    assert client.get(f"/tickets/attachments/{attachment.pk}/thumbnail/").status_code == 404


def test_it_hides_internal_attachments_from_the_requester(demo, login, file_ticket):
    ticket = file_ticket()
    ticket_comment(actor=demo["desk"], ticket=ticket, body="内部", internal=True,
                   uploads=[SimpleUploadedFile("内部.jpg", photo_bytes())])
    attachment = ticket.attachments.get(original_name="内部.jpg")
    assert login(demo["user"]).get(
        f"/tickets/attachments/{attachment.pk}/thumbnail/").status_code == 404


def test_the_ticket_page_shows_thumbnails_and_a_camera_input(demo, login, file_ticket):
    ticket = file_ticket()
    attach(demo, ticket, "打印机.jpg", photo_bytes())
    attach(demo, ticket, "invoice.pdf", PDF)
    client = login(demo["user"])
    client.get(f"/tickets/{ticket.number}/")  # warm the caches
    with CaptureQueriesContext(connection) as one:
        page = client.get(f"/tickets/{ticket.number}/").content.decode()
    assert 'data-testid="thumbnail"' in page and "/thumbnail/" in page
    assert 'data-testid="view-attachment"' in page
    assert 'accept="image/*" capture="environment"' in page
    attach(demo, ticket, "第二张.jpg", photo_bytes())
    with CaptureQueriesContext(connection) as two:
        client.get(f"/tickets/{ticket.number}/")
    assert len(two) == len(one)


def test_it_gives_no_thumbnail_for_an_image_pillow_cannot_read(demo, file_ticket, settings):
    attachment = attach(demo, file_ticket(), "坏.jpg", photo_bytes())
    with uploads.storage().open(attachment.storage_name, "wb") as broken:
        broken.write(b"\xff\xd8\xff\xe0 not really a jpeg")
    assert thumbnails.thumbnail_bytes(attachment.storage_name, attachment.content_type) is None
