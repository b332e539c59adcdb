"""URL × role rows for customer service reports (merged into tests/test_url_matrix.py).

On 吴芳's (user) printer ticket of DEMO-DESKTOP, 刘强 (engineer) visited and wrote {draft}, a
report nobody signed yet, and {signed}, an earlier version signed by both with its PDF.
Readers are whoever sees the ticket (user2 gets 404); the form is the visiting engineer's;
the client side (the requester, the contract's client contact) signs and confirms for the
client, the report's engineer signs in person on his phone too."""

SEE_PRINTER = {"admin", "desk", "engineer", "engineer2", "pm", "delivery", "gm", "client", "user"}
CLIENT_SIGNERS = {"engineer", "client", "user"}

EXPECTED = {
    "/field/tickets/{printer}/service-report/": ({"engineer"}, {403, 404}, 302),
    "/field/service-reports/{draft}/": (SEE_PRINTER, 404, 302),
    "/field/service-reports/{draft}/sign/requester/": (CLIENT_SIGNERS, {403, 404}, 302),
    "/field/service-reports/{draft}/sign/engineer/": ({"engineer"}, {403, 404}, 302),
    "/field/service-reports/{draft}/confirm/": ({"client", "user"}, {403, 404}, 302),
    "/field/service-reports/{signed}/pdf/": (SEE_PRINTER, 404, 302),
    "/api/service-reports/": (SEE_PRINTER | {"user2"}, None, 401),
    "/api/service-reports/{draft}/": (SEE_PRINTER, 404, 401),
    "/api/service-reports/{signed}/pdf/": (SEE_PRINTER, 404, 401),
    "/api/tickets/{printer_id}/service-report/": (SEE_PRINTER, 404, 401),
}

# POST-only (tests/fieldservice/test_report_pages.py and test_report_api.py cover them).
POST_ONLY = {"field/service-reports/<int:pk>/no-signature/"}


def names() -> dict:
    from django.core.files.base import ContentFile

    from accounts.models import User
    from core import uploads
    from core.clock import now
    from fieldservice.models import ReportStatus, ServiceReport, Visit
    from tickets.models import Attachment, Ticket

    printer = Ticket.objects.get(title="三楼财务部打印机频繁卡纸")
    engineer = User.objects.get(username="engineer")
    moment = now()
    Visit.objects.create(ticket=printer, engineer=engineer, checked_in_at=moment)
    common = {"ticket": printer, "engineer": engineer, "created_by": engineer,
              "created_at": moment, "updated_at": moment, "symptom": "卡纸", "actions": "清洁",
              "result": "正常"}
    name = uploads.storage().save("attachments/matrix/report.pdf", ContentFile(b"%PDF-1.4\n"))
    pdf = Attachment.objects.create(ticket=printer, uploaded_by=engineer, storage_name=name,
                                    original_name="report.pdf", content_type="application/pdf",
                                    size=9, created_at=moment)
    signed = ServiceReport.objects.create(
        **common, status=ReportStatus.SIGNED, requester_signed_at=moment,
        engineer_signed_at=moment, frozen_at=moment, pdf=pdf, requester_name="吴芳")
    draft = ServiceReport.objects.create(**common, version=2, supersedes=signed)
    return {"draft": draft.pk, "signed": signed.pk}
