import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image
from rest_framework.test import APIClient

from assets.models import Asset
from sla.models import Contract

# The service report tests' fixtures (f16report), kept in their own module.
from tests.fieldservice.report_fixtures import policy, site  # noqa: F401 - pytest fixtures
from tickets.models import ServiceType
from tickets.services import ticket_create, ticket_dispatch

# The site's position (People's Square, Shanghai) and a point about 111 m north of it.
SITE = (Decimal("31.230416"), Decimal("121.473701"))
NEAR = (31.231416, 121.473701)
FAR = (31.330416, 121.473701)  # about 11 km away


@pytest.fixture(autouse=True)
def _english_messages(request):
    """The report and repair tests match the English msgids (pages negotiate their own
    language); the visit tests are written against the default language, Chinese."""
    if request.module.__name__.rsplit(".", 1)[-1].startswith("test_visit"):
        yield
        return
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def desktop(demo):
    return Contract.objects.get(code="DEMO-DESKTOP")


@pytest.fixture
def asset(desktop):
    """A device of the desktop contract at a site with known coordinates."""
    device = (Asset.objects.filter(contract=desktop, site__isnull=False).exclude(tag="")
              .select_related("site").order_by("pk").first())
    device.site.latitude, device.site.longitude = SITE
    device.site.save()
    return device


@pytest.fixture
def foreign_asset(demo):
    return (Asset.objects.filter(contract__code="DEMO-SERVER").exclude(tag="")
            .order_by("pk").first())


@pytest.fixture
def dispatched(demo, desktop, asset):
    """A fault on the device, dispatched to `engineer`."""
    ticket = ticket_create(actor=demo["user"], contract=desktop, title="显示器不亮",
                           service_type=ServiceType.objects.get(code="hardware"),
                           site=asset.site, asset=asset)
    return ticket_dispatch(actor=demo["desk"], ticket=ticket, assignee=demo["engineer"])


def png_upload(name="site.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def api():
    def _as(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return _as
