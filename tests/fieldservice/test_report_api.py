"""The service report API (the issue-16 contract): write, sign, refuse, confirm, PDF, with the
one error body; scoping by who sees the ticket."""

import io

import pytest
from pypdf import PdfReader
from rest_framework.test import APIClient

from fieldservice.models import ReportStatus, ServiceReport
from tests.fieldservice.report_fixtures import DEMO_AT, png, report_data, upload

pytestmark = pytest.mark.demo_at(DEMO_AT)


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def write(s, **extra):
    body = {**report_data(), "parts": [{"part": s["toner"].pk, "quantity": 2}], **extra}
    return api(s["engineer"]).post(f"/api/tickets/{s['ticket'].pk}/service-report/", body,
                                   format="json")


def sign(user, report_id, role, data=None, **extra):
    return api(user).post(f"/api/service-reports/{report_id}/sign/",
                          {"role": role, "signature": upload(data), **extra},
                          format="multipart")


def test_it_writes_signs_and_serves_the_pdf(site):
    response = write(site)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "draft" and body["version"] == 1
    assert body["parts"] == [{"part": site["toner"].pk, "code": "TONER-CF276A",
                              "name": site["toner"].name, "unit": site["toner"].unit,
                              "quantity": 2}]
    again = write(site, result="已修复")
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    pk = body["id"]
    assert sign(site["engineer"], pk, "requester", signer_name="吴芳").status_code == 200
    response = sign(site["engineer"], pk, "engineer", png("stroke2"))
    assert response.status_code == 200
    assert response.json()["status"] == "signed" and response.json()["pdf_url"]
    second = sign(site["engineer"], pk, "engineer")
    assert second.status_code == 409 and second.json()["code"] == "already_signed"
    pdf = api(site["requester"]).get(f"/api/service-reports/{pk}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(b"".join(pdf.streaming_content)))
    text = "".join(page.extract_text() for page in reader.pages)
    for words in ("客户服务报告", "打印机卡纸", "TONER-CF276A", "吴芳", site["ticket"].number):
        assert words in text, words
    # WeasyPrint shares the images among the pages' resources: count distinct ones.
    images = {image.data for page in reader.pages for image in page.images}
    assert len(images) == 2


def test_bad_input_is_a_400_naming_the_field_and_changes_nothing(site):
    response = write(site, symptom="")
    assert response.status_code == 400 and "symptom" in response.json()["errors"]
    response = write(site, parts=[{"part": 999999, "quantity": 1}])
    assert response.status_code == 400 and "parts" in response.json()["errors"]
    assert not ServiceReport.objects.exists()
    pk = write(site).json()["id"]
    for data in (png("blank"), b"not a png at all", png("stroke") + b"\0" * (1024 * 1024 + 1)):
        response = sign(site["engineer"], pk, "engineer", data)
        assert response.status_code == 400, response.json()
        assert "signature" in response.json()["errors"]
    response = api(site["engineer"]).post(f"/api/service-reports/{pk}/sign/",
                                          {"role": "boss", "signature": upload()},
                                          format="multipart")
    assert response.status_code == 400 and "role" in response.json()["errors"]
    assert ServiceReport.objects.get(pk=pk).engineer_signed_at is None


def test_a_signed_report_cannot_be_changed_through_the_api(site):
    pk = write(site).json()["id"]
    sign(site["engineer"], pk, "requester", signer_name="吴芳")
    sign(site["engineer"], pk, "engineer")
    response = api(site["engineer"]).patch(f"/api/service-reports/{pk}/", {"result": "改"},
                                           format="json")
    assert response.status_code == 409 and response.json()["code"] == "frozen"
    assert ServiceReport.objects.get(pk=pk).result == "打印正常"
    correction = write(site, result="更正")
    assert correction.status_code == 201 and correction.json()["version"] == 2
    assert api(site["engineer"]).get(f"/api/service-reports/{pk}/").json()["corrected"]


def test_patch_changes_a_draft(site):
    pk = write(site).json()["id"]
    response = api(site["engineer"]).patch(f"/api/service-reports/{pk}/",
                                           {"follow_up": "下周回访"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["follow_up"] == "下周回访" and len(response.json()["parts"]) == 1


def test_scoping_and_who_may_act(site):
    assert api(site["client"]).post(f"/api/tickets/{site['ticket'].pk}/service-report/",
                                    report_data(), format="json").status_code == 403
    pk = write(site).json()["id"]
    # user2 does not see the ticket: 404 everywhere.
    assert api(site["user2"]).get(f"/api/service-reports/{pk}/").status_code == 404
    assert api(site["user2"]).get(f"/api/service-reports/{pk}/pdf/").status_code == 404
    assert sign(site["user2"], pk, "requester").status_code == 404
    assert sign(site["other_engineer"], pk, "engineer").status_code == 403
    # No PDF before the report is final.
    assert api(site["requester"]).get(f"/api/service-reports/{pk}/pdf/").status_code == 404


def test_unsigned_flow_over_the_api(site):
    pk = write(site).json()["id"]
    sign(site["engineer"], pk, "engineer")
    url = f"/api/service-reports/{pk}/no-signature/"
    assert api(site["engineer"]).post(url, {"kind": "x", "reason": "r"},
                                      format="json").status_code == 400
    response = api(site["engineer"]).post(url, {"kind": "absent", "reason": "现场无人"},
                                          format="json")
    assert response.status_code == 200 and response.json()["status"] == "awaiting_confirmation"
    assert response.json()["confirm_due"]
    confirm = f"/api/service-reports/{pk}/confirm/"
    assert api(site["engineer"]).post(confirm).status_code == 403
    response = api(site["client"]).post(confirm)
    assert response.status_code == 200 and response.json()["status"] == ReportStatus.CONFIRMED
    assert api(site["client"]).post(confirm).status_code == 409


def test_lists_are_scoped_and_flat_in_queries(site, django_assert_max_num_queries):
    write(site)
    client = api(site["pm"])
    with django_assert_max_num_queries(12):
        response = client.get("/api/service-reports/")
    assert response.status_code == 200 and response.json()["count"] == 1
    with django_assert_max_num_queries(12):
        listed = client.get(f"/api/tickets/{site['ticket'].pk}/service-report/")
    assert len(listed.json()) == 1
    assert api(site["user2"]).get("/api/service-reports/").json()["count"] == 0
