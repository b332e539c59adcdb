"""Stored files in an S3-compatible object store (issue 20.4), against moto's S3 server.

STORAGE_BACKEND=s3 puts attachments and their thumbnails in the bucket, nothing on the local
disk; they are served by the same permission-checked views; the bucket stays private and any
URL the storage makes is signed and short-lived.
"""

import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core import thumbnails
from tests.objectstore import MotoServer, moto_server_binary, storages_for
from tests.tickets.test_attachment_viewer import photo_bytes
from tickets.models import Ticket
from tickets.services import ticket_comment

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(moto_server_binary() is None,
                       reason="moto_server is not installed (pip install 'moto[server]')"),
]


@pytest.fixture(scope="module")
def moto():
    with MotoServer() as server:
        yield server


@pytest.fixture
def object_store(moto, settings, tmp_path):
    """The portal configured for the bucket under a prefix of this test's own; MEDIA_ROOT an
    empty folder that must stay empty."""
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    settings.STORAGES = storages_for(moto.environment(prefix=prefix), tmp_path)
    settings.MEDIA_ROOT = tmp_path / "media"
    return prefix


def test_it_configures_a_private_bucket_from_the_environment(moto, tmp_path):
    default = storages_for(moto.environment(), tmp_path)["default"]
    assert default["BACKEND"] == "storages.backends.s3.S3Storage"
    options = default["OPTIONS"]
    assert options["bucket_name"] == moto.bucket
    assert options["default_acl"] is None
    assert options["querystring_auth"] is True and options["querystring_expire"] == 300
    assert options["file_overwrite"] is False
    assert storages_for({}, tmp_path)["default"] == {
        "BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_it_keeps_attachments_and_thumbnails_in_the_bucket(object_store, moto, demo, login,
                                                           settings):
    ticket = Ticket.objects.filter(requester=demo["user"]).order_by("pk").first()
    content = photo_bytes()
    ticket_comment(actor=demo["desk"], ticket=ticket, body="照片",
                   uploads=[SimpleUploadedFile("机房.jpg", content)])
    attachment = ticket.attachments.get(original_name="机房.jpg")
    assert f"{object_store}/{attachment.storage_name}" in moto.object_names()

    client = login(demo["desk"])
    download = client.get(reverse("tickets:download", args=[attachment.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == content
    thumbnail = client.get(reverse("tickets:thumbnail", args=[attachment.pk]))
    assert thumbnail.status_code == 200
    thumbnail_key = f"{object_store}/{thumbnails.thumbnail_name(attachment.storage_name)}"
    assert thumbnail_key in moto.object_names()
    assert not settings.MEDIA_ROOT.exists() or not any(settings.MEDIA_ROOT.rglob("*"))


def test_it_serves_files_only_after_the_permission_check(object_store, demo, login):
    ticket = Ticket.objects.filter(requester=demo["user"]).order_by("pk").first()
    ticket_comment(actor=demo["desk"], ticket=ticket, body="内部", internal=True,
                   uploads=[SimpleUploadedFile("内部.jpg", photo_bytes())])
    attachment = ticket.attachments.get(original_name="内部.jpg")
    # The requester does not see internal attachments, wherever the file lives.
    response = login(demo["user"]).get(reverse("tickets:download", args=[attachment.pk]))
    assert response.status_code == 404


def test_it_makes_only_private_objects_and_short_lived_signed_urls(object_store, moto):
    name = default_storage.save("attachments/probe.txt", SimpleUploadedFile("p.txt", b"probe"))
    acl = moto.client().get_object_acl(Bucket=moto.bucket, Key=f"{object_store}/{name}")
    assert [grant["Permission"] for grant in acl["Grants"]] == ["FULL_CONTROL"]
    assert "URI" not in acl["Grants"][0]["Grantee"]  # no AllUsers / AuthenticatedUsers group
    query = parse_qs(urlsplit(default_storage.url(name)).query)
    assert "X-Amz-Signature" in query
    assert query["X-Amz-Expires"] == ["300"]
    # The storage never replaces an object: a second save under the same name gets a new one.
    again = default_storage.save("attachments/probe.txt", SimpleUploadedFile("p.txt", b"other"))
    assert again != name
