"""Fixtures of the service report tests: the demo's printer ticket on site, two spare parts in
stock, and signatures drawn with Pillow (a stroke, a blank pad, a few stray dots)."""

import io
from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from assets.models import Part, StockLocation
from assets.services import store as store_svc
from fieldservice.models import ReportPolicy
from tickets.models import Status, Ticket

# The demo is loaded as of one moment for the whole session (tests mark themselves with
# pytest.mark.demo_at(DEMO_AT)): loaded once, replayed from tests/demo_cache.py after that.
# Relative to the real clock, so the suite still runs under any faked date.
DEMO_AT = datetime.now(UTC).replace(second=0, microsecond=0)


def png(kind: str = "stroke", size=(600, 200)) -> bytes:
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if kind == "stroke":
        draw.line([(30, 150), (120, 40), (220, 160), (330, 50), (450, 140)],
                  fill=(17, 24, 39, 255), width=4)
    elif kind == "stroke2":  # another person's signature
        draw.line([(40, 60), (160, 170), (260, 40), (380, 170), (520, 60)],
                  fill=(30, 64, 175, 255), width=5)
    elif kind == "dots":
        for x in (10, 50, 90):
            draw.point((x, 20), fill=(0, 0, 0, 255))
    elif kind == "white":
        draw.line([(30, 150), (450, 140)], fill=(255, 255, 255, 255), width=6)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def upload(data: bytes | None = None, name="signature.png", content_type="image/png"):
    return SimpleUploadedFile(name, png() if data is None else data, content_type=content_type)


@pytest.fixture
def site(demo):
    """The printer ticket, on site (checked in by its engineer), and parts in the store."""
    ticket = Ticket.objects.select_related("contract").get(title="三楼财务部打印机频繁卡纸")
    engineer = demo["engineer"]
    Ticket.objects.filter(pk=ticket.pk).update(assignee=engineer, status=Status.ON_SITE,
                                               needs_on_site=True)
    ticket.refresh_from_db()
    location = StockLocation.objects.filter(contract=ticket.contract).order_by("pk").first()
    toner = Part.objects.get(code="TONER-CF276A")
    mem = Part.objects.get(code="MEM-8G-DDR4")
    assert toner.contract_id == ticket.contract_id == mem.contract_id
    for part in (toner, mem):
        store_svc.stock_receive(actor=demo["pm"], part=part, location=location, quantity=5)
    return {"stock": store_svc.balance_total(toner), "ticket": ticket, "engineer": engineer,
            "requester": ticket.requester,
            "client": demo["client"], "pm": demo["pm"], "toner": toner, "mem": mem,
            "location": location, "other_engineer": demo["engineer2"], "user2": demo["user2"],
            "desk": demo["desk"], "admin": demo["admin"]}


def report_data(**extra) -> dict:
    return {"symptom": "打印机卡纸，进纸辊磨损", "cause": "进纸辊老化",
            "actions": "更换硒鼓，清洁进纸通道", "result": "打印正常", "follow_up": "一周后回访",
            **extra}


@pytest.fixture
def policy(site):
    return ReportPolicy.objects.create(contract=site["ticket"].contract,
                                       signed_report_required=True, confirm_days=2)
