"""URL × role rows for the KPI reports (merged into tests/test_url_matrix.py).

READ_DASHBOARDS roles read the archive; a report of DEMO-SERVER is not the client's (404).
Generating is POST-only (tested in tests/kpi/test_reports_pages.py).
"""

READERS = {"admin", "pm", "delivery", "gm", "client"}

EXPECTED = {
    "/kpi/reports/": (READERS, 403, 302),
    "/kpi/reports/{desktop_report}/pdf/": (READERS, 403, 302),
    "/kpi/reports/{desktop_report}/xlsx/": (READERS, 403, 302),
    "/kpi/reports/{server_report}/pdf/": (READERS - {"client"}, {403, 404}, 302),
    "/api/kpi/reports/": ({"admin", "desk", "engineer", "engineer2", "pm", "delivery", "gm",
                           "client", "user", "user2"}, None, 401),
    "/api/kpi/reports/{desktop_report}/": (READERS, 404, 401),
    "/api/kpi/reports/{server_report}/": (READERS - {"client"}, 404, 401),
}

POST_ONLY = {"kpi/reports/generate/"}


def names() -> dict:
    """One small archived report per demo contract (files written without rendering)."""
    from datetime import date

    from django.core.files.base import ContentFile

    from core.clock import now
    from kpi.models.reports import ReportKind, ServiceReport
    from sla.models import Contract

    found = {}
    for key, code in (("desktop_report", "DEMO-DESKTOP"), ("server_report", "DEMO-SERVER")):
        report = ServiceReport.objects.filter(contract__code=code, ticket__isnull=True).first()
        if report is None:
            report = ServiceReport(contract=Contract.objects.get(code=code),
                                   kind=ReportKind.MONTHLY_SUMMARY,
                                   period_start=date(2026, 1, 1), period_end=date(2026, 1, 31),
                                   generated_at=now())
            for field, suffix, data in (("pdf", "pdf", b"%PDF-1.4\n"), ("xlsx", "xlsx", b"PK")):
                stored = getattr(report, field)
                name = f"reports/{code}/{code}-matrix.{suffix}"
                if stored.storage.exists(name):  # reused across runs, not piled up
                    stored.name = name
                else:
                    stored.save(f"{code}-matrix.{suffix}", ContentFile(data), save=False)
            report.save()
        found[key] = report.pk
    return found
