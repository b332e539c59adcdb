"""The customer service report on a 390 px phone: the engineer writes it at the end of the
visit, the client and the engineer sign on the canvas with their finger (real touch events),
the PDF opens with both signatures and the parts used, and the store's stock went down."""

import io

from pypdf import PdfReader

from tests.e2e.conftest import log_in


def _draw(phone, selector: str, offset: int = 0) -> None:
    """A finger stroke across the pad, sent as touch events through the DevTools protocol
    (what a touchscreen delivers: touchstart/move/end and the pointer events derived)."""
    box = phone.locator(selector).bounding_box()
    session = phone.context.new_cdp_session(phone)
    points = [(box["x"] + 20 + i * 14, box["y"] + 40 + offset + (i % 5) * 25) for i in range(22)]
    session.send("Input.dispatchTouchEvent", {
        "type": "touchStart", "touchPoints": [{"x": points[0][0], "y": points[0][1]}]})
    for x, y in points[1:]:
        session.send("Input.dispatchTouchEvent", {"type": "touchMove",
                                                  "touchPoints": [{"x": x, "y": y}]})
    session.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    session.detach()


def test_both_sign_on_the_phone_and_the_pdf_has_both_signatures(phone, demo_site, screenshot):
    from accounts.models import User
    from assets.models import Part, StockLocation
    from assets.services.store import balance_total, stock_receive
    from tickets.models import Status, Ticket

    ticket = Ticket.objects.get(title="三楼财务部打印机频繁卡纸")
    engineer = User.objects.get(username="engineer")
    Ticket.objects.filter(pk=ticket.pk).update(assignee=engineer, status=Status.ON_SITE,
                                               needs_on_site=True)
    toner = Part.objects.get(code="TONER-CF276A")
    stock_receive(actor=User.objects.get(username="pm"), part=toner, quantity=3,
                  location=StockLocation.objects.filter(contract=ticket.contract).first())
    before = balance_total(toner)

    log_in(phone, demo_site, "engineer")
    phone.goto(f"{demo_site}/field/tickets/{ticket.number}/service-report/")
    phone.fill("#id_symptom", "打印机频繁卡纸")
    phone.fill("#id_cause", "进纸辊老化")
    phone.fill("#id_actions", "更换硒鼓并清洁进纸通道")
    phone.fill("#id_result", "打印恢复正常")
    phone.select_option("#id_parts-0-part", str(toner.pk))
    phone.fill("#id_parts-0-quantity", "2")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the form is {width}px wide on a 390px phone"
    screenshot(phone, "service-report-form")
    phone.click("[data-testid=report-save]")

    # The client signs in person on the engineer's phone.
    phone.click("[data-testid=sign-requester]")
    # Its scripts (at the end of the page) hold the form back; before they have run, a click
    # on "Sign" would send the bare form (seen on a busy machine).
    phone.wait_for_load_state("load")
    phone.fill("#signer-name", "吴芳")
    phone.click("[data-testid=signature-submit]")  # blank: refused in the page
    assert phone.locator("[data-testid=signature-error]").is_visible()
    _draw(phone, "[data-testid=signature-pad]")
    screenshot(phone, "service-report-sign")
    phone.click("[data-testid=signature-submit]")
    phone.wait_for_selector("[data-testid=sign-engineer]")
    phone.click("[data-testid=sign-engineer]")
    phone.wait_for_load_state("load")
    _draw(phone, "[data-testid=signature-pad]", offset=20)
    phone.click("[data-testid=signature-submit]")
    phone.wait_for_selector("[data-testid=report-pdf]")
    assert phone.locator("[data-testid=report-status]").inner_text() == "双方已签字"
    screenshot(phone, "service-report-signed")

    href = phone.locator("[data-testid=report-pdf]").get_attribute("href")
    response = phone.request.get(f"{demo_site}{href}")
    assert response.ok and response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.body()))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "客户服务报告" in text and "TONER-CF276A" in text and "吴芳" in text
    # WeasyPrint shares the images among the pages' resources: count distinct ones.
    images = {image.data for page in reader.pages for image in page.images}
    assert len(images) == 2
    assert balance_total(toner) == before - 2
