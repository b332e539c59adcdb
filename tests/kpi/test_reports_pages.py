"""Service report pages and API: scoping (a client sees only DEMO-DESKTOP), who may generate,
downloads as attachments, constant query counts on the archive."""

from datetime import date

import pytest
from django.core.files.base import ContentFile
from rest_framework.test import APIClient

from core.clock import now
from kpi.models.reports import ReportKind, ServiceReport
from sla.models import Contract


@pytest.fixture
def archive(demo, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    reports = {}
    for code in ("DEMO-DESKTOP", "DEMO-SERVER"):
        contract = Contract.objects.get(code=code)
        for month in range(1, 7):
            report = ServiceReport(contract=contract, kind=ReportKind.MONTHLY_SUMMARY,
                                   period_start=date(2026, month, 1),
                                   period_end=date(2026, month, 28), generated_at=now(),
                                   due_on=date(2026, month + 1, 5))
            report.pdf.save(f"{code}-{month}.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
            report.xlsx.save(f"{code}-{month}.xlsx", ContentFile(b"PK"), save=False)
            report.save()
            reports.setdefault(code, []).append(report)
    return reports


def test_client_sees_only_their_contract(demo, archive, client):
    client.force_login(demo["client"])
    page = client.get("/kpi/reports/").content.decode()
    assert 'data-contract="DEMO-DESKTOP"' in page
    assert 'data-contract="DEMO-SERVER"' not in page
    assert 'data-testid="generate-form"' not in page
    server = archive["DEMO-SERVER"][0]
    assert client.get(f"/kpi/reports/{server.pk}/pdf/").status_code == 404
    assert client.get(f"/kpi/reports/{server.pk}/xlsx/").status_code == 404
    desktop = archive["DEMO-DESKTOP"][0]
    response = client.get(f"/kpi/reports/{desktop.pk}/xlsx/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    api = APIClient()
    api.force_authenticate(demo["client"])
    rows = api.get("/api/kpi/reports/").json()["results"]
    assert {r["contract"] for r in rows} == {"DEMO-DESKTOP"}
    assert rows[0]["pdf_url"].endswith(f"/kpi/reports/{rows[0]['id']}/pdf/")
    assert api.get(f"/api/kpi/reports/{server.pk}/").status_code == 404


def test_archive_filters(demo, archive, client):
    client.force_login(demo["delivery"])
    page = client.get("/kpi/reports/?contract=DEMO-SERVER").content.decode()
    assert 'data-contract="DEMO-SERVER"' in page and 'data-contract="DEMO-DESKTOP"' not in page
    page = client.get("/kpi/reports/?kind=annual").content.decode()
    assert "data-report=" not in page


def test_archive_query_count_is_constant(demo, archive, client, django_assert_max_num_queries):
    client.force_login(demo["admin"])
    with django_assert_max_num_queries(12):
        assert client.get("/kpi/reports/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/api/kpi/reports/").status_code == 200


@pytest.mark.parametrize("role, status", [("client", 403), ("gm", 403), ("engineer", 403)])
def test_only_provider_managers_generate(demo, client, role, status):
    client.force_login(demo[role])
    response = client.post("/kpi/reports/generate/", {
        "contract": "DEMO-DESKTOP", "kind": "monthly_summary", "period": "2026-10"})
    assert response.status_code == status
    assert not ServiceReport.objects.exists()


def test_pm_generates_own_contract_only(demo, client, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    Contract.objects.update(starts_on=date(2025, 1, 1), ends_on=date(2030, 12, 31))
    client.force_login(demo["pm"])
    server = Contract.objects.get(code="DEMO-SERVER")
    if server.project_manager_id != demo["pm"].pk:
        response = client.post("/kpi/reports/generate/", {
            "contract": "DEMO-SERVER", "kind": "monthly_summary", "period": "2026-10"})
        assert response.status_code in (403, 404)
    response = client.post("/kpi/reports/generate/", {
        "contract": "DEMO-DESKTOP", "kind": "quarterly", "period": "2026Q3"})
    assert response.status_code == 302
    report = ServiceReport.objects.get(contract__code="DEMO-DESKTOP", kind="quarterly")
    assert (report.period_start, report.period_end) == (date(2026, 7, 1), date(2026, 9, 30))
    assert report.due_on == date(2026, 10, 15) and report.generated_by == demo["pm"]
    response = client.post("/kpi/reports/generate/", {
        "contract": "DEMO-DESKTOP", "kind": "monthly_summary", "period": "10/2026"})
    assert response.status_code == 302
    assert ServiceReport.objects.count() == 1
