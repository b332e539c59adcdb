"""Service report pages: the form, the report with its versions, signing, the client's
confirmation, the ticket page's panel; a signed report cannot be changed by page, API or admin."""

import pytest
from django.urls import reverse

from fieldservice.models import ReportStatus, ServiceReport
from fieldservice.services import reports as svc
from tests.fieldservice.report_fixtures import DEMO_AT, png, report_data, upload

pytestmark = pytest.mark.demo_at(DEMO_AT)


def form_post(s, **extra):
    data = {**report_data(), "parts-TOTAL_FORMS": "2", "parts-INITIAL_FORMS": "0",
            "parts-MIN_NUM_FORMS": "0", "parts-MAX_NUM_FORMS": "30",
            "parts-0-part": str(s["toner"].pk), "parts-0-quantity": "1",
            "parts-1-part": "", "parts-1-quantity": "", **extra}
    return data


def signed_report(s):
    report, _created = svc.report_save(actor=s["engineer"], ticket=s["ticket"],
                                       data=report_data(),
                                       parts=[{"part": s["toner"].pk, "quantity": 1}])
    svc.report_sign(actor=s["engineer"], report=report, role="requester", signature=upload(),
                    signer_name="吴芳")
    return svc.report_sign(actor=s["engineer"], report=report, role="engineer",
                           signature=upload())


def test_the_engineer_writes_the_report_on_the_form(site, login):
    client = login(site["engineer"])
    url = reverse("fieldservice:report-form", args=[site["ticket"].number])
    page = client.get(url)
    assert page.status_code == 200 and "客户服务报告" in page.content.decode()
    response = client.post(url, form_post(site))
    report = ServiceReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("fieldservice:report", args=[report.pk])
    assert [(line.part_id, line.quantity) for line in report.parts.all()] == [
        (site["toner"].pk, 1)]
    bad = client.post(url, form_post(site, symptom="", **{"parts-0-quantity": ""}))
    assert bad.status_code == 400
    report.refresh_from_db()
    assert report.symptom == "打印机卡纸，进纸辊磨损"


def test_the_report_page_shows_versions_signing_and_the_pdf(site, login):
    first = signed_report(site)
    second, _created = svc.report_save(actor=site["engineer"], ticket=site["ticket"],
                                       data=report_data(result="更正"))
    client = login(site["engineer"])
    page = client.get(reverse("fieldservice:report", args=[second.pk])).content.decode()
    assert 'data-testid="report-versions"' in page and "v1" in page and "v2" in page
    assert reverse("fieldservice:report-sign", args=[second.pk, "requester"]) in page
    old = client.get(reverse("fieldservice:report", args=[first.pk])).content.decode()
    assert 'data-testid="superseded"' in old
    assert reverse("fieldservice:report-pdf", args=[first.pk]) in old
    pdf = login(site["requester"]).get(reverse("fieldservice:report-pdf", args=[first.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    ticket_page = client.get(reverse("tickets:detail", args=[site["ticket"].number]))
    assert 'data-testid="ticket-service-reports"' in ticket_page.content.decode()


def test_signing_on_the_page_takes_the_png_and_refuses_a_blank_pad(site, login):
    report, _created = svc.report_save(actor=site["engineer"], ticket=site["ticket"],
                                       data=report_data())
    client = login(site["engineer"])
    url = reverse("fieldservice:report-sign", args=[report.pk, "requester"])
    assert client.get(url).status_code == 200
    blank = client.post(url, {"signature": upload(png("blank")), "signer_name": "吴芳"})
    assert blank.status_code == 400 and blank.json()["errors"]["signature"]
    done = client.post(url, {"signature": upload(), "signer_name": "吴芳"})
    assert done.status_code == 200
    assert done.json()["redirect"] == reverse("fieldservice:report", args=[report.pk])
    again = client.post(url, {"signature": upload(), "signer_name": "吴芳"})
    assert again.status_code == 409
    assert client.get(url)["Location"] == reverse("fieldservice:report", args=[report.pk])
    assert login(site["other_engineer"]).get(
        reverse("fieldservice:report-sign", args=[report.pk, "engineer"])).status_code == 403


def test_the_client_confirms_on_the_portal_page(site, login):
    report, _created = svc.report_save(actor=site["engineer"], ticket=site["ticket"],
                                       data=report_data())
    svc.report_sign(actor=site["engineer"], report=report, role="engineer", signature=upload())
    response = login(site["engineer"]).post(
        reverse("fieldservice:report-no-signature", args=[report.pk]),
        {"kind": "absent", "reason": "现场无人"})
    assert response.status_code == 302
    url = reverse("fieldservice:report-confirm", args=[report.pk])
    client = login(site["client"])
    page = client.get(url).content.decode()
    assert 'data-testid="confirm-report"' in page and "现场无人" in page
    assert client.post(url).status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.CONFIRMED and report.confirmed_by == site["client"]


def test_nobody_changes_a_signed_report_by_page_api_or_admin(site, login, admin_client):
    report = signed_report(site)
    # Page: the form makes a correction (a new version), never an edit.
    client = login(site["engineer"])
    client.post(reverse("fieldservice:report-form", args=[site["ticket"].number]),
                form_post(site, result="改掉"))
    # API: PATCH is refused.
    api = login(site["engineer"])
    assert api.patch(f"/api/service-reports/{report.pk}/", {"result": "改掉"},
                     content_type="application/json").status_code == 409
    # Admin: the change form is read-only and a POST changes nothing.
    admin_client.force_login(site["admin"])
    url = reverse("admin:fieldservice_servicereport_change", args=[report.pk])
    page = admin_client.get(url)
    assert page.status_code == 200 and 'name="result"' not in page.content.decode()
    posted = admin_client.post(url, {"result": "改掉", "symptom": "x", "actions": "x"})
    assert posted.status_code == 403
    report.refresh_from_db()
    assert report.result == "打印正常" and report.status == ReportStatus.SIGNED
    assert ServiceReport.objects.filter(supersedes=report, result="改掉").exists()
