"""Issue 14.4: an upload's bytes must be what its extension claims, on the page and the API."""

import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from rest_framework.test import APIClient

from core import uploads
from tests.tickets.test_views import portal_form
from tickets.models import Attachment, Ticket

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64 + b"PE\x00\x00"
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]"
       b"/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


@pytest.fixture
def api():
    def _as(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return _as


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "资产编号"
    workbook.save(buffer)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://'
                         'schemas.openxmlformats.org/package/2006/content-types"/>')
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(("name", "content", "content_type"), [
    ("屏幕.png", png_bytes(), "image/png"),
    ("invoice.pdf", PDF, "application/pdf"),
    ("报告.docx", docx_bytes(), uploads.OOXML + "wordprocessingml.document"),
    ("台账.xlsx", xlsx_bytes(), uploads.OOXML + "spreadsheetml.sheet"),
    ("log.txt", "打印机日志\n".encode("gb18030"), "text/plain"),
    ("utf16.txt", "日志".encode("utf-16"), "text/plain"),
])
def test_real_files_are_accepted_with_their_checked_type(name, content, content_type):
    upload = SimpleUploadedFile(name, content, content_type="application/x-anything")
    uploads.validate_upload(upload)
    assert uploads.checked_content_type(upload, name, name.rsplit(".", 1)[1]) == content_type


@pytest.mark.parametrize(("name", "content"), [
    ("invoice.pdf", EXE),
    ("photo.jpg", EXE),
    ("readme.txt", b"hello\x00world"),
    ("report.docx", b"PK\x03\x04 not really a zip"),
    ("report.docx", xlsx_bytes()),          # a workbook renamed .docx
    ("book.xlsx", b"PK\x05\x06" + b"\x00" * 18),  # an empty zip
    ("old.doc", PDF),
    ("pack.zip", EXE),
])
def test_content_that_does_not_match_the_extension_is_refused(name, content):
    with pytest.raises(uploads.AttachmentError) as refused:
        uploads.validate_upload(SimpleUploadedFile(name, content))
    assert name in refused.value.message and refused.value.errors == {
        "uploads": [refused.value.message]}


def test_an_executable_named_pdf_is_refused_on_the_portal_form(demo, login):
    data = portal_form(title="发票附件")
    data["uploads"] = SimpleUploadedFile("invoice.pdf", EXE, content_type="application/pdf")
    response = login(demo["user"]).post("/tickets/new/", data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "invoice.pdf" in body and "发票附件" in body  # the field error, and the typed input kept
    assert not Ticket.objects.filter(title="发票附件").exists()
    assert not Attachment.objects.exists()


def test_an_executable_named_pdf_is_refused_by_the_api(demo, api, file_ticket):
    ticket = file_ticket()
    response = api(demo["user"]).post(
        f"/api/tickets/{ticket.pk}/attachments/",
        {"file": SimpleUploadedFile("invoice.pdf", EXE, content_type="application/pdf")},
        format="multipart")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and "invoice.pdf" in body["errors"]["file"][0]
    assert not Attachment.objects.exists()


def test_a_real_pdf_is_stored_with_its_checked_type_and_served_as_a_download(demo, api,
                                                                             file_ticket):
    ticket = file_ticket()
    user = api(demo["user"])
    response = user.post(f"/api/tickets/{ticket.pk}/attachments/",
                         {"file": SimpleUploadedFile("invoice.pdf", PDF,
                                                     content_type="text/html")},
                         format="multipart")
    assert response.status_code == 201, response.json()
    attachment = Attachment.objects.get()
    assert attachment.content_type == "application/pdf"
    download = user.get(f"/api/attachments/{attachment.pk}/")
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment")
