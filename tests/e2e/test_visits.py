"""On a 390 px phone: the engineer's day, check-in with the browser's position (mocked by the
browser context) and the asset label's QR code read from a picture, then check-out (issue 16).
"""

from datetime import timedelta
from decimal import Decimal

import pytest
import segno
from PIL import Image

from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e

SITE = (Decimal("31.230416"), Decimal("121.473701"))
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


def _dispatched_fault(demo_site):
    """A fault on a desktop device at a site with coordinates, dispatched to 刘强, with a visit
    planned in an hour."""
    from accounts.models import User
    from assets.models import Asset
    from core.clock import now
    from fieldservice.services.visits import visit_plan
    from sla.models import Contract
    from tickets.models import ServiceType
    from tickets.services import ticket_create, ticket_dispatch

    desktop = Contract.objects.get(code="DEMO-DESKTOP")
    asset = (Asset.objects.filter(contract=desktop, site__isnull=False).exclude(tag="")
             .select_related("site").order_by("pk").first())
    asset.site.latitude, asset.site.longitude = SITE
    asset.site.save()
    people = {u.username: u for u in User.objects.filter(username__in=["user", "desk",
                                                                       "engineer"])}
    ticket = ticket_create(actor=people["user"], contract=desktop, title="打印机卡纸上门",
                           service_type=ServiceType.objects.get(code="hardware"),
                           site=asset.site, asset=asset, contact_phone="13912345678")
    ticket = ticket_dispatch(actor=people["desk"], ticket=ticket, assignee=people["engineer"])
    visit_plan(actor=people["desk"], ticket=ticket, engineer=people["engineer"],
               planned_at=now() + timedelta(minutes=1))
    return ticket, asset


def test_check_in_with_position_and_scanned_label_then_check_out(browser, demo_site,
                                                                  screenshot, tmp_path):
    ticket, asset = _dispatched_fault(demo_site)
    label = tmp_path / "label.png"
    segno.make(f"{demo_site}/a/{asset.tag}", error="m").save(str(label), scale=8, border=4)
    photo = tmp_path / "site.jpg"
    Image.new("RGB", (64, 48), "gray").save(photo, "JPEG")

    context = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
        device_scale_factor=2, permissions=["geolocation"],
        # About 110 m north of the site: within the default 500 m.
        geolocation={"latitude": 31.231416, "longitude": 121.473701, "accuracy": 25})
    context.add_init_script(RECORD_VIOLATIONS)
    phone = context.new_page()
    phone.set_default_timeout(15_000)
    log_in(phone, demo_site, "engineer")

    # The phone home leads to today's visits, with the site, a tel: link and the device.
    phone.click("[data-testid=today-link]")
    card = phone.locator("[data-testid=today-visit]", has_text=ticket.number)
    assert card.locator("a[href='tel:13912345678']").count() == 1
    assert asset.tag in card.locator("[data-testid=today-asset]").inner_text()
    screenshot(phone, "visits-today")
    card.locator(f"a[href='/tickets/{ticket.number}/']").first.click()

    # The check-in form: the position arrives by itself, the label is read from a picture.
    phone.wait_for_selector("[data-testid=geo-status]:has-text('±25')")
    phone.set_input_files("[data-testid=scan-image]", str(label))
    phone.wait_for_selector(f"[data-testid=scan-status]:has-text('{asset.tag}')")
    assert phone.input_value("#id_check_in_scanned_tag") == f"{demo_site}/a/{asset.tag}"
    assert float(phone.input_value("#id_check_in_latitude")) == pytest.approx(31.231416)
    phone.set_input_files("#id_check_in_photo", str(photo))
    screenshot(phone, "visits-check-in")
    phone.click("[data-testid=do-check_in]")
    assert phone.locator("[data-testid=status]").inner_text() == "已到场"
    proof = phone.locator("[data-testid=visit-proof]").inner_text()
    assert asset.tag in proof and "111" in proof
    assert phone.locator("[data-testid=visit-photo]").count() == 1
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways ({width} px)"

    # Leaving the site.
    phone.click("[data-testid=do-check-out]")
    phone.wait_for_selector("[data-testid=visit]:has-text('分钟')")
    screenshot(phone, "visits-checked-out")
    assert phone.evaluate("window.__cspViolations") == []
    context.close()

    from fieldservice.models import Visit

    visit = Visit.objects.get(ticket=ticket)
    assert visit.location_check == "in_range" and visit.accuracy_m == 25
    assert visit.scanned_tag == asset.tag and visit.tag_matches
    assert visit.photo_id and visit.checked_out_at
